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
    default_hint = "see docs/errors.md for this code"

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint or self.default_hint
        """what the raise site suggests, else the class's general advice"""
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class CorpusError(PolicyKGError):
    """The corpus directory or its manifest is unusable."""

    code = "E001"
    default_hint = "check that the corpus folder exists and its sources.yaml lists each document (id and file)"


class EncodingError(PolicyKGError):
    """A source file is not UTF-8 (or is binary)."""

    code = "E002"
    default_hint = "save the file as UTF-8 text (a binary file is not a document)"


class EmptyDocumentError(PolicyKGError):
    """A source file has no text."""

    code = "E003"
    default_hint = "the file holds no text: check it was saved or exported completely"


class ControlCharacterError(PolicyKGError):
    """A source text with control characters or NULs (junk, or a binary file)."""

    code = "E021"
    default_hint = "remove the control characters at the offset given, or re-export the document as plain text"


class DuplicateDocumentError(PolicyKGError):
    """Two documents share one id."""

    code = "E004"
    default_hint = "give each document its own id in sources.yaml"


class CenterRecordError(PolicyKGError):
    """The center records file cannot be read at all."""

    code = "E005"
    default_hint = "check corpus/centers.csv (or centers.xlsx) opens and has the documented columns"


class NotIngestedError(PolicyKGError):
    """A read command found no store in the data directory."""

    code = "E006"
    default_hint = "run `policykg ingest` first (with the same --data and --backend)"


class StoreFormatError(PolicyKGError):
    """The store on disk was written by an incompatible version."""

    code = "E007"
    default_hint = "re-run `policykg ingest` to rebuild the store with this version"


class StoreCorruptError(PolicyKGError):
    """A store file no longer matches what its ingest wrote (truncated or garbled)."""

    code = "E022"
    default_hint = "re-run `policykg ingest`; the previous good store is used meanwhile"


class StoreWriteError(PolicyKGError):
    """The new store cannot be written: the disk is full, over quota or read-only."""

    code = "E023"
    default_hint = "free disk space or fix the data directory's permissions, then ingest again"


class NotFoundError(PolicyKGError):
    """A name, document or clause that the store does not know."""

    code = "E008"
    default_hint = "check the spelling, or try one of the suggested names (`policykg entity --help`)"

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
    default_hint = "split the document into its parts (each 办法, 通知 or 附件 as its own document)"


class UnsupportedFormatError(PolicyKGError):
    """A source file of a format ingest cannot read (HTTP 415, as an unreadable upload)."""

    code = "E013"
    default_hint = "convert the document to .txt, .html, .docx or .pdf"


class CorruptDocumentError(PolicyKGError):
    """A .docx or .pdf that cannot be opened: damaged, encrypted or misnamed."""

    code = "E014"
    default_hint = "open the file in its application and save or export it again (not encrypted)"


class PipelineError(PolicyKGError):
    """The registered ingest steps do not fit together (a bug in a step's declaration, not in the corpus)."""

    code = "E024"
    default_hint = "a step's requires/assigns declaration is wrong: see ingest/pipeline.py"
