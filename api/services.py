"""How the CLI and the API obtain the library's services, in one place."""
from __future__ import annotations

from pathlib import Path


def open_graph_store(data_dir: Path, backend: str, uri: str | None = None, user: str | None = None, password: str | None = None):
    """The graph store of ``backend`` over ``data_dir`` (Neo4j connection optional)."""
    from graph.store import open_store

    conn = {k: v for k, v in {"uri": uri, "user": user, "password": password}.items() if v}
    return open_store(data_dir, backend, **conn)
