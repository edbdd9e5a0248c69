"""The analyst CLI on a real ingested store: overlap, exports, policy-tools, bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from api.cli import main


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


def test_overlap_json_is_one_spec_document(overlap_store: Path) -> None:
    code, out = _run("overlap", "--by", "platform_type", "--json", "--data", str(overlap_store))
    assert code == 0
    r = json.loads(out)
    assert r["by"] == "platform_type"
    assert r["matrix"]["高精尖创新中心"] == ["000", "001", "004"]
    assert isinstance(r["conflicts"], list)
    for c in r["conflicts"]:
        assert c["about"] and all({"doc_id", "clause_id", "text"} <= set(s) for s in c["sides"])


def test_store_overlap_is_the_analysis(overlap_store: Path) -> None:
    """`overlap` reads store.overlap(by), which must be graph/overlap.py fed with the graph's facts."""
    from graph.nx_store import NxGraphStore
    from graph.overlap import overlap_for_store
    from ingest.pipeline import current_store

    code, out = _run("overlap", "--by", "all", "--json", "--data", str(overlap_store))
    assert code == 0
    r = json.loads(out)
    store_dir = current_store(overlap_store)
    expected = overlap_for_store(store_dir, "all", table=NxGraphStore(store_dir).aliases())
    assert r["matrix"] == expected["matrix"] and r["cells"] == expected["cells"]
    assert r["conflicts"], "the store's overlap lists no divergences: is NxGraphStore.overlap wired to graph/overlap.py?"
    values = {c["topic"]: c["values"] for c in r["conflicts"]}
    assert values == {c["topic"]: c["values"] for c in expected["conflicts"]}
    assert [(s["topic"], s["value"]) for s in r["shared"]] == [(s["topic"], s["value"]) for s in expected["shared"]]


def test_store_overlap_is_computed_once_per_by(overlap_store: Path, monkeypatch) -> None:
    """NxGraphStore caches overlap(by) per instance; a caller changing its answer does not change the cache."""
    import graph.overlap
    from graph.nx_store import NxGraphStore
    from ingest.pipeline import current_store

    calls: list[str] = []
    real = graph.overlap.overlap_for_store

    def counting(store_dir, by, **kw):
        calls.append(by)
        assert kw.get("table") is not None, "the store must pass the alias table it was built with"
        return real(store_dir, by, **kw)

    monkeypatch.setattr(graph.overlap, "overlap_for_store", counting)
    store = NxGraphStore(current_store(overlap_store))
    first = store.overlap("mechanism")
    first["matrix"].clear()
    again = store.overlap("Mechanism")
    assert again["matrix"] and again["matrix"] == store.overlap("mechanism")["matrix"]
    store.overlap("place")
    assert calls == ["mechanism", "place"]


def test_overlap_csv_and_human(overlap_store: Path) -> None:
    code, out = _run("overlap", "--by", "mechanism", "--format", "csv", "--data", str(overlap_store))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "item" and any(r[0] == "揭榜挂帅" for r in rows[1:])
    code, out = _run("overlap", "--by", "place", "--data", str(overlap_store))
    assert code == 0 and "怀柔科学城" in out


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (errors are reported from sys.argv)."""
    repo = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args], cwd=repo, capture_output=True, text=True, timeout=120
    )


def test_bad_dimension_and_missing_store_are_clear_errors(overlap_store: Path, tmp_path: Path) -> None:
    proc = _process("overlap", "--by", "bogus", "--json", "--data", str(overlap_store))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    err = json.loads(proc.stdout)["error"]
    assert "bogus" in err["message"] and "platform_type" in err["hint"]
    proc = _process("overlap", "--json", "--data", str(tmp_path / "nothing"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "error" in json.loads(proc.stdout)


def test_export_graphml_and_matrix(overlap_store: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "kg.graphml"
    code, out = _run("export", "graphml", "--out", str(out_file), "--json", "--data", str(overlap_store))
    assert code == 0, out
    info = json.loads(out)
    g = nx.read_graphml(out_file)
    assert g.number_of_nodes() == info["nodes"] > 0 and g.number_of_edges() == info["edges"] > 0
    assert any(d.get("label") == "Clause" for _, d in g.nodes(data=True))
    matrix_file = tmp_path / "m.json"
    code, out = _run("export", "matrix", "--by", "field", "--format", "json", "--out", str(matrix_file), "--data", str(overlap_store))
    assert code == 0, out
    assert json.loads(matrix_file.read_text("utf-8"))["by"] == "field"


def test_policy_tools_command(overlap_store: Path) -> None:
    code, out = _run("policy-tools", "--json", "--data", str(overlap_store))
    assert code == 0
    counts = json.loads(out)["documents"]
    assert sorted(counts) == ["000", "001", "002", "003", "004"]
    code, out = _run("policy-tools", "--doc", "003", "--json", "--data", str(overlap_store))
    assert code == 0 and json.loads(out)["clauses"]
    code, out = _run("policy-tools", "--doc", "999", "--json", "--data", str(overlap_store))
    assert code == 2 and "999" in out
