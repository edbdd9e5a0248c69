"""Fault injection on the Neo4j backend (issue 12, item 5): kill -9 of an
``ingest --backend neo4j`` during its ``load_neo4j`` step, and the Neo4j server
killed mid-query and restarted under a running API.

Both run on a Neo4j server of their own (``policykg neo4j-dev start`` on a data
directory under the test's temporary folder, on a free port), so the shared
test server is never disturbed. If that server cannot start, the tests fail
with its output: they are never skipped.

Each asserts what a reader sees: the complete old or the complete new graph,
never part of one, and nothing lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from api.cli import main
from graph import neo4j_store as N
from graph import schema as S
from graph.store import open_store
from tests.conftest import CORPUS, REPO, link_model, policykg_command
from tests.ingest.test_bad_input import GOOD_FILE, entry, make_corpus
from tools import neo4j_dev

pytestmark = [pytest.mark.faults, pytest.mark.neo4j]

PLATFORM_TYPE = "高精尖创新中心"


# ---------------------------------------------------------------- a server of our own


def start_server(data: Path) -> dict[str, Any]:
    """``policykg neo4j-dev start`` as a user runs it; a clear failure (with its output) if it cannot."""
    proc = subprocess.run(
        [*policykg_command(), "neo4j-dev", "start", "--data", str(data), "--heap", "512m", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=400,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"could not start a neo4j-dev server for {data} (exit {proc.returncode}):\n"
            f"{proc.stdout}\n{proc.stderr}\n(start it by hand with `policykg neo4j-dev start --data {data}` "
            "to see why)",
            pytrace=False,
        )
    info = json.loads(proc.stdout)
    assert info["reachable"], info
    return info


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Path]:
    """A data directory with its own running neo4j-dev server (stopped at the end)."""
    data = tmp_path_factory.mktemp("neo4j-faults") / "data"
    link_model(data)
    start_server(data)
    yield data
    neo4j_dev.stop(data)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """(A, B): a one-document corpus and the real one; their graphs differ, so B is a new generation."""
    small = make_corpus(
        tmp_path_factory.mktemp("neo4j-faults") / "corpus-a", [entry("003", GOOD_FILE)], {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes()}
    )
    return small, CORPUS


def ingest(corpus: Path, data: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--backend", "neo4j", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def driver_for(data: Path) -> Any:
    return N.connect(neo4j_dev.resolve_connection(data))


def count(driver: Any, statement: str, **params: Any) -> int:
    with driver.session() as session:
        return int(session.run(statement, **params).single()[0])


def graph_state(data: Path) -> dict[str, Any]:
    """What a reader of the Neo4j store sees: its generation and the answers of every kind of read."""
    from ingest.pipeline import current_store

    vectors = N.embeddings_of(current_store(data))
    store = open_store(data, "neo4j")
    try:
        clauses = store.clauses()["clauses"]
        probe = vectors.get(clauses[0]["clause_id"])
        return {
            "generation": store.generation(),
            "documents": store.documents(),
            "clauses": clauses,
            "rules": store.rules_for(),
            "deadlines": store.deadlines(),
            # every match (ids: Lucene's scores count all the index's nodes, other generations' too)
            "fulltext": sorted(r["clause_id"] for r in store.fulltext_search("评估", k=1000)),
            "vector": store.vector_search(probe, k=10) if probe else None,
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def generation_b(server, corpora) -> dict[str, Any]:
    """Corpus B's generation as a complete load leaves it: its id, size, what readers see, an Obligation node id
    (Obligation nodes are written after the Clause nodes, with their vectors and text)."""
    ingest(corpora[1], server)
    state = graph_state(server)
    drv = driver_for(server)
    try:
        nodes = count(drv, f"MATCH (n:{N.BASE_LABEL} {{gen: $g}}) RETURN count(n)", g=state["generation"])
        with drv.session() as session:
            node = session.run(
                f"MATCH (n:{S.OBLIGATION} {{gen: $g}}) RETURN n.id AS id ORDER BY n._ord LIMIT 1", g=state["generation"]
            ).single()["id"]
    finally:
        drv.close()
    return {"state": state, "nodes": nodes, "node": node}


def wait_for_step(proc: subprocess.Popen, step: str) -> None:
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("{") and json.loads(line).get("step") == step:
            return
    pytest.fail(f"the ingest ended before {step}: exit {proc.wait()}\n{proc.stdout.read()}\n{''.join(seen)}")


def wait_blocked(driver: Any, proc: subprocess.Popen, statement_part: str, timeout: float = 180) -> None:
    """Until a transaction running a statement containing ``statement_part`` waits for our lock."""
    deadline = time.monotonic() + timeout
    while True:
        with driver.session() as session:
            txs = session.run("SHOW TRANSACTIONS YIELD currentQuery, status").data()
        if any(t["status"].startswith("Blocked") and statement_part in (t["currentQuery"] or "") for t in txs):
            return
        assert proc.poll() is None, f"the ingest ended (exit {proc.returncode}) before it reached {statement_part!r}"
        assert time.monotonic() < deadline, f"the load never waited on {statement_part!r}: {txs}"
        time.sleep(0.1)


def wait_alone(driver: Any, timeout: float = 60) -> None:
    """Until the killed loader's transaction is gone from the server (rolled back)."""
    deadline = time.monotonic() + timeout
    while True:
        with driver.session() as session:
            txs = session.run("SHOW TRANSACTIONS YIELD currentQuery").data()
        if all("SHOW TRANSACTIONS" in (t["currentQuery"] or "") for t in txs):
            return
        assert time.monotonic() < deadline, f"the killed loader's transaction is still open: {txs}"
        time.sleep(0.2)


