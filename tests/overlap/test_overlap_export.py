"""Exports: CSV and heatmap JSON of the matrix; GraphML that Gephi/yEd (and networkx) read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from graph.export import flatten_value, graphml_ready, matrix_csv, matrix_json, overlap_graph, write_graphml


def test_csv_has_a_row_per_item_and_clause_counts(overlap_of) -> None:
    r = overlap_of("platform_type")
    rows = list(csv.reader(io.StringIO(matrix_csv(r))))
    docs = [d["doc_id"] for d in r["documents"]]
    assert rows[0] == ["item", "id", *docs, "documents"]
    assert len(rows) == 1 + len(r["matrix"])
    body = {row[0]: row for row in rows[1:]}
    row = body["高精尖创新中心"]
    assert row[1] == "PlatformType:高精尖创新中心"
    counts = dict(zip(docs, map(int, row[2:-1])))
    assert {d for d, n in counts.items() if n} == {"000", "001", "004"}
    assert counts["000"] == len(r["cells"]["高精尖创新中心"]["000"])
    assert row[-1] == "000|001|004"


def test_heatmap_json_lists_columns_rows_counts_and_clauses(overlap_of) -> None:
    r = overlap_of("mechanism")
    j = matrix_json(r)
    assert j["by"] == "mechanism" and [d["doc_id"] for d in j["documents"]] == ["000", "001", "002", "003", "004"]
    item = next(i for i in j["items"] if i["item"] == "揭榜挂帅")
    assert item["documents"] == ["001", "004"]
    assert item["counts"]["000"] == 0 and item["counts"]["004"] == len(item["clauses"]["004"]) > 0


def test_flattening_keeps_scalars_and_encodes_the_rest() -> None:
    assert flatten_value(None) is None
    assert flatten_value(3) == 3 and flatten_value("x") == "x" and flatten_value(True) is True
    assert flatten_value(["a", 1]) == "a|1"
    assert flatten_value([{"to": "市教委"}]) == '[{"to": "市教委"}]'
    assert flatten_value({"b": 1}) == '{"b": 1}'


def test_graphml_round_trip_with_lists_dicts_none_and_mixed_types(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    g.add_node("Clause:000:1", label="Clause", path=["五、责任分工", "1"], start=0, note=None)
    g.add_node("Obligation:1", label="Obligation", route=[{"to": "市教委", "for": "审核"}], start="n/a")
    g.add_edge("Obligation:1", "Clause:000:1", key="STATED_IN", rel="STATED_IN", confidence=0.9)
    counts = write_graphml(g, tmp_path / "g.graphml")
    assert counts == {"nodes": 2, "edges": 1}
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.nodes["Clause:000:1"]["path"] == "五、责任分工|1"
    assert "note" not in back.nodes["Clause:000:1"]
    assert back.nodes["Obligation:1"]["route"] == '[{"for": "审核", "to": "市教委"}]'
    assert {type(d["start"]) for _, d in back.nodes(data=True)} == {str}  # mixed int/str became text
    assert graphml_ready(g).number_of_edges() == 1


def test_overlap_graph_is_bipartite_and_weighted(overlap_of, tmp_path: Path) -> None:
    r = overlap_of("program")
    g = overlap_graph(r)
    assert g.nodes["Program:高精尖计划"]["documents"] == 1
    assert g.edges["Document:000", "Program:高精尖计划"]["weight"] == len(r["cells"]["高精尖计划"]["000"])
    write_graphml(g, tmp_path / "o.graphml")
    assert nx.read_graphml(tmp_path / "o.graphml").number_of_nodes() == g.number_of_nodes()
