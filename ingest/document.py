"""The objects every ingest step reads and writes.

A :class:`Document` carries its exact source text; every :class:`Clause` and
every :class:`Fact` points back into that text with ``[start, end)`` offsets,
so any claim the system makes can be shown as the characters it came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """Provenance of a derived fact: the clause and the exact characters."""

    doc_id: str
    clause_id: str
    start: int
    end: int
    extractor: str = "parse"
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Clause:
    """The smallest citable unit of a document.

    ``kind`` is one of ``title``, ``attachment``, ``heading``, ``item``
    (a numbered item), ``paragraph`` (or a sentence group of a long one).
    ``path`` holds the headings above the clause, then, for a numbered item,
    its own label (``["五、责任分工", "（三）高精尖中心主要职责", "6"]``).
    """

    clause_id: str
    doc_id: str
    path: tuple[str, ...]
    text: str
    start: int
    end: int
    kind: str = "paragraph"

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies each field, a third of writing clauses.jsonl
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "path": list(self.path),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Clause":
        return cls(
            clause_id=d["clause_id"],
            doc_id=d["doc_id"],
            path=tuple(d["path"]),
            text=d["text"],
            start=d["start"],
            end=d["end"],
            kind=d.get("kind", "paragraph"),
        )


@dataclass
class Document:
    """One policy document with its metadata and parsed clauses.

    ``text`` is the UTF-8 text converted once from the supplied file; every
    offset refers to it. ``source_*`` and ``encoding`` trace it back to the
    supplied bytes. ``inferred`` lists the metadata keys not given by a
    manifest (read from the text, or inferred by the manifest's curator),
    ``spans`` where in the text each read value stands, and ``unknown`` the
    fields nothing states (left empty rather than invented).
    """

    doc_id: str
    title: str
    file: str
    text: str
    issuers: list[str] = field(default_factory=list)
    kind: str = ""
    year: int | None = None
    status: str = "final"
    scope: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    url: str = ""
    doc_no: str | None = None
    issued: str | None = None
    effective: str | None = None
    source_format: str = "txt"
    encoding: str | None = "utf-8"
    source_sha256: str = ""
    source_file: str = ""
    spans: dict[str, list[int]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    cites: list[dict[str, Any]] = field(default_factory=list)
    """Documents the text cites: ``{"title", "doc_no", "start", "end"}`` (ingest/metadata.py)."""
    validity: dict[str, Any] = field(default_factory=dict)
    """Term of force and relations to other documents, resolved across the corpus (ingest/validity.py)."""
    clauses: list[Clause] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """What ingest accepted but a reader should check (ingest/text_checks.py: truncated, numbering gaps, 附件)."""

    @classmethod
    def from_meta(cls, meta: dict[str, Any], text: str, clauses: list[Clause]) -> "Document":
        """A document back from the metadata a store keeps (:meth:`meta`), its text and clauses:
        the fields readers of a store need (id, title, file, issuers, kind, year, status, scope, inferred, url)."""
        return cls(
            doc_id=meta["doc_id"],
            title=meta.get("title", ""),
            file=meta.get("file", ""),
            text=text,
            issuers=list(meta.get("issuers") or []),
            kind=meta.get("kind", ""),
            year=meta.get("year"),
            status=meta.get("status", "final"),
            scope=list(meta.get("scope") or []),
            inferred=list(meta.get("inferred") or []),
            url=meta.get("url", ""),
            clauses=clauses,
        )

    def meta(self) -> dict[str, Any]:
        """Metadata without the text and clauses, as `documents --json` shows it."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "file": self.file,
            "issuers": list(self.issuers),
            "kind": self.kind,
            "year": self.year,
            "status": self.status,
            "scope": list(self.scope),
            "inferred": list(self.inferred),
            "url": self.url,
            "doc_no": self.doc_no,
            "issued": self.issued,
            "effective": self.effective,
            "source_format": self.source_format,
            "encoding": self.encoding,
            "source_sha256": self.source_sha256,
            "source_file": self.source_file,
            "spans": dict(self.spans),
            "unknown": list(self.unknown),
            "cites": [dict(c) for c in self.cites],
            "validity": dict(self.validity),
            "chars": len(self.text),
            "clauses": len(self.clauses),
        }
