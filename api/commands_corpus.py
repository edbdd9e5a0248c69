"""Corpus commands: `ingest`, `add`, `remove`, `documents`, `clauses`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ingest.pipeline import Build, register_steps  # registration lives in ingest/; the CLI only triggers it

from .cli_options import backend_options, data_dir_option, emit, json_option
from .progress import IngestProgress
from .services import dated_documents, open_graph_store


@click.command()
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Corpus directory: every .txt/.html/.docx/.pdf in it (sources.yaml optional).",
)
@click.option("--skip-bad-rows", is_flag=True, help="Load usable center records and report the rejected ones instead of failing.")
@click.option("--force", is_flag=True, help="Rebuild even when the corpus, the code and the model are what the live store was built from.")
@data_dir_option
@backend_options
@json_option
def ingest(
    corpus_dir: Path, skip_bad_rows: bool, force: bool, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool
) -> None:
    """Parse the corpus, build the graph and the search indexes (atomic).

    An unchanged corpus (same bytes, code, model and options as the live
    embedded store) is a no-op that returns the live store with ``unchanged``.
    """
    from ingest.pipeline import registered_steps, run_ingest

    register_steps()
    progress = IngestProgress([s.name for s in registered_steps()], as_json=as_json)
    t0 = time.perf_counter()
    options = {
        "skip_bad_rows": skip_bad_rows,
        "force": force,
        "neo4j": {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password},
    }
    ok = False
    try:
        build = run_ingest(corpus_dir, data_dir, backend=backend, options=options, progress=progress)
        ok = True
    finally:
        progress.close(ok)
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
    if s.get("unchanged"):
        return (
            f"unchanged: the live store {r['store']} was built from this corpus, code and model "
            f"({r['seconds']} s to check; --force rebuilds)"
        )
    lines = [f"ingested into {r['store']} ({r['backend']}) in {r['seconds']} s"]
    lines.append(f"  documents: {s.get('documents')}")
    for doc_id, n in (s.get("clauses") or {}).items():
        lines.append(f"    {doc_id}: {n} clauses")
    for key, value in s.items():
        if key not in ("documents", "clauses"):
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)


_edited_corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Corpus to change; default: the one the data directory was built from, else corpus/ (else an empty one); "
    "with --backend neo4j, the live graph's when this data directory is behind it.",
)


def _write(data_dir: Path, corpus_dir: Path | None, backend: str, neo4j: dict, change) -> tuple[Any, Build]:
    """Apply ``change`` to a copy of the live corpus, ingest it and publish it
    (api/corpus_edit.py, the path the API's writes take)."""
    from ingest.pipeline import run_ingest

    from .corpus_edit import live_corpus, write_through

    register_steps()
    base = corpus_dir if corpus_dir is not None else live_corpus(data_dir, Path("corpus"))
    _, changed, build = write_through(
        data_dir,
        base,
        change,
        lambda corpus, options: run_ingest(corpus, data_dir, backend=backend, options={"neo4j": options}),
        backend=backend,
        connection=neo4j,
    )
    return changed, build


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--id", "doc_id", default=None, help="Document id (one file only); default: generated from the 文号 or the bytes.")
@click.option("--title", default=None, help="Title (one file only); default: read from the text.")
@_edited_corpus_option
@data_dir_option
@backend_options
@json_option
def add(
    files: tuple[Path, ...],
    doc_id: str | None,
    title: str | None,
    corpus_dir: Path | None,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """Add (or replace) documents of any supported format; metadata read from the text; atomic."""
    from ingest.errors import DuplicateDocumentError
    from ingest.loaders import read_bytes

    from .corpus_edit import NewDocument, prepare, put_document

    if len(files) > 1 and (doc_id or title):
        raise click.UsageError("--id and --title name one document: pass one file with them")
    t0 = time.perf_counter()
    uploads = [prepare(NewDocument(doc_id, title, read_bytes(f), {}, f.name)) for f in files]
    first: dict[str | None, Path] = {}
    for f, u in zip(files, uploads):
        if u.doc_id in first:
            raise DuplicateDocumentError(
                f"{first[u.doc_id]} and {f} get the same id {u.doc_id} (the same 文号?)",
                hint="add the one you mean, or give each its own --id",
            )
        first[u.doc_id] = f

    def change(corpus: Path) -> list[dict]:
        return [
            {"doc_id": d.doc_id, "title": d.title, "file": str(f), "clauses": len(d.clauses)}
            for f, d in zip(files, (put_document(corpus, u, replace=None) for u in uploads))
        ]

    neo4j = {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password}
    added, build = _write(data_dir, corpus_dir, backend, neo4j, change)
    result = {
        "added": added,
        "documents": build.summary.get("documents"),
        "store": str(build.out_dir),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    emit(
        result,
        as_json,
        lambda r: "\n".join(
            [f"{a['doc_id']}  {a['title']}  ({a['clauses']} clauses, from {a['file']})" for a in r["added"]]
            + [f"{r['documents']} documents in {r['store']} ({r['seconds']} s)"]
        ),
    )


@click.command()
@click.argument("doc_id")
@_edited_corpus_option
@data_dir_option
@backend_options
@json_option
def remove(
    doc_id: str, corpus_dir: Path | None, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool
) -> None:
    """Remove one document; atomic."""
    from .corpus_edit import delete_document

    neo4j = {"uri": neo4j_uri, "user": neo4j_user, "password": neo4j_password}
    _, build = _write(data_dir, corpus_dir, backend, neo4j, lambda corpus: delete_document(corpus, doc_id))
    emit(
        {"removed": doc_id, "documents": build.summary.get("documents"), "store": str(build.out_dir)},
        as_json,
        lambda r: f"removed {r['removed']}; {r['documents']} documents in {r['store']}",
    )


@click.command()
@click.option(
    "--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="The date each document's standing is given for (default: today)."
)
@data_dir_option
@backend_options
@json_option
def documents(as_of: str | None, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """The ingested documents with their metadata, term of force and standing on a date."""
    store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    emit(
        dated_documents(store, as_of),
        as_json,
        lambda o: "\n".join(
            f"{d['doc_id']}  {d['title']}  [{d['kind']}, {d.get('year') or '?'}, {d['status']}]  {d['clauses']} clauses"
            f"  {d['doc_status']} on {o['as_of']}"
            for d in o["documents"]
        ),
    )


@click.command()
@click.option("--doc", "doc_id", default=None, help="Only this document's clauses.")
@data_dir_option
@backend_options
@json_option
def clauses(doc_id: str | None, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool) -> None:
    """Clauses with their section paths and character offsets."""
    store = open_graph_store(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    emit(
        store.clauses(doc_id),
        as_json,
        lambda o: "\n".join(
            f"{c['clause_id']:<22} [{c['start']},{c['end']})  {' > '.join(c['path'])}\n    {c['text'][:80]}" for c in o["clauses"]
        ),
    )


COMMANDS: list[click.Command] = [ingest, add, remove, documents, clauses]
