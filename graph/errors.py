"""Errors of the graph layer: queries, backends, the overlap analysis, golden files.

Subclasses of ingest/errors.py's :class:`PolicyKGError` (code and hint);
docs/errors.md lists them (tools/errors_page.py).
"""

from __future__ import annotations

from ingest.errors import CorpusError, PolicyKGError


class QueryError(PolicyKGError):
    """A query that is empty or too long."""

    code = "E009"


class BackendUnavailableError(PolicyKGError):
    """A backend (Neo4j, the embedding model) cannot be reached or loaded."""

    code = "E010"


class OverlapError(PolicyKGError):
    """An overlap request the analysis cannot answer (unknown ``by``)."""

    code = "E020"


class GoldenFormatError(CorpusError):
    """A golden YAML file that does not follow its format in graph/golden.py (an unknown key, a wrong type)."""

    code = "E025"


class UnknownBackendError(PolicyKGError):
    """A graph backend other than networkx or neo4j was asked for."""

    code = "E026"
