"""Two writers over one Neo4j (issue 16): a server behind the live graph catches up before it writes.

Each server writes from a corpus copy of its own data directory. A directory
that holds only the model, or whose copy another server's write has left
behind, rebuilds its copy from the live graph's Document texts and corpus
record (api/corpus_edit.catch_up) and then applies its change, so no write
drops what another server added; a writer overtaken between its catch-up and
its load is still refused (E027) rather than dropping the other's document.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph import neo4j_store as N
from graph.neo4j_conn import Connection
from graph.nx_store import GRAPH_FILE, read_graph
from ingest.loaders import read_manifest
from ingest.pipeline import current_store
from tests.api.test_writes import NEW_TEXT
from tests.conftest import CORPUS, policykg_command, serving
from tests.neo4j.test_failures import _revised
from tests.neo4j.test_stateless import model_only

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]
KEY = "h16-two-writers-key"
TEXT_A = NEW_TEXT.replace("量子测绘", "光子计算")
"""Posted through server A as GB18030 bytes: converted, its original kept beside the text."""
TEXT_B = NEW_TEXT.replace("量子测绘", "类脑芯片")
DOC_B = {"id": "w16b", "title": "北京市类脑芯片试验平台管理办法", "text": TEXT_B, "metadata": {"year": 2025, "status": "final"}}


def _get(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(f"{base}{path}", params=params, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _doc_ids(base: str) -> list[str]:
    return [d["doc_id"] for d in _get(base, "/documents")["documents"]]


def _clauses(base: str, doc_id: str) -> list[dict[str, Any]]:
    return list(_get(base, "/clauses", doc=doc_id)["clauses"])


def _env(conn: Connection) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("POLICYKG_API_KEY", "POLICYKG_DATA")},
        "NEO4J_URI": conn.uri,
        "NEO4J_USER": conn.user,
        "NEO4J_PASSWORD": conn.password,
    }


def test_model_only_servers_keep_each_others_documents(neo4j_ingested: Path, neo4j_conn: Connection, stores, tmp_path: Path) -> None:
    """A adds a document; B, whose directory holds only the model, adds another: both are live,
    with the clause offsets they had. A removal through a third model-only directory removes
    only its document."""
    nx_store, _ = stores
    seed = [d["doc_id"] for d in nx_store.documents()["documents"]]
    data_a, data_b, data_c = (model_only(tmp_path / name) for name in "abc")
    env = {**_env(neo4j_conn), "POLICYKG_API_KEY": KEY}
    args, key = ["--backend", "neo4j"], {"X-API-Key": KEY}
    original = TEXT_A.encode("gb18030")
    driver = N.connect(neo4j_conn)
    try:
        with serving(data_a, CORPUS, tmp_path / "a.log", env, args) as a, serving(data_b, CORPUS, tmp_path / "b.log", env, args) as b:
            seed_clauses = {doc_id: _clauses(b, doc_id) for doc_id in seed}
            r = httpx.post(
                f"{a}/documents",
                headers=key,
                data={"id": "w16a", "title": "北京市光子计算试验平台管理办法"},
                files={"file": ("w16a.txt", original, "text/plain")},
                timeout=600,
            )
            assert r.status_code == 200, r.text
            written_a = _clauses(a, "w16a")
            assert written_a and all(TEXT_A[c["start"] : c["end"]] == c["text"] for c in written_a)

            r = httpx.post(f"{b}/documents", json=DOC_B, headers=key, timeout=600)  # B never ingested anything
            assert r.status_code == 200, r.text
            assert r.json()["documents"] == len(seed) + 2, r.json()
            for base in (a, b):
                assert sorted(_doc_ids(base)) == sorted([*seed, "w16a", "w16b"])
                assert _clauses(base, "w16a") == written_a  # same clauses, same offsets
                assert all(_clauses(base, doc_id) == clauses for doc_id, clauses in seed_clauses.items())
            written_b = _clauses(b, "w16b")
            assert written_b and all(TEXT_B[c["start"] : c["end"]] == c["text"] for c in written_b)
            # B's copy was rebuilt from the graph: A's document as A stored it, text and original bytes
            entry = next(e for e in read_manifest(data_b / "corpus") if e["id"] == "w16a")
            assert (data_b / "corpus" / entry["file"]).read_text("utf-8") == TEXT_A
            assert (data_b / "corpus" / entry["source_file"]).read_bytes() == original
            for name in ("centers.csv", "aliases.yaml"):
                assert (data_b / "corpus" / name).read_bytes() == (CORPUS / name).read_bytes()

            proc = subprocess.run(
                [*policykg_command(), "remove", "w16a", "--data", str(data_c), "--backend", "neo4j", "--json"],
                cwd=REPO,
                env=_env(neo4j_conn),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr
            assert json.loads(proc.stdout)["documents"] == len(seed) + 1
            for base in (a, b):
                assert sorted(_doc_ids(base)) == sorted([*seed, "w16b"])
                assert _clauses(base, "w16b") == written_b
                assert all(_clauses(base, doc_id) == clauses for doc_id, clauses in seed_clauses.items())
    finally:
        N.load_store(driver, current_store(neo4j_ingested))  # the session's graph back as the other tests know it
        driver.close()


def test_a_writer_overtaken_after_catching_up_is_refused(neo4j_ingested: Path, neo4j_conn: Connection, stores, tmp_path: Path) -> None:
    """Between a model-only directory's catch-up and its load another writer switches in a
    generation: the load refuses (E027) and the other generation stays live, whole."""
    from api.commands_corpus import _write
    from api.corpus_edit import NewDocument, put_document
    from graph.errors import GenerationConflictError

    _, neo_store = stores
    conn = {"uri": neo4j_conn.uri, "user": neo4j_conn.user, "password": neo4j_conn.password}
    mine = model_only(tmp_path / "mine")
    driver = N.connect(neo4j_conn)
    other: dict[str, Any] = {}

    def change(corpus: Path) -> None:
        put_document(corpus, NewDocument("w16c", None, TEXT_B.encode("utf-8"), {}), replace=False)
        other.update(N.load_graph(driver, _revised(read_graph(current_store(neo4j_ingested) / GRAPH_FILE), "（丙）")))

    try:
        with pytest.raises(GenerationConflictError):
            _write(mine, None, "neo4j", conn, change)
        assert neo_store.generation() == other["generation"]
        assert all(c["text"].endswith("（丙）") for c in neo_store.clauses()["clauses"])
        # this directory changed nothing either: no store, no corpus copy
        assert not (mine / "current").exists() and not (mine / "corpus").exists() and not any((mine / "corpora").iterdir())
    finally:
        N.load_store(driver, current_store(neo4j_ingested))
        driver.close()
