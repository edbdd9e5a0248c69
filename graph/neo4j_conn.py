"""Where the Neo4j backend finds its server: explicit settings, else the record
``policykg neo4j-dev start`` keeps in the data directory.

The server's lifecycle (build, start, stop, status) is a development tool,
tools/neo4j_dev.py; the store (graph/neo4j_store.py) needs only this: the
record's place (``<data>/neo4j/connection.json``) and how to read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BackendUnavailableError

DEFAULT_USER = "neo4j"


@dataclass(frozen=True)
class Connection:
    """Where a Neo4j server listens and how to log in."""

    uri: str
    user: str
    password: str


def server_home(data_dir: Path) -> Path:
    """The server's home (databases, logs, credentials) inside the data directory."""
    return Path(data_dir).resolve() / "neo4j"


def connection_file(data_dir: Path) -> Path:
    return server_home(data_dir) / "connection.json"


def read_state(data_dir: Path) -> dict[str, Any] | None:
    """The saved connection record, or None when there is none (or it is unreadable)."""
    path = connection_file(data_dir)
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def resolve_connection(data_dir: Path | None, uri: str | None = None, user: str | None = None, password: str | None = None) -> Connection:
    """The server to use: explicit settings first, else the neo4j-dev record of ``data_dir``.

    ``uri``/``user``/``password`` come from --neo4j-uri/--neo4j-user/--neo4j-password
    or NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD (read by the CLI, not here).
    """
    if uri:
        return Connection(uri, user or DEFAULT_USER, password or "")
    state = read_state(data_dir) if data_dir is not None else None
    if not state or not state.get("uri"):
        where = connection_file(data_dir) if data_dir is not None else "the data directory"
        raise BackendUnavailableError(
            f"no Neo4j server configured (no {where})",
            hint="run `policykg neo4j-dev start --data DIR`, or pass --neo4j-uri/--neo4j-user/--neo4j-password",
        )
    return Connection(state["uri"], user or state.get("user") or DEFAULT_USER, password or state.get("password", ""))