# ---------------------------------------------------------------- kill -9 during load_neo4j

# Where the kill lands, held there by a lock the test takes in Neo4j (so the
# moment is exact, not a race): "writing" has committed the first labels'
# batches of the new generation (its Clause nodes among them: in the vector and
# full-text indexes) and waits to create an Obligation node (the uniqueness
# constraint's lock on its (id, gen), which the test holds); "switching"
# has written and counted the whole new generation and waits to switch the meta
# node to it.
WHERE = {
    "writing": (f"CREATE (n:{N.BASE_LABEL} {{id: $node, gen: $gen}})", f"CREATE (n:{N.BASE_LABEL}:{S.OBLIGATION} "),
    "switching": (f"MATCH (m:{N.META_LABEL} {{key: $meta}}) SET m.fault_probe = true", f"MERGE (m:{N.META_LABEL}"),
}


@pytest.mark.parametrize("where", list(WHERE))
def test_kill_9_during_load_neo4j_leaves_the_previous_generation_live(server, corpora, generation_b, where):
    data = server
    ingest(corpora[0], data)  # generation A live (B's nodes dropped)
    before = graph_state(data)
    gen_a, gen_b = before["generation"], generation_b["state"]["generation"]
    assert gen_a != gen_b and before["documents"] != generation_b["state"]["documents"]
    live_dir = (data / "current").resolve()
    lock, waits_on = WHERE[where]
    drv = driver_for(data)
    holder = drv.session()
    tx = holder.begin_transaction()
    proc = None
    try:
        tx.run(lock, node=generation_b["node"], gen=gen_b, meta=N.META_KEY).consume()
        proc = subprocess.Popen(
            [*policykg_command(), "ingest", "--corpus", str(corpora[1]), "--data", str(data), "--backend", "neo4j", "--json"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for_step(proc, "load_neo4j")
        wait_blocked(drv, proc, waits_on)
        written = count(drv, f"MATCH (n:{N.BASE_LABEL} {{gen: $g}}) RETURN count(n)", g=gen_b)
        if where == "writing":
            assert 0 < written < generation_b["nodes"], written  # a half generation is in the database
        else:
            assert written == generation_b["nodes"], written  # all of it, not yet switched to
        assert graph_state(data) == before  # readers meanwhile: the old generation, whole
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        tx.rollback()  # the killed loader's waiting statement now runs, in a transaction nobody will commit
        holder.close()
    try:
        wait_alone(drv)
        assert graph_state(data) == before, "a reader no longer sees the previous generation whole"
        leftovers = count(drv, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=gen_a)
        assert leftovers == written, "the killed load's nodes should be in the database, unread"
        assert (data / "current").resolve() == live_dir  # the embedded store did not move either
        left = list((data / "stores").glob("*.partial"))
        assert left, "the killed ingest's staging directory should still be there"

        # The next ingest completes, switches to B and clears every other generation.
        assert ingest(corpora[1], data)["summary"]["neo4j"]["generation"] == gen_b
        assert graph_state(data) == generation_b["state"]  # nothing lost, nothing of A mixed in
        assert count(drv, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=gen_b) == 0
        assert count(drv, f"MATCH (n:{N.BASE_LABEL} {{gen: $g}}) RETURN count(n)", g=gen_b) == generation_b["nodes"]
        assert count(drv, f"MATCH (m:{N.META_LABEL}) WHERE m.fault_probe IS NOT NULL RETURN count(m)") == 0
        assert not [p for p in left if p.exists()], "the next ingest kept the killed one's staging directory"
    finally:
        drv.close()


# ---------------------------------------------------------------- Neo4j killed mid-query, restarted


def _gone(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_neo4j_killed_mid_query_is_503_then_the_same_app_answers_after_restart(server, corpora, generation_b):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    data = server
    ingest(corpora[1], data)  # B live (a no-op load if it already is)
    info = neo4j_dev.status(data)
    assert info["running"] and info["pid"], info
    graph_reads = [
        ("/obligations", {"platform_type": PLATFORM_TYPE}),
        ("/documents", {}),
        (f"/entities/{PLATFORM_TYPE}", {}),
        ("/deadlines", {}),
    ]
    with TestClient(create_app(Settings(data=data, corpus=corpora[1], backend="neo4j"))) as client:
        assert client.get("/health").json()["status"] == "ok"
        before = {}
        for path, params in graph_reads:
            r = client.get(path, params=params)
            assert r.status_code == 200, r.text
            before[path] = r.json()
        search_before = client.get("/search", params={"q": "国际同行评估"})
        assert search_before.status_code == 200, search_before.text

        # Readers hammer the graph while the server is killed under them.
        seen: list[tuple[str, int, Any]] = []
        stop = threading.Event()

        def reader() -> None:
            while not stop.is_set():
                for path, params in graph_reads[:2]:
                    r = client.get(path, params=params)
                    seen.append((path, r.status_code, r.json()))

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            while len(seen) < 20:  # the reader is under way
                assert thread.is_alive()
                time.sleep(0.02)
            os.kill(int(info["pid"]), signal.SIGKILL)
            deadline = time.monotonic() + 30
            while not _gone(int(info["pid"])):
                assert time.monotonic() < deadline, "the killed Neo4j process did not go away"
                time.sleep(0.05)
            after_kill = len(seen)
            while len(seen) < after_kill + 4:  # a few more reads against the dead server
                assert thread.is_alive()
                time.sleep(0.05)
        finally:
            stop.set()
            thread.join(timeout=120)
        assert not thread.is_alive(), "a read hung after Neo4j was killed"
        for path, status, body in seen:  # never a 500, never part of the graph: the whole answer or a 503
            assert status in (200, 503), (path, status, body)
            if status == 200:
                assert body == before[path], f"{path} answered something else than the live graph"
            else:
                assert "Neo4j" in body["error"]["message"] and "neo4j-dev" in body["error"]["hint"], body
        assert any(status == 503 for _, status, _ in seen[after_kill:]), "reads after the kill did not fail"

        # Down: graph reads are 503 with a hint, and so is search, which --backend neo4j
        # serves from Neo4j alone (search/neo4j_index.py), not from the data directory.
        for path, params in [*graph_reads, ("/search", {"q": "国际同行评估"})]:
            t0 = time.monotonic()
            r = client.get(path, params=params)
            assert r.status_code == 503, r.text
            err = r.json()["error"]
            assert "Neo4j" in err["message"] and "neo4j-dev" in err["hint"], err
            assert time.monotonic() - t0 < 10, f"{path} took {time.monotonic() - t0:.1f} s to report the dead server"

        # Restarted (recovery after the kill): the same client, no app restart, the same answers.
        restarted = start_server(data)
        assert restarted["started"] and restarted["uri"] == info["uri"], restarted
        for path, params in graph_reads:
            r = client.get(path, params=params)
            assert r.status_code == 200, f"{path} after the restart: {r.text}"
            assert r.json() == before[path], f"{path} answers differently after the restart"
        search = client.get("/search", params={"q": "国际同行评估"})
        assert search.status_code == 200, f"/search after the restart: {search.text}"
        assert search.json()["results"] == search_before.json()["results"]
        assert client.get("/health").json()["status"] == "ok"
    assert graph_state(data) == generation_b["state"]
