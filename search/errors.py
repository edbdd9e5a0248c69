"""Errors of the search layer: the embedding model, the search index, QA sets.

Subclasses of ingest/errors.py's :class:`PolicyKGError` (code and hint);
docs/errors.md lists them (tools/errors_page.py).
"""

from __future__ import annotations

from graph.errors import BackendUnavailableError
from ingest.errors import PolicyKGError


class ModelNotBuiltError(BackendUnavailableError):
    """The rebuilt embedding model is missing or unreadable."""


class ModelBuildError(BackendUnavailableError):
    """The embedding model cannot be built or does not verify."""


class IndexMissingError(PolicyKGError):
    """The live store has no search index (ingested before search existed)."""

    code = "E011"


class QASetError(PolicyKGError):
    """The QA file cannot be read."""

    code = "E012"
