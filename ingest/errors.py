"""Every user-facing ingest error, with a code and a suggested fix.

Kept in one place (after spaCy's ``errors.py``) so the CLI and the API can
turn any of them into a clear message and a non-zero exit / 4xx response.
"""

from __future__ import annotations


class PolicyKGError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    code = "E000"

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class CorpusError(PolicyKGError):
    """The corpus directory or its manifest is unusable."""

    code = "E001"


class EncodingError(PolicyKGError):
    """A source file is not UTF-8 (or is binary)."""

    code = "E002"


class EmptyDocumentError(PolicyKGError):
    """A source file has no text."""

    code = "E003"


class ControlCharacterError(PolicyKGError):
    """A source text with control characters or NULs (junk, or a binary file)."""

    code = "E021"


class DuplicateDocumentError(PolicyKGError):
    """Two documents share one id."""

    code = "E004"


class CenterRecordError(PolicyKGError):
    """The center records file cannot be read at all."""

    code = "E005"


class NotIngestedError(PolicyKGError):
    """A read command found no store in the data directory."""

    code = "E006"


class StoreFormatError(PolicyKGError):
    """The store on disk was written by an incompatible version."""

    code = "E007"


class StoreCorruptError(PolicyKGError):
    """A store file no longer matches what its ingest wrote (truncated or garbled)."""

    code = "E022"


class StoreWriteError(PolicyKGError):
    """The new store cannot be written: the disk is full, over quota or read-only."""

    code = "E023"


class NotFoundError(PolicyKGError):
    """A name, document or clause that the store does not know."""

    code = "E008"

    def __init__(self, message: str, *, suggestions: list[str] | None = None, hint: str = "") -> None:
        self.suggestions = list(suggestions or [])
        if self.suggestions and not hint:
            hint = "did you mean: " + ", ".join(self.suggestions)
        super().__init__(message, hint=hint)

    def to_dict(self) -> dict[str, object]:  # type: ignore[override]
        d: dict[str, object] = dict(super().to_dict())
        d["suggestions"] = self.suggestions
        return d


class QueryError(PolicyKGError):
    """A query that is empty or too long."""

    code = "E009"


class BackendUnavailableError(PolicyKGError):
    """A backend (Neo4j, the embedding model) cannot be reached or loaded."""

    code = "E010"


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


class OverlapError(PolicyKGError):
    """An overlap request the analysis cannot answer (unknown ``by``)."""

    code = "E020"


class UnauthorizedError(PolicyKGError):
    """A write without a valid API key (HTTP 401)."""

    code = "E401"


class PayloadTooLargeError(PolicyKGError):
    """An upload over the configured size limit (HTTP 413)."""

    code = "E413"


class UriTooLongError(PolicyKGError):
    """A request line over the server's limit (HTTP 414)."""

    code = "E414"


class UnsupportedMediaError(PolicyKGError):
    """An upload that is neither JSON nor multipart (HTTP 415)."""

    code = "E415"


class UnsupportedFormatError(UnsupportedMediaError):
    """A source file of a format ingest cannot read (HTTP 415, as an unreadable upload)."""

    code = "E013"


class CorruptDocumentError(PolicyKGError):
    """A .docx or .pdf that cannot be opened: damaged, encrypted or misnamed."""

    code = "E014"


class GoldenFormatError(CorpusError):
    """A golden YAML file that does not follow its format in graph/golden.py (an unknown key, a wrong type)."""

    code = "E025"


class PipelineError(PolicyKGError):
    """The registered ingest steps do not fit together (a bug in a step's declaration, not in the corpus)."""

    code = "E024"


def errors_page() -> str:
    """docs/errors.md: every error code with its class and what it means (tests/test_docs.py keeps the file current)."""
    seen: dict[type[PolicyKGError], None] = {}
    todo: list[type[PolicyKGError]] = [PolicyKGError]
    while todo:
        cls = todo.pop(0)
        seen.setdefault(cls)
        todo.extend(sorted(cls.__subclasses__(), key=lambda c: c.__name__))
    rows = sorted(seen, key=lambda c: (c.code, c.__name__))
    lines = [
        "# Error codes",
        "",
        "Every error the CLI prints (`error: [CODE] message` and a `hint`) and the API returns",
        '(`{"error": {"code", "message", "hint"}}`). Generated from `ingest/errors.py` by',
        "`python -c 'from ingest.errors import errors_page; print(errors_page(), end=\"\")' > docs/errors.md`.",
        "",
        "| code | error | meaning |",
        "|---|---|---|",
    ]
    for cls in rows:
        doc = " ".join((cls.__doc__ or "").split())
        lines.append(f"| {cls.code} | `{cls.__module__}.{cls.__name__}` | {doc} |")
    return "\n".join(lines) + "\n"
