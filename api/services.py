"""How the CLI and the API obtain the library's services, in one place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.store import GraphStore


def open_graph_store(
    data_dir: Path, backend: str, uri: str | None = None, user: str | None = None, password: str | None = None
) -> "GraphStore":
    """The graph store of ``backend`` over ``data_dir`` (Neo4j connection optional)."""
    from graph.store import open_store

    conn = {k: v for k, v in {"uri": uri, "user": user, "password": password}.items() if v}
    return open_store(data_dir, backend, **conn)


def open_searcher(
    data_dir: Path, backend: str, store: "GraphStore | None", *, encoder: Any = None, table: Any = None, index_dir: Path | None = None
) -> Any:
    """The Searcher of ``backend``: over the local index files for ``networkx``; for ``neo4j``
    over the store's own search data (search/neo4j_index.py), so that nothing of ``data_dir``
    but the model is read."""
    from search.service import Searcher

    if backend == "neo4j" and store is not None:
        from search.neo4j_index import StoreIndex

        return Searcher(data_dir, store, encoder=encoder, table=table, index=StoreIndex(store))
    return Searcher(data_dir, store, encoder=encoder, table=table, index_dir=index_dir)


def dated(
    command: str,
    result: dict[str, Any],
    store: Any,
    as_of: str | None,
    all_versions: bool = False,
    *,
    data_dir: Path | None = None,
    since: str | None = None,
    center: str | None = None,
) -> dict[str, Any]:
    """``result`` of ``command`` as of a date (graph/as_of.py), from the store's documents;
    checklists also get each row's next due date (graph/calendar.py), cycle-bound
    ones counted from ``since`` (a center's approval date) when given, else from
    the record of the center ``center`` names, if it names one.

    A search over the local index files answers even while Neo4j is down; given its
    ``data_dir``, the standings then come from the local store's copy of the same
    documents (a search over Neo4j alone passes none: it needs Neo4j anyway).
    """
    from graph.as_of import apply_as_of, parse_as_of
    from graph.errors import BackendUnavailableError

    date = parse_as_of(as_of)
    if command in SCHEDULED:
        _schedule(command, result, store, date, since, center)
    documents = None
    if store is not None:
        try:
            documents = store.documents()["documents"]
        except BackendUnavailableError:
            if data_dir is None:
                raise
    if documents is None and data_dir is not None:
        from ingest.pipeline import current_store
        from ingest.store_files import read_documents

        documents = read_documents(current_store(data_dir))
    return apply_as_of(command, result, documents or [], date, all_versions=all_versions)


SCHEDULED = {"obligations": "obligations", "deadlines": "deadlines"}
"""Checklists whose rows get a next due date, and where their rows are."""


def _schedule(command: str, result: dict[str, Any], store: Any, as_of: str, since: str | None, center: str | None) -> None:
    import datetime as dt

    from graph.as_of import parse_as_of
    from graph.calendar import document_cycles, schedule

    start, source = (dt.date.fromisoformat(parse_as_of(since)), "given") if since else (None, None)
    if start is None and center:
        start, source = _center_start(store, center)
    cycles = document_cycles(store.deadlines()["deadlines"]) if start else {}
    schedule(result[SCHEDULED[command]], dt.date.fromisoformat(as_of), since=start, cycles=cycles)
    result["since"] = start.isoformat() if start else None
    result["since_source"] = source


def _center_start(store: Any, name: str) -> tuple[Any, str | None]:
    """The cycle start of a center named in place of a platform type: 1 January of its record's year
    (the records give a year, rarely a day), with the record it came from."""
    import datetime as dt

    from ingest.errors import NotFoundError

    try:
        entity = store.entity(name)["entity"]
    except NotFoundError:
        return None, None
    if entity.get("label") != "Platform" or not entity.get("year"):
        return None, None
    return dt.date(int(entity["year"]), 1, 1), f"center record {entity.get('record_id')}: year {entity['year']}"


def dated_documents(store: Any, as_of: str | None) -> dict[str, Any]:
    """``store.documents()`` with each document's standing on the date (a copy: stores cache the list)."""
    documents = store.documents()["documents"]
    return dated("documents", {"documents": [dict(d) for d in documents]}, store, as_of)
