"""The base of every user-facing error, and the errors of the ingest layer.

After spaCy's ``errors.py``: every error has a code and a hint (a suggested
fix), so the CLI and the API can turn any of them into a clear message and a
non-zero exit / 4xx response. Each layer keeps its own errors beside its code
(ingest/errors.py, graph/errors.py, search/errors.py, api/errors.py), all
subclasses of :class:`PolicyKGError`; the ones here are raised by ingest/ (or,
like :class:`NotFoundError`, first by it: the alias table resolves names).
docs/errors.md lists them all (tools/errors_page.py writes it).
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


class PayloadTooLargeError(PolicyKGError):
    """A document or upload over the configured size limit (HTTP 413)."""

    code = "E413"


class UnsupportedFormatError(PolicyKGError):
    """A source file of a format ingest cannot read (HTTP 415, as an unreadable upload)."""

    code = "E013"


class CorruptDocumentError(PolicyKGError):
    """A .docx or .pdf that cannot be opened: damaged, encrypted or misnamed."""

    code = "E014"


class PipelineError(PolicyKGError):
    """The registered ingest steps do not fit together (a bug in a step's declaration, not in the corpus)."""

    code = "E024"
