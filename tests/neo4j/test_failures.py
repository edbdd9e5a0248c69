"""Failures of the Neo4j backend: a dead or refusing server, a load killed midway, re-ingest."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph import neo4j_store as N
from graph.errors import BackendUnavailableError
from graph.neo4j_conn import Connection, resolve_connection
from graph.nx_store import GRAPH_FILE, read_graph
from graph.store import open_store
from ingest.pipeline import current_store
from tests.conftest import link_model

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.neo4j


def dead_uri() -> str:
    """A loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"bolt://127.0.0.1:{port}"


def test_dead_server_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="not reachable"):
        open_store(tmp_path, "neo4j", uri=dead_uri(), user="neo4j", password="whatever")


def test_wrong_password_is_a_clear_error(neo4j_conn: Connection, tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="refused the login"):
        open_store(tmp_path, "neo4j", uri=neo4j_conn.uri, user="neo4j", password="not-the-password")


def test_no_server_configured_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="neo4j-dev start"):
        open_store(tmp_path, "neo4j")


def test_cli_on_a_dead_server_exits_2_with_a_message(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "clauses",
            "--backend",
            "neo4j",
            "--neo4j-uri",
            dead_uri(),
            "--data",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert json.loads(proc.stdout)["error"]["code"] == BackendUnavailableError.code
    assert "Traceback" not in proc.stderr and "not reachable" in proc.stderr


def test_api_on_a_dead_server_answers_503(neo4j_ingested: Path) -> None:
    from api.app import create_app
    from api.settings import Settings

    settings = Settings(data=neo4j_ingested, backend="neo4j", NEO4J_URI=dead_uri(), NEO4J_USER="neo4j", NEO4J_PASSWORD="x")
    with TestClient(create_app(settings)) as client:
        response = client.get("/obligations", params={"platform_type": "高精尖创新中心"})
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == BackendUnavailableError.code, response.text


@pytest.fixture()
def driver(neo4j_ingested: Path):
    drv = N.connect(resolve_connection(neo4j_ingested))
    yield drv
    drv.close()


def _count(driver, statement: str, **params) -> int:
    with driver.session() as session:
        return session.run(statement, **params).single()[0]


def test_reingest_is_idempotent(neo4j_ingested: Path, driver) -> None:
    store_dir = current_store(neo4j_ingested)
    before = _count(driver, f"MATCH (n:{N.BASE_LABEL}) RETURN count(n)")
    result = N.load_store(driver, store_dir)
    assert result["unchanged"] is True
    assert result["generation"] == N.Neo4jGraphStore(driver).generation()
    after = _count(driver, f"MATCH (n:{N.BASE_LABEL}) RETURN count(n)")
    assert after == before == read_graph(store_dir / GRAPH_FILE).number_of_nodes()


def test_load_killed_midway_leaves_the_previous_graph(neo4j_ingested: Path, stores, driver) -> None:
    nx_store, neo_store = stores
    live = neo_store.generation()
    before = json.dumps(neo_store.obligations("高精尖创新中心"), ensure_ascii=False, sort_keys=True)
    g = read_graph(current_store(neo4j_ingested) / GRAPH_FILE)
    changed = g.copy()
    some_clause = next(n for n, d in changed.nodes(data=True) if d.get("label") == "Clause")
    changed.nodes[some_clause]["text"] = changed.nodes[some_clause]["text"] + "（修订）"
    with pytest.raises(RuntimeError, match="on purpose"):
        N.load_graph(driver, changed, batch=100, fail_after_batches=3)
    assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=live) > 0  # it did write
    assert neo_store.generation() == live
    assert json.dumps(neo_store.obligations("高精尖创新中心"), ensure_ascii=False, sort_keys=True) == before
    assert neo_store.clauses() == nx_store.clauses()
    # The next load of the live graph finds it unchanged and clears the leftovers.
    assert N.load_store(driver, current_store(neo4j_ingested))["unchanged"] is True
    assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=live) == 0


KILLED_LOADER = """
import sys
from pathlib import Path
from graph import neo4j_store as N
from graph.neo4j_conn import resolve_connection
from graph.nx_store import GRAPH_FILE, read_graph
from ingest.pipeline import current_store
from tests.conftest import link_model

data = Path(sys.argv[1])
g = read_graph(current_store(data) / GRAPH_FILE)
for n, d in g.nodes(data=True):
    if d.get("label") == "Clause":
        d["text"] += "（修订稿）"
driver = N.connect(resolve_connection(data))
N.load_graph(driver, g, batch=20, progress=lambda what, n: print(what, flush=True))
print("finished", flush=True)
"""


def test_load_process_killed_midway_leaves_the_previous_graph(neo4j_ingested: Path, stores, driver) -> None:
    """SIGKILL a real loader process after its first committed batches."""
    import signal

    nx_store, neo_store = stores
    live = neo_store.generation()
    before = json.dumps(neo_store.clauses(), ensure_ascii=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOADER, str(neo4j_ingested)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        for _ in range(5):  # five batches committed, then the kill
            line = proc.stdout.readline()
            assert line and "finished" not in line, proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=live) > 0  # it did write
    assert neo_store.generation() == live
    assert json.dumps(neo_store.clauses(), ensure_ascii=False) == before == json.dumps(nx_store.clauses(), ensure_ascii=False)
    assert N.load_store(driver, current_store(neo4j_ingested))["unchanged"] is True
    assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) WHERE n.gen <> $g RETURN count(n)", g=live) == 0


