"""The networkx store over the real corpus: provenance round-trips, format, speed, errors, CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import schema as S
from graph.build import build_graph, graph_counts
from graph.errors import QueryError
from graph.nx_store import GRAPH_FILE, NxGraphStore, read_graph, write_graph
from ingest.aliases import load_aliases
from ingest.centers import load_centers
from ingest.errors import NotFoundError, StoreFormatError
from ingest.loaders import load_corpus
from ingest.store_files import write_corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    docs = load_corpus(ROOT / "corpus")
    g, table, facts = build_graph(docs, load_aliases(), load_centers(ROOT / "corpus" / "centers.csv").records)
    out = tmp_path_factory.mktemp("store")
    write_corpus(out, docs)
    write_graph(g, out / GRAPH_FILE)
    return docs, g, facts, out


def test_every_text_derived_node_and_edge_round_trips(built) -> None:
    docs, g, _facts, _ = built
    text = {d.doc_id: d.text for d in docs}
    checked = 0
    for _, d in g.nodes(data=True):
        if d.get("label") in (S.CLAUSE, *S.FACT_LABELS.values()):
            assert text[d["doc_id"]][d["start"] : d["end"]] == d["text"]
            checked += 1
        if d.get("label") in S.FACT_LABELS.values():
            assert d["extractor"] and 0 < d["confidence"] <= 1
    for _, _, e in g.edges(data=True):
        if e.get("rel") in (S.MENTIONS, S.STATED_IN, S.BINDS, S.REPORTS_TO, S.APPLIES_TO):
            assert e["doc_id"] in text and e["start"] < e["end"] and e["extractor"]
        if e.get("rel") == S.MENTIONS:
            assert text[e["doc_id"]][e["start"] : e["end"]] == e["surface"]
    assert checked > 300


def test_every_label_and_relation_is_in_the_schema(built) -> None:
    _, g, _, _ = built
    counts = graph_counts(g)
    assert set(counts["nodes"]) <= set(S.LABELS)
    assert set(counts["edges"]) <= set(S.RELATIONS)
    for label in (S.OBLIGATION, S.DEADLINE, S.FUNDING, S.SANCTION, S.CONDITION, S.PLATFORM, S.PLATFORM_TYPE):
        assert counts["nodes"].get(label, 0) > 0, label


def test_fact_edges_equal_the_lists_the_embedded_store_reads(built) -> None:
    """graph/neo4j_store.py expands edges where graph/nx_store.py reads lists: each fact has one
    APPLIES_TO edge per ``applies_to`` target that is a node of the graph (a name that is no node
    can never be asked about) and no other, one STATED_IN edge to its clause, and an ``actor_id``
    that is a node (the checklist's indexed anchor)."""
    _, g, _, _ = built
    facts = 0
    for n, d in g.nodes(data=True):
        if d.get("label") not in S.FACT_LABELS.values():
            continue
        facts += 1
        out = [(t, e["rel"]) for _, t, e in g.out_edges(n, data=True)]
        assert sorted(t for t, rel in out if rel == S.APPLIES_TO) == sorted({t for t in d.get("applies_to") or () if t in g}), n
        assert [t for t, rel in out if rel == S.STATED_IN] == [S.clause_node_id(d["clause_id"])], n
        assert not d.get("actor_id") or d["actor_id"] in g, n
    assert facts > 100


def test_graph_file_is_versioned_and_loads_fast(built) -> None:
    _, g, _, out = built
    data = json.loads((out / GRAPH_FILE).read_text("utf-8"))
    assert data["format"] == S.GRAPH_FORMAT
    t0 = time.perf_counter()
    store = NxGraphStore(out)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0, f"graph.json took {elapsed:.2f}s to load"
    assert store.g.number_of_nodes() == g.number_of_nodes()


def test_wrong_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / GRAPH_FILE).write_text(json.dumps({"format": "policykg-graph/0", "nodes": [], "links": []}), "utf-8")
    with pytest.raises(StoreFormatError):
        read_graph(tmp_path / GRAPH_FILE)


def test_contract_shapes(built) -> None:
    *_, out = built
    store = NxGraphStore(out)
    ob = store.obligations("高精尖创新中心", "依托高校")
    assert set(ob) == {"platform_type", "role", "obligations"}
    for row in ob["obligations"]:
        S.ObligationRow(**row)
    dl = store.deadlines()
    for row in dl["deadlines"]:
        S.DeadlineRow(**row)
        assert row["phrase"] in row["text"]
    assert store.document("000")["doc_id"] == "000"
    c = store.clause("000:5.3.6")
    assert c["path"][-1] == "6"
    assert len(store.clauses("003")["clauses"]) > 5
    ov = store.overlap("mechanism")
    assert ov["by"] == "mechanism" and "matrix" in ov and "conflicts" in ov


