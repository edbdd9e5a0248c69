"""Analyst commands: `overlap` (matrix + divergences), `export` (CSV / JSON / GraphML) and `policy-tools`.

All read through the graph store of ``--backend`` (``store.overlap(by)``, the
one function ``GET /overlap?by=`` also calls; ``store.graph()``;
``store.corpus()``), so the CLI has no analysis of its own and reads no store
file itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .cli_options import as_of_options, backend_options, data_dir_option, emit, json_option
from .services import dated, open_graph_store

BY_HELP = "platform_type | field | agency | mechanism | program | place | role | all (every kind) | policy_tool (政策工具)"


def overlap_result(
    data_dir: Path, backend: str, by: str, conn: dict[str, Any], as_of: str | None = None, all_versions: bool = False
) -> dict[str, Any]:
    """``store.overlap(by)`` of the data directory's store, closed afterwards.

    ``by`` is checked first (graph.overlap.check_by), so a wrong value is a
    clear error (JSON with --json) before any store is opened.
    """
    from graph.overlap import check_by

    by = check_by(by)
    store = open_graph_store(data_dir, backend, **conn)
    try:
        return dated("overlap", store.overlap(by), store, as_of, all_versions)
    finally:
        store.close()


@click.command()
@click.option("--by", "by", default="all", show_default=True, help=f"What to group documents by: {BY_HELP}.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None, help="Print only the matrix, as CSV or heatmap JSON.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to FILE instead of stdout (the --format output, else the whole result as JSON).",
)
@as_of_options
@data_dir_option
@backend_options
@json_option
def overlap(
    by: str,
    fmt: str | None,
    out: Path | None,
    as_of: str | None,
    all_versions: bool,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """Which documents deploy which items, and where documents rule differently."""
    from graph.export import matrix_csv, matrix_json

    result = overlap_result(data_dir, backend, by, {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password}, as_of, all_versions)
    if fmt is not None or out is not None:
        if fmt is None:
            text = json.dumps(result, ensure_ascii=False)
        else:
            text = matrix_csv(result) if fmt == "csv" else json.dumps(matrix_json(result), ensure_ascii=False)
        if out is None:
            click.echo(text, nl=not text.endswith("\n"))
        else:
            _write(out, text)
            if as_json:
                click.echo(
                    json.dumps({"written": str(out), "format": fmt or "overlap-json", "items": len(result["matrix"])}, ensure_ascii=False)
                )
        return
    emit(result, as_json, _human)


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _human(r: dict[str, Any]) -> str:
    docs = [d["doc_id"] for d in r.get("documents", [])] or sorted({d for ds in r["matrix"].values() for d in ds})
    width = max([_width(item) for item in r["matrix"]] + [4])
    lines = [f"overlap by {r['by']}: {len(r['matrix'])} items × {len(docs)} documents", ""]
    lines.append(" " * (width + 2) + "  ".join(docs))
    for item, present in r["matrix"].items():
        marks = "  ".join((" ■ " if d in present else " · ") for d in docs)
        lines.append(f"{item}{' ' * (width - _width(item))}  {marks}")
    lines.append("")
    lines.append(f"conflicts ({len(r.get('conflicts', []))}):")
    for c in r.get("conflicts", []):
        lines.append(f"- {c['about']} [{c.get('scope', '')}]")
        for s in c["sides"]:
            quoted = "；".join(p["text"][:40] for p in s.get("phrases", [])[:2]) or s["text"][:60]
            lines.append(f"    {s['doc_id']} {s['clause_id']}: {s.get('value', '')} — 「{quoted}」")
    if r.get("shared"):
        lines.append(f"shared rules ({len(r['shared'])}):")
        for s in r["shared"]:
            lines.append(f"- {s['about']}: {s['value']} ({', '.join(s['documents'])})")
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)


@click.group()
def export() -> None:
    """Write the overlap matrix or the whole graph to a file for other tools."""


@export.command("graphml")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="GraphML file to write.")
@click.option(
    "--what",
    type=click.Choice(["graph", "overlap"]),
    default="graph",
    show_default=True,
    help="graph: the whole knowledge graph; overlap: the document–item graph of --by.",
)
@click.option("--by", "by", default="all", show_default=True, help="With --what overlap: what to group by.")
@data_dir_option
@backend_options
@json_option
def export_graphml(
    out: Path, what: str, by: str, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool
) -> None:
    """The graph as GraphML for Gephi or yEd (attributes flattened to scalars)."""
    from graph.export import overlap_graph, write_graphml

    if what == "overlap":
        g = overlap_graph(overlap_result(data_dir, backend, by, {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password}))
    else:
        store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
        try:
            g = store.graph()
        finally:
            store.close()
    counts = write_graphml(g, out)
    emit({"written": str(out), "what": what, **counts}, as_json, lambda r: f"wrote {r['written']}: {r['nodes']} nodes, {r['edges']} edges")


@export.command("matrix")
@click.option("--by", "by", default="all", show_default=True, help=f"What to group documents by: {BY_HELP}.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@as_of_options
@data_dir_option
@backend_options
@json_option
def export_matrix(
    by: str,
    fmt: str,
    out: Path,
    as_of: str | None,
    all_versions: bool,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """The overlap matrix of --by as CSV (clause counts per cell) or heatmap JSON."""
    from graph.export import matrix_csv, matrix_json

    result = overlap_result(data_dir, backend, by, {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password}, as_of, all_versions)
    _write(out, matrix_csv(result) if fmt == "csv" else json.dumps(matrix_json(result), ensure_ascii=False))
    emit(
        {"written": str(out), "format": fmt, "by": result["by"], "items": len(result["matrix"])},
        as_json,
        lambda r: f"wrote {r['written']}: {r['items']} items by {r['by']} ({r['format']})",
    )


@click.command("policy-tools")
@click.option("--doc", "doc_id", default=None, help="Only this document (its clause-level codes).")
@data_dir_option
@backend_options
@json_option
def policy_tools_command(doc_id: str | None, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """政策工具 coding (supply / environment / demand side) per document, or per clause with --doc."""
    from graph.policy_tools import code_document, tool_counts
    from ingest.errors import NotFoundError

    store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    try:
        docs = store.corpus()
    finally:
        store.close()
    if doc_id is None:
        emit({"documents": tool_counts(docs)}, as_json, _human_tools)
        return
    doc = next((d for d in docs if d.doc_id == doc_id), None)
    if doc is None:
        raise NotFoundError(f"unknown document {doc_id!r}", suggestions=[d.doc_id for d in docs])
    emit({"doc_id": doc_id, "clauses": [c.to_dict() for c in code_document(doc)]}, as_json, None)


def _human_tools(r: dict[str, Any]) -> str:
    lines = []
    for doc_id, counts in r["documents"].items():
        cats = ", ".join(f"{k} {v}" for k, v in counts["categories"].items())
        lines.append(f"{doc_id}: {counts['coded']}/{counts['provisions']} provisions coded; {cats}")
        for tool, n in counts["tools"].items():
            lines.append(f"    {tool}: {n}")
    return "\n".join(lines)


COMMANDS: list[click.Command] = [overlap, export, policy_tools_command]