def _revised(g, mark: str):
    """``g`` with every clause text revised: a new generation of the same size."""
    out = g.copy()
    for _, d in out.nodes(data=True):
        if d.get("label") == "Clause":
            d["text"] = d["text"] + mark
    return out


def _blocked_on(driver, statement_part: str) -> bool:
    """Whether a transaction running a statement that contains ``statement_part`` waits for a lock."""
    with driver.session() as session:
        txs = session.run("SHOW TRANSACTIONS YIELD currentQuery, status").data()
    return any(t["status"].startswith("Blocked") and statement_part in (t["currentQuery"] or "") for t in txs)


def test_two_loads_at_once_run_one_after_the_other(neo4j_ingested: Path, stores, driver) -> None:
    """Two writers loading through one Neo4j at once (two ingests, two API servers): the
    second waits for the first instead of dropping the generation the first is writing
    (whose load then failed its count check) or has just switched in (under its readers)."""
    import threading
    import time

    nx_store, neo_store = stores
    live = neo_store.generation()
    before = json.dumps(neo_store.obligations("高精尖创新中心"), ensure_ascii=False, sort_keys=True)
    g = read_graph(current_store(neo4j_ingested) / GRAPH_FILE)
    paused, resume = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def pause_once(what: str, n: int) -> None:  # the first load, its first batch committed, holds here
        if not paused.is_set():
            paused.set()
            assert resume.wait(300)

    def load(name: str, graph, **options) -> None:
        try:
            results[name] = N.load_graph(driver, graph, batch=100, **options)
        except Exception as err:  # noqa: BLE001 - reported by the assertions below
            results[name] = err

    first = threading.Thread(target=load, args=("first", _revised(g, "（甲）")), kwargs={"progress": pause_once})
    second = threading.Thread(target=load, args=("second", _revised(g, "（乙）")))
    try:
        first.start()
        assert paused.wait(300), results
        second.start()
        deadline = time.monotonic() + 120
        while not _blocked_on(driver, "held_since"):
            assert second.is_alive() and time.monotonic() < deadline, f"the second load did not wait for the first: {results}"
            time.sleep(0.1)
        # Meanwhile readers see the live graph whole, and the second load has written nothing.
        assert neo_store.generation() == live
        assert json.dumps(neo_store.obligations("高精尖创新中心"), ensure_ascii=False, sort_keys=True) == before
        assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) RETURN count(DISTINCT n.gen)") == 2  # the live one and the first load's
    finally:
        resume.set()
        first.join(timeout=600)
        second.join(timeout=600)
    try:
        assert not isinstance(results["first"], Exception), results["first"]
        assert not isinstance(results["second"], Exception), results["second"]
        assert results["first"]["generation"] != results["second"]["generation"]
        # The second switched in last: its generation is live, whole, and alone in the database.
        assert neo_store.generation() == results["second"]["generation"]
        assert _count(driver, f"MATCH (n:{N.BASE_LABEL}) RETURN count(n)") == g.number_of_nodes()
        assert all(c["text"].endswith("（乙）") for c in neo_store.clauses()["clauses"])
        assert len(neo_store.obligations("高精尖创新中心")["obligations"]) == len(nx_store.obligations("高精尖创新中心")["obligations"])
    finally:
        assert N.load_store(driver, current_store(neo4j_ingested))["generation"] == live  # as the other tests expect


def test_a_write_from_a_copy_behind_the_live_graph_is_refused(
    neo4j_ingested: Path, neo4j_conn: Connection, stores, driver, tmp_path: Path
) -> None:
    """Two servers over one Neo4j write from their own corpus copies: once the other has
    switched in a generation, a write from this copy would load a graph without what the
    other added. When that generation keeps no corpus to catch up from (a graph loaded
    directly, or by a version before the corpus record; tests/neo4j/test_two_writers.py
    has the catch-up), the write is refused (E027; HTTP 409 through the API), the live
    graph stays, and this directory's corpus and store are as they were."""
    from api.commands_corpus import _write, register_steps
    from api.corpus_edit import neo4j_write_options
    from graph.errors import GenerationConflictError
    from ingest.pipeline import run_ingest

    _, neo_store = stores
    live = neo_store.generation()
    conn = {"uri": neo4j_conn.uri, "user": neo4j_conn.user, "password": neo4j_conn.password}
    mine = tmp_path / "b"
    link_model(mine)
    register_steps()
    run_ingest(REPO / "corpus", mine, backend="neo4j", options={"neo4j": conn})
    assert neo4j_write_options(mine, conn)["expect"] == live  # what this directory last loaded
    before = current_store(mine)
    other = N.load_graph(driver, _revised(read_graph(before / GRAPH_FILE), "（甲）"))  # the other server's write
    try:
        with pytest.raises(GenerationConflictError):
            _write(mine, None, "neo4j", conn, lambda corpus: None)
        assert neo_store.generation() == other["generation"]
        assert current_store(mine) == before
        # a load with no expectation (a plain ingest states the whole corpus) still goes through
        assert N.load_store(driver, before)["generation"] == live
    finally:
        N.load_store(driver, current_store(neo4j_ingested))
