"""Corpus commands: `ingest`, `documents`, `clauses`."""
from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

import click

from .cli_options import backend_options, data_dir_option, emit, json_option
from .services import open_graph_store

PIPELINE_MODULES = ("ingest.steps", "graph.build", "search.index", "graph.neo4j_store")
"""Modules whose import registers ingest steps, in dependency order."""


def register_steps() -> None:
    for name in PIPELINE_MODULES:
        importlib.import_module(name)


@click.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True, help="Corpus directory with sources.yaml.")
@click.option("--skip-bad-rows", is_flag=True, help="Load usable center records and report the rejected ones instead of failing.")
@data_dir_option
@backend_options
@json_option
def ingest(corpus_dir: Path, skip_bad_rows: bool, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """Parse the corpus, build the graph and the search indexes (atomic)."""
    from ingest.pipeline import registered_steps, run_ingest

    register_steps()
    steps = registered_steps()
    bar = None
    if sys.stderr.isatty() and not as_json:
        from tqdm import tqdm

        bar = tqdm(total=len(steps), desc="ingest", unit="step", file=sys.stderr)

    started = 0

    def progress(name: str) -> None:
        nonlocal started
        if bar is not None:
            bar.update(1 if started else 0)
            bar.set_postfix_str(name)
        started += 1

    t0 = time.perf_counter()
    options = {
        "skip_bad_rows": skip_bad_rows,
        "neo4j": {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password},
    }
    try:
        build = run_ingest(corpus_dir, data_dir, backend=backend, options=options, progress=progress)
    finally:
        if bar is not None:
            bar.update(bar.total - bar.n)
            bar.close()
    result = {
        "store": str(build.out_dir),
        "backend": backend,
        "seconds": round(time.perf_counter() - t0, 2),
        "summary": build.summary,
        "timings": build.timings,
    }
    emit(result, as_json, _human_summary)


def _human_summary(r: dict) -> str:
    s = r["summary"]
    lines = [f"ingested into {r['store']} ({r['backend']}) in {r['seconds']} s"]
    lines.append(f"  documents: {s.get('documents')}")
    for doc_id, n in (s.get("clauses") or {}).items():
        lines.append(f"    {doc_id}: {n} clauses")
    for key, value in s.items():
        if key not in ("documents", "clauses"):
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)


@click.command()
@data_dir_option
@backend_options
@json_option
def documents(data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """The ingested documents with their metadata."""
    store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    emit(store.documents(), as_json, lambda o: "\n".join(
        f"{d['doc_id']}  {d['title']}  [{d['kind']}, {d.get('year') or '?'}, {d['status']}]  {d['clauses']} clauses" for d in o["documents"]
    ))


@click.command()
@click.option("--doc", "doc_id", default=None, help="Only this document's clauses.")
@data_dir_option
@backend_options
@json_option
def clauses(doc_id: str | None, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """Clauses with their section paths and character offsets."""
    store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    emit(store.clauses(doc_id), as_json, lambda o: "\n".join(
        f"{c['clause_id']:<22} [{c['start']},{c['end']})  {' > '.join(c['path'])}\n    {c['text'][:80]}" for c in o["clauses"]
    ))


COMMANDS: list[click.Command] = [ingest, documents, clauses]