def test_errors_are_clear(built) -> None:
    *_, out = built
    store = NxGraphStore(out)
    with pytest.raises(NotFoundError) as err:
        store.entity("北京量子高精尖火星中心XYZ")
    assert err.value.suggestions
    with pytest.raises(QueryError):
        store.entity("")
    with pytest.raises(NotFoundError):
        store.clause("000:99.99")
    with pytest.raises(NotFoundError):
        store.document("999")
    with pytest.raises(QueryError):
        store.rules_for("高精尖中心", kinds=["rumour"])


def test_rules_for_an_entity_and_action(built) -> None:
    *_, out = built
    store = NxGraphStore(out)
    res = store.rules_for("Beijing Advanced Innovation Center for Structural Biology", kinds=["sanction"])
    assert any("停止经费支持" in r["text"] for r in res["rules"])
    res = store.rules_for(action="报送", kinds=["obligation"])
    assert res["clause_ids"] and all("报送" in r["text"] or "报送" in r["action"] for r in res["rules"])


def _symlinked_data(out: Path, tmp_path: Path) -> Path:
    """A data dir whose `current` points at the built store (as ingest leaves it)."""
    data = tmp_path / "data"
    (data / "stores").mkdir(parents=True)
    (data / "stores" / "s1").symlink_to(out)
    manifest = out / "manifest.json"
    if not manifest.exists():
        from ingest.pipeline import STORE_FORMAT

        manifest.write_text(json.dumps({"format": STORE_FORMAT}), "utf-8")
    (data / "current").symlink_to(Path("stores") / "s1")
    return data


def test_cli_json_and_errors(built, tmp_path: Path) -> None:
    from api.cli import main

    *_, out = built
    data = _symlinked_data(out, tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["obligations", "--platform-type", "高精尖中心", "--role", "依托高校", "--data", str(data), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["role"] == "依托高校" and doc["obligations"]
    res = runner.invoke(main, ["obligations", "--platform-type", "北京市技术创新中心", "--data", str(data)])
    assert res.exit_code == 0 and "[ ]" in res.output and "source:" in res.output
    res = runner.invoke(main, ["deadlines", "--platform-type", "技术创新中心", "--data", str(data), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["deadlines"]
    res = runner.invoke(main, ["entity", "市教喂", "--data", str(data), "--json"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def _json_cli(*args: str) -> tuple[int, str, str]:
    """The real console entry point in a child process (the CLI decides on JSON errors from sys.argv)."""
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize(
    "args, message, suggested",
    [
        (("obligations", "--platform-type", "不存在的类型"), "unknown platform type", "高精尖创新中心"),
        (("deadlines", "--platform-type", "人工智能"), "is a Field", "高精尖创新中心"),
        (("entity", "不存在"), "unknown name", None),
    ],
)
def test_unknown_names_are_one_json_error_with_nearest_names(built, tmp_path: Path, args, message, suggested) -> None:
    *_, out = built
    data = _symlinked_data(out, tmp_path)
    code, stdout, stderr = _json_cli(*args, "--data", str(data))
    assert code == 2 and "Traceback" not in stdout + stderr
    doc = json.loads(stdout)  # exactly one JSON document
    err = doc["error"]
    assert err["code"] == NotFoundError.code and message in err["message"]
    assert len(err["suggestions"]) == 5 and len(set(err["suggestions"])) == 5
    if suggested:
        table = NxGraphStore(out).aliases()
        assert suggested in err["suggestions"]
        assert all(table.lookup(n).kind == S.PLATFORM_TYPE for n in err["suggestions"]), err["suggestions"]


def test_english_names_resolve_for_entity_and_obligations(built) -> None:
    *_, out = built
    store = NxGraphStore(out)
    ent = store.entity("Beijing Advanced Innovation Center for Structural Biology")
    assert ent["entity"]["id"] == "Platform:结构生物学高精尖创新中心" and ent["applies_via"] == "高精尖创新中心"
    ob = store.obligations("Beijing Advanced Innovation Center")
    assert ob["platform_type"] == "高精尖创新中心" and ob["obligations"]
    assert store.obligations("Beijing Advanced Innovation Center for Structural Biology")["obligations"] == ob["obligations"]


def test_flat_props_round_trip(built) -> None:
    _, g, _, _ = built
    for _, d in list(g.nodes(data=True))[:400]:
        flat = S.flat_props(d)
        assert all(not isinstance(v, dict) for v in flat.values())
        assert S.unflat_props(flat) == {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items() if v is not None}
