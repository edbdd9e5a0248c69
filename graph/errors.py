"""Errors of the graph layer: queries, backends, the overlap analysis, golden files.

Subclasses of ingest/errors.py's :class:`PolicyKGError` (code and hint);
docs/errors.md lists them (tools/errors_page.py).
"""

from __future__ import annotations

from ingest.errors import CorpusError, PolicyKGError


class QueryError(PolicyKGError):
    """A query that is empty or too long."""

    code = "E009"
    default_hint = "check the query's arguments against `policykg --help` or the API's /docs"


class BackendUnavailableError(PolicyKGError):
    """A backend (Neo4j, the embedding model) cannot be reached or loaded."""

    code = "E010"
    default_hint = "start the backend (`policykg neo4j-dev start`) or check --neo4j-uri and its credentials"


class OverlapError(PolicyKGError):
    """An overlap request the analysis cannot answer (unknown ``by``)."""

    code = "E020"
    default_hint = "use one of the dimensions `policykg overlap --help` lists"


class GoldenFormatError(CorpusError):
    """A golden YAML file that does not follow its format in graph/golden.py (an unknown key, a wrong type)."""

    code = "E025"
    default_hint = "fix the YAML case named in the message: only the documented keys are allowed"


class GenerationConflictError(PolicyKGError):
    """A write whose corpus is behind Neo4j's live graph: another server or ingest
    switched in a generation after the write took its corpus, and loading it would
    drop what that one added (or the live generation keeps no corpus to catch up from)."""

    code = "E027"
    default_hint = "nothing was changed; send the write again: it starts from the graph live now"


class UnknownBackendError(PolicyKGError):
    """A graph backend other than networkx or neo4j was asked for."""

    code = "E026"
    default_hint = "use --backend networkx or --backend neo4j"
