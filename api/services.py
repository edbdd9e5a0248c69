"""How the CLI and the API obtain the library's services, in one place."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def open_graph_store(data_dir: Path, backend: str, uri: str | None = None, user: str | None = None, password: str | None = None):
    """The graph store of ``backend`` over ``data_dir`` (Neo4j connection optional)."""
    from graph.store import open_store

    conn = {k: v for k, v in {"uri": uri, "user": user, "password": password}.items() if v}
    return open_store(data_dir, backend, **conn)


def dated(command: str, result: dict[str, Any], store: Any, as_of: str | None, all_versions: bool = False,
          *, data_dir: Path | None = None) -> dict[str, Any]:
    """``result`` of ``command`` as of a date (graph/as_of.py), from the store's documents.

    Search answers even while Neo4j is down; given its ``data_dir``, the
    standings then come from the local store's copy of the same documents.
    """
    from graph.as_of import apply_as_of, parse_as_of
    from ingest.errors import BackendUnavailableError

    date = parse_as_of(as_of)
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
