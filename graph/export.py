"""Exports for analysts' tools: the overlap matrix as CSV / JSON, the graph as GraphML.

* CSV: one row per item, one column per document, each cell the number of
  clauses of that document naming the item (0 = absent), so a spreadsheet's
  conditional formatting gives the heatmap; a ``documents`` column lists the
  documents sharing the item, ``id`` its graph node.
* JSON: the same matrix in a compact form a heatmap draws directly
  (``documents`` = columns, ``items`` = rows with per-document counts and
  clause ids, so a click on a cell can show its clauses).
* GraphML for Gephi / yEd via :func:`networkx.write_graphml`.  GraphML holds
  only scalar attributes (string, number, boolean), so lists and dicts are
  flattened: a list of scalars is joined with ``|``, anything nested is
  written as JSON text, ``None`` is dropped.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx

LIST_SEPARATOR = "|"


def matrix_rows(result: dict[str, Any]) -> list[list[Any]]:
    """Header plus one row per item: ``item, id, <doc…>, documents`` (counts of clauses)."""
    docs = [d["doc_id"] for d in result.get("documents", [])] or sorted({d for ds in result["matrix"].values() for d in ds})
    cells = result.get("cells") or {}
    rows: list[list[Any]] = [["item", "id", *docs, "documents"]]
    for item, present in result["matrix"].items():
        counts = [len(cells.get(item, {}).get(d, [])) or (1 if d in present else 0) for d in docs]
        rows.append([item, result.get("ids", {}).get(item, ""), *counts, LIST_SEPARATOR.join(present)])
    return rows


def matrix_csv(result: dict[str, Any]) -> str:
    """The overlap matrix as CSV text (UTF-8, comma-separated, header first)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(matrix_rows(result))
    return buf.getvalue()


def matrix_json(result: dict[str, Any]) -> dict[str, Any]:
    """The overlap matrix shaped for a heatmap: columns, then rows with counts and clause ids."""
    docs = result.get("documents") or [{"doc_id": d} for d in sorted({d for ds in result["matrix"].values() for d in ds})]
    cells = result.get("cells") or {}
    items = []
    for item, present in result["matrix"].items():
        by_doc = cells.get(item, {})
        items.append(
            {
                "item": item,
                "id": result.get("ids", {}).get(item, ""),
                "documents": list(present),
                "counts": {d["doc_id"]: len(by_doc.get(d["doc_id"], [])) for d in docs},
                "clauses": {d: list(c) for d, c in by_doc.items()},
            }
        )
    return {"by": result.get("by"), "documents": docs, "items": items}


def flatten_value(value: Any) -> str | int | float | bool | None:
    """A GraphML-safe scalar for ``value`` (None means: leave the attribute out)."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = list(value)
        if all(isinstance(v, (str, int, float, bool)) for v in seq):
            return LIST_SEPARATOR.join(str(v) for v in seq)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _flat_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        flat = flatten_value(value)
        if flat is not None:
            out[str(key)] = flat
    return out


def graphml_ready(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` whose graph, node and edge attributes are all scalars.

    GraphML declares one type per attribute key; a key holding numbers on
    one node and text on another is written as text everywhere, so Gephi
    and yEd read the file without type errors.
    """
    out = g.__class__()
    out.graph.update(_flat_attrs(dict(g.graph)))
    for n, d in g.nodes(data=True):
        out.add_node(str(n), **_flat_attrs(d))
    if g.is_multigraph():
        for u, v, k, d in g.edges(keys=True, data=True):
            out.add_edge(str(u), str(v), key=k, **_flat_attrs(d))
    else:
        for u, v, d in g.edges(data=True):
            out.add_edge(str(u), str(v), **_flat_attrs(d))
    _unify_types(out)
    return out


def _unify_types(g: nx.Graph) -> None:
    """Turn an attribute key that mixes types into text on every element."""
    for elements in (
        [d for _, d in g.nodes(data=True)],
        [d for *_, d in g.edges(data=True)],
    ):
        kinds: dict[str, set[type]] = {}
        for d in elements:
            for k, v in d.items():
                kinds.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in kinds.items() if len(ts) > 1}
        for d in elements:
            for k in mixed & d.keys():
                d[k] = str(d[k])


def write_graphml(g: nx.Graph, path: Path) -> dict[str, int]:
    """Write ``g`` as GraphML (flattened) to ``path``; returns node/edge counts."""
    flat = graphml_ready(g)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    nx.write_graphml(flat, tmp, encoding="utf-8", prettyprint=True, named_key_ids=True)
    tmp.replace(path)
    return {"nodes": flat.number_of_nodes(), "edges": flat.number_of_edges()}


def overlap_graph(result: dict[str, Any]) -> nx.Graph:
    """The overlap result as a bipartite document–item graph (edge weight = clauses).

    For a quick look in Gephi when the full graph is more than needed:
    documents and items are nodes (``label`` Document / the item's kind),
    an edge joins a document to each item it names, weighted by clauses.
    """
    g = nx.Graph(by=result.get("by", ""))
    for d in result.get("documents", []):
        g.add_node(f"Document:{d['doc_id']}", label="Document", name=d.get("title", d["doc_id"]), doc_id=d["doc_id"])
    for item, docs in result["matrix"].items():
        node = result.get("ids", {}).get(item) or f"Item:{item}"
        g.add_node(node, label=node.split(":", 1)[0], name=item, documents=len(docs))
        for doc in docs:
            clauses = result.get("cells", {}).get(item, {}).get(doc, [])
            g.add_edge(f"Document:{doc}", node, weight=len(clauses) or 1, clauses=clauses)
    return g
