"""The read interface every graph backend implements, and the factory.

``GraphStore`` is a Protocol (structural typing): graph/nx_store.py and
graph/neo4j_store.py each implement it, and tests/contract runs one suite
against both.  The questions return the JSON shape of SPEC §4 as plain dicts,
so the CLI and the API print them as they are; ``aliases``, ``resolve``,
``corpus`` and ``graph`` give what the search, the 政策工具 coding and the
exports build on.  The rows both backends shape alike are in graph/rows.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ingest.aliases import AliasTable
from ingest.document import Document

from .errors import UnknownBackendError

if TYPE_CHECKING:
    import networkx as nx

BACKENDS = ("networkx", "neo4j")


@runtime_checkable
class GraphStore(Protocol):
    """Questions the graph answers (SPEC §4 shapes)."""

    def documents(self) -> dict[str, Any]:
        """``{"documents": [<metadata>]}``."""

    def document(self, doc_id: str) -> dict[str, Any]:
        """One document's metadata (``NotFoundError`` if unknown)."""

    def clauses(self, doc_id: str | None = None) -> dict[str, Any]:
        """``{"clauses": [{"clause_id", "doc_id", "path", "text", "start", "end", "kind"}]}``."""

    def clause(self, clause_id: str) -> dict[str, Any]:
        """One clause (``NotFoundError`` if unknown)."""

    def obligations(self, platform_type: str, role: str | None = None) -> dict[str, Any]:
        """``{"platform_type", "role", "obligations": [...]}``, ordered by when each falls due."""

    def deadlines(self, platform_type: str | None = None) -> dict[str, Any]:
        """``{"deadlines": [{"phrase", "kind", "normalized", "subject", "clause_id", "doc_id", "text", "start", "end"}]}``."""

    def entity(self, name: str) -> dict[str, Any]:
        """A name resolved to its node, its neighbours and what applies to it."""

    def rules_for(self, entity: str | None = None, action: str | None = None, kinds: list[str] | None = None) -> dict[str, Any]:
        """Facts (obligation/deadline/funding/sanction/condition) that apply to an entity and/or name an action."""

    def overlap(self, by: str) -> dict[str, Any]:
        """``{"by", "matrix": {item: [doc_id, …]}, "conflicts": [...]}``."""

    def aliases(self) -> AliasTable:
        """The alias table as ingested (curated names, center records, names new documents introduced)."""

    def resolve(self, name: str, kinds: list[str] | None = None) -> dict[str, Any]:
        """The node properties a name or alias stands for, among ``kinds`` (``NotFoundError`` with the nearest names)."""

    def corpus(self) -> list[Document]:
        """The documents as ingested, with their clauses (what the 政策工具 coding and the overlap analysis read)."""

    def graph(self) -> "nx.MultiDiGraph":
        """The whole graph as networkx holds it (nodes and edges in graph.json's order), for exports; not to be changed."""

    def close(self) -> None:
        """Release connections (no-op for the embedded store)."""


def open_store(data_dir: Path, backend: str = "networkx", **neo4j_conn: Any) -> GraphStore:
    """The graph store of a data directory, for the chosen backend.

    ``networkx`` reads the live store directory (``<data>/current``); ``neo4j``
    imports graph.neo4j_store lazily, so the embedded default never needs the
    driver, and passes it the connection settings (uri, user, password).
    """
    if backend == "networkx":
        from ingest.pipeline import current_store

        from .nx_store import NxGraphStore

        return NxGraphStore(current_store(Path(data_dir)))
    if backend == "neo4j":
        from . import neo4j_store  # type: ignore[attr-defined]

        return neo4j_store.open_neo4j_store(Path(data_dir), **neo4j_conn)
    raise UnknownBackendError(f"unknown backend {backend!r}", hint=f"use one of {', '.join(BACKENDS)}")
