"""Search and the API over Neo4j alone (issue 16, item 3): data directories that hold only the model.

With ``--backend neo4j`` the searcher reads candidates, rows, vectors, BM25
statistics and facts from Neo4j (search/neo4j_index.py). Here the data
directories hold nothing but a link to the model: a searcher over one answers
as the embedded searcher over the full ingest, and two ``policykg serve``
processes over one Neo4j answer alike; a document written through one is
found through the other at its next request, without a restart.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.test_writes import NEW_DOC as WRITTEN
from tests.api.test_writes import NEW_TEXT
from tests.conftest import CORPUS, REPO_DATA, serving

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = [
    json.loads(line)["question"] for line in (REPO / "tests" / "data" / "dev_qa.jsonl").read_text("utf-8").splitlines() if line.strip()
]
NEW_DOC = {**WRITTEN, "id": "t16"}
ASKED = "量子测绘试验平台报送年度运行报告"
KEY = "h16-stateless-test-key"


def model_only(path: Path) -> Path:
    """A data directory holding only a link to the built model."""
    from search.model_home import model_dir_for

    model = model_dir_for(REPO_DATA)
    if not model.is_dir():
        pytest.fail(f"embedding model not built at {model}: run `bash scripts/install.sh` first", pytrace=False)
    path.mkdir(parents=True)
    (path / "model").symlink_to(model)
    return path


def test_a_searcher_over_neo4j_needs_only_the_model(neo4j_ingested: Path, neo4j_conn: Any, tmp_path: Path) -> None:
    from api.services import open_graph_store, open_searcher
    from search.service import Searcher

    data = model_only(tmp_path / "data")
    store = open_graph_store(data, "neo4j", neo4j_conn.uri, neo4j_conn.user, neo4j_conn.password)
    try:
        stateless = open_searcher(data, "neo4j", store)
        assert stateless.remote and stateless.local_data is None
        embedded = Searcher(neo4j_ingested, open_graph_store(neo4j_ingested, "networkx"), encoder=stateless.encoder)
        for q in QUESTIONS[::4]:
            assert stateless.search(q, k=5) == embedded.search(q, k=5), q
        assert stateless.ask(QUESTIONS[0]) == embedded.ask(QUESTIONS[0])
    finally:
        store.close()
    assert sorted(p.name for p in data.iterdir()) == ["model"], "the searcher wrote into its data directory"


def _search(base: str, q: str) -> dict[str, Any]:
    r = httpx.get(f"{base}/search", params={"q": q, "k": 5}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_two_api_processes_share_one_neo4j(neo4j_ingested: Path, neo4j_conn: Any, tmp_path: Path) -> None:
    """Two servers, data directories holding only the model: same answers; a write through
    one is read through the other without a restart; the removal too."""
    from graph import neo4j_store as N
    from ingest.pipeline import current_store

    data_a, data_b = model_only(tmp_path / "a"), model_only(tmp_path / "b")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("POLICYKG_API_KEY", "POLICYKG_DATA")},
        "NEO4J_URI": neo4j_conn.uri,
        "NEO4J_USER": neo4j_conn.user,
        "NEO4J_PASSWORD": neo4j_conn.password,
    }
    args = ["--backend", "neo4j"]
    driver = N.connect(neo4j_conn)
    try:
        with (
            serving(data_a, CORPUS, tmp_path / "a.log", {**env, "POLICYKG_API_KEY": KEY}, args) as a,
            serving(data_b, CORPUS, tmp_path / "b.log", env, args) as b,
        ):
            for base in (a, b):
                health = httpx.get(f"{base}/health", timeout=10).json()
                assert health["status"] == "ok" and health["backend"] == "neo4j" and health["search"], health
            for q in QUESTIONS[:3]:
                assert _search(a, q) == _search(b, q), q
            assert all(hit["doc_id"] != "t16" for hit in _search(b, ASKED)["results"])

            r = httpx.post(f"{a}/documents", json=NEW_DOC, headers={"X-API-Key": KEY}, timeout=600)
            assert r.status_code == 200, r.text
            first = _search(b, ASKED)["results"][0]  # the next request of the other process
            assert first["doc_id"] == "t16" and "年度运行报告" in first["text"], first
            assert NEW_TEXT[first["start"] : first["end"]] == first["text"]
            assert _search(a, ASKED) == _search(b, ASKED)
            assert "t16" in [d["doc_id"] for d in httpx.get(f"{b}/documents", timeout=30).json()["documents"]]

            r = httpx.delete(f"{a}/documents/t16", headers={"X-API-Key": KEY}, timeout=600)
            assert r.status_code == 200, r.text
            assert all(hit["doc_id"] != "t16" for hit in _search(b, ASKED)["results"])
        assert sorted(p.name for p in data_b.iterdir()) == ["model"], "the reading server wrote into its data directory"
    finally:
        # the session's graph back as the other tests know it (the writes went through A's own corpus copy)
        N.load_store(driver, current_store(neo4j_ingested))
        driver.close()
