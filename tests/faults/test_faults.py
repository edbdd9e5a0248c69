"""Fault injection on the embedded store: kill -9 mid-ingest and mid-write, a full disk, damaged store
files, two writers.

Each test asserts what a reader sees: a complete old or new store, never a
half-written one, and nothing lost. (The Neo4j variants are still to be
written: issue 12, item 5.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from ingest.errors import StoreCorruptError
from ingest.pipeline import current_store
from tests.conftest import CORPUS, link_model, policykg_command
from tests.ingest.test_bad_input import GOOD_FILE, entry, make_corpus

pytestmark = pytest.mark.faults

STEPS = ["load_corpus", "load_centers", "build_graph", "index_clauses"]
SECOND_FILE = "000_ba93140f981b18fd.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    files = {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes(), SECOND_FILE: (CORPUS / SECOND_FILE).read_bytes()}
    return make_corpus(tmp_path_factory.mktemp("faults") / "corpus", [entry("003", GOOD_FILE), entry("000", SECOND_FILE)], files)


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory, corpus) -> Path:
    """A data directory after two complete ingests: the live store and the previous one."""
    data = tmp_path_factory.mktemp("faults") / "data"
    link_model(data)
    for force in ([], ["--force"]):  # an unchanged corpus is a no-op without --force
        result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json", *force])
        assert result.exit_code == 0, result.output
    assert len([p for p in (data / "stores").iterdir()]) == 2
    return data


def copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def read_documents(data: Path) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["documents", "--data", str(data), "--json"])
    docs = [d["doc_id"] for d in json.loads(result.stdout)["documents"]] if result.exit_code == 0 else []
    return result.exit_code, docs, result.output


def start_ingest(corpus: Path, data: Path) -> subprocess.Popen:
    """A real ingest (``--force``: the corpus is unchanged, which would otherwise be a no-op)."""
    return subprocess.Popen(
        [*policykg_command(), "ingest", "--corpus", str(corpus), "--data", str(data), "--json", "--force"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("step", STEPS)
def test_kill_9_during_an_ingest_step_leaves_the_old_store_live(two_stores, corpus, tmp_path, step):
    data = copy_data(two_stores, tmp_path / "data")
    live = (data / "current").resolve()
    proc = start_ingest(corpus, data)
    try:
        for line in proc.stderr:
            if line.startswith("{") and json.loads(line).get("step") == step:
                break
        else:
            pytest.fail(f"the ingest ended before {step}: exit {proc.wait()}")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert (data / "current").resolve() == live
    assert current_store(data) == live  # every file as its ingest wrote it
    assert read_documents(data)[:2] == (0, ["003", "000"])
    left = list((data / "stores").glob("*.partial"))
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert not [p for p in left if p.exists()], "the next ingest kept the killed one's staging directory"


def test_a_truncated_graph_is_detected_and_the_previous_store_served(two_stores, tmp_path, caplog):
    data = copy_data(two_stores, tmp_path / "data")
    live = (data / "current").resolve()
    graph = live / "graph.json"
    graph.write_bytes(graph.read_bytes()[: graph.stat().st_size // 2])
    served = current_store(data)
    assert served != live and served.parent == live.parent
    code, docs, _ = read_documents(data)
    assert code == 0 and docs == ["003", "000"]
    assert "graph.json" in caplog.text and "truncated" in caplog.text  # the warning (stderr) names the damage


def test_garbled_clauses_are_detected_and_the_previous_store_served(two_stores, tmp_path, caplog):
    data = copy_data(two_stores, tmp_path / "data")
    live = (data / "current").resolve()
    clauses = live / "clauses.jsonl"
    raw = bytearray(clauses.read_bytes())
    raw[100:110] = b"#" * 10  # same size, different bytes
    clauses.write_bytes(bytes(raw))
    assert current_store(data) != live
    code, docs, _ = read_documents(data)
    assert code == 0 and docs == ["003", "000"] and "clauses.jsonl" in caplog.text and "garbled" in caplog.text


def test_damage_with_no_whole_store_left_is_a_clear_error(two_stores, tmp_path, api_client_for):
    data = copy_data(two_stores, tmp_path / "data")
    for store in (data / "stores").iterdir():
        (store / "graph.json").write_text("{", "utf-8")
    with pytest.raises(StoreCorruptError, match="graph.json"):
        current_store(data)
    code, _, output = read_documents(data)
    assert code == 2 and "E022" in output and "graph.json" in output and "Traceback" not in output
    with api_client_for(data) as client:
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["problems"][0]["code"] == "E022"


def test_two_concurrent_writers_leave_one_whole_store_and_readers_never_fail(two_stores, corpus, tmp_path):
    data = copy_data(two_stores, tmp_path / "data")
    failures: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            code, docs, output = read_documents(data)
            reads += 1
            if code != 0 or docs != ["003", "000"]:
                failures.append(output)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        writers = [start_ingest(corpus, data) for _ in range(2)]
        outcomes = [(w.wait(timeout=600), w.stderr.read()) for w in writers]
    finally:
        stop.set()
        thread.join()
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert not failures, failures[:3]
    assert reads > 0
    current_store(data)  # whole
    assert not list((data / "stores").glob("*.partial"))
    assert read_documents(data)[:2] == (0, ["003", "000"])


@pytest.fixture()
def api_client_for():
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    def client(data: Path) -> TestClient:
        return TestClient(create_app(Settings(data=data, corpus=CORPUS)))

    return client


def test_the_damage_checks_cost_little(two_stores):
    """current_store verifies every file; on the seed-sized store that is far under the 1 s load budget."""
    import time

    t0 = time.perf_counter()
    for _ in range(10):
        current_store(two_stores)
    assert (time.perf_counter() - t0) / 10 < 0.2


def test_kill_9_during_an_api_write_keeps_the_old_state_and_the_next_write_cleans_up(two_stores, tmp_path):
    """`policykg serve` killed while a POST /documents is ingesting: the old store and corpus stay live."""
    import time

    import httpx

    from tests.api.test_writes import NEW_DOC
    from tests.conftest import free_port

    data = copy_data(two_stores, tmp_path / "data")
    live = (data / "current").resolve()
    port = free_port()
    env = {**os.environ, "POLICYKG_API_KEY": "fault-key"}
    server = subprocess.Popen(
        [*policykg_command(), "serve", "--port", str(port), "--data", str(data), "--corpus", str(CORPUS)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, server.stderr.read().decode("utf-8", "replace")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "policykg serve did not start"
            time.sleep(0.3)
        post = threading.Thread(target=lambda: _post_quietly(f"{base}/documents", NEW_DOC))
        post.start()
        while not list((data / "stores").glob("*.partial")):  # the write is ingesting
            assert post.is_alive(), "the write finished before it could be killed"
            time.sleep(0.02)
        server.send_signal(signal.SIGKILL)
        post.join()
    finally:
        server.kill()
        server.wait()
    assert current_store(data) == live
    assert read_documents(data)[:2] == (0, ["003", "000"])
    left = [*(data / "stores").glob("*.partial"), *(data / "corpora").iterdir()]
    doc = tmp_path / "t01.txt"
    doc.write_text(NEW_DOC["text"], "utf-8")
    result = CliRunner().invoke(main, ["add", str(doc), "--id", "t01", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert read_documents(data)[1] == ["003", "000", "t01"]
    assert not [p for p in left if p.exists()], "the killed write's staging was kept"


def _post_quietly(url: str, body: dict) -> None:
    import httpx

    try:
        httpx.post(url, json=body, headers={"X-API-Key": "fault-key"}, timeout=300)
    except httpx.HTTPError:
        pass  # the server was killed mid-request


def test_a_full_disk_while_writing_the_store_is_a_clear_error_and_changes_nothing(two_stores, corpus, tmp_path):
    """The ingest may write no file over 100 kB (RLIMIT_FSIZE: EFBIG, as ENOSPC on a full disk); graph.json is larger."""
    import resource

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    data = copy_data(two_stores, tmp_path / "data")
    live = (data / "current").resolve()
    done = subprocess.run(
        [*policykg_command(), "ingest", "--corpus", str(corpus), "--data", str(data), "--json", "--force"],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr
    err = json.loads(done.stdout)["error"]
    assert err["code"] == "E023" and "File too large" in err["message"] and "previous store" in err["hint"]
    assert current_store(data) == live
    assert not list((data / "stores").glob("*.partial"))
    assert read_documents(data)[:2] == (0, ["003", "000"])
