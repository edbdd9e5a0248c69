"""Typed response (and request) models of the HTTP API: the JSON shapes of SPEC §4.

The library returns plain dicts in these shapes; the models document them in
the OpenAPI schema and check them on the way out. Each model allows extra
keys, because SPEC §4 is a floor ("extend them; do not break them"): a field
the library adds reaches clients without an API change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# -- errors ------------------------------------------------------------------
class ErrorInfo(BaseModel):
    code: str = Field(description="Stable error code (E0xx, listed in docs/errors.md, or the HTTP status).")
    message: str
    hint: str = ""
    suggestions: list[str] = Field(default_factory=list, description="Nearest known names, for 'not found'.")
    detail: list[dict[str, Any]] = Field(default_factory=list, description="Per-field problems of a 422.")


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {...}}``."""

    error: ErrorInfo


# -- clauses and hits ----------------------------------------------------------
class Standing(BaseModel):
    """The standing of a cited document on the query's date (graph/as_of.py; SPEC)."""

    doc_status: str | None = Field(None, description="draft | in_force | expired | superseded | repealed | not_yet_in_force")
    in_force: bool | None = Field(None, description="In force on the query's as_of date")
    valid_from: str | None = Field(None, description="YYYY-MM-DD, or null when nothing states it")
    valid_to: str | None = Field(None, description="YYYY-MM-DD, or null when open-ended")


class Cited(_Open, Standing):
    """A clause cited with its exact offsets into the source file, and the standing of its document."""

    clause_id: str
    doc_id: str
    text: str
    start: int
    end: int


class LeftOut(BaseModel):
    """Rules a dated checklist left out: their document, its standing and why."""

    doc_id: str
    title: str | None = None
    doc_status: str
    reason: str
    items: int


class Dated(BaseModel):
    as_of: str | None = Field(None, description="The date the answer holds for (YYYY-MM-DD)")
    all_versions: bool = False


class Clause(Cited):
    path: list[str]
    kind: str | None = None


class ClauseList(BaseModel):
    clauses: list[Clause]


class SearchHit(Clause):
    doc_title: str = ""
    score: float


class SearchResults(Dated):
    query: str
    results: list[SearchHit]


class Rule(Clause):
    """A rule that applies: a cited clause plus its kind and structured fields."""

    doc_title: str = ""
    kind: str | None = Field(None, description="obligation | deadline | funding | sanction | condition | fact")
    score: float | None = None


class Answer(_Open, Dated):
    question: str
    abstained: bool
    answer: str
    rules: list[Rule]


# -- graph reads -----------------------------------------------------------------
class Obligation(Cited):
    actor: Any = None
    modality: Any = None
    action: Any = None
    object: Any = None
    recipient: Any = None
    deadline: Any = None
    sanction: Any = None


class Obligations(_Open, Dated):
    platform_type: str
    role: str | None = None
    obligations: list[Obligation]
    left_out: list[LeftOut] = Field(default_factory=list)


class Deadline(Cited):
    phrase: str
    kind: str | None = None
    normalized: str | None = None
    subject: Any = None


class Deadlines(_Open, Dated):
    deadlines: list[Deadline]
    left_out: list[LeftOut] = Field(default_factory=list)


class ConflictSide(_Open):
    doc_id: str
    clause_id: str
    text: str


class Conflict(_Open):
    about: Any
    sides: list[ConflictSide]


class Overlap(_Open, Dated):
    by: str
    matrix: dict[str, list[str]]
    conflicts: list[Conflict] = Field(default_factory=list)


class Entity(_Open, Dated):
    """A resolved node and what applies to it (the graph's `entity` shape)."""


class DocumentInfo(_Open, Standing):
    doc_id: str
    title: str
    doc_no: str | None = Field(None, description="文号 (京教研〔2022〕13号), or null")
    issued: str | None = Field(None, description="Issue date YYYY-MM-DD, or null")
    effective: str | None = Field(None, description="Date it takes effect YYYY-MM-DD, or null")
    source_format: str | None = Field(None, description="txt, html, docx or pdf")
    encoding: str | None = Field(None, description="The supplied file's encoding as detected (null for PDF)")
    source_sha256: str | None = Field(None, description="SHA-256 of the bytes as supplied")
    inferred: list[str] = Field(default_factory=list, description="Fields read from the text, not given by a manifest")


class DocumentList(Dated):
    documents: list[DocumentInfo]


# -- service -----------------------------------------------------------------------
class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    store: str | None = Field(None, description="The live store, relative to the data directory (stores/<generation>).")
    backend: str
    graph: bool = Field(description="The graph store is loaded.")
    search: bool = Field(description="The search index and the model are loaded.")
    problems: list[ErrorInfo] = Field(default_factory=list)
    loaded_at: float


# -- writes ------------------------------------------------------------------------
DOC_ID_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$"


class DocumentMetadata(BaseModel):
    """What the manifest says about an uploaded document (see corpus/sources.yaml);
    a field not sent is read from the document's text."""

    model_config = ConfigDict(extra="forbid")

    issuers: list[str] = Field(default_factory=list, max_length=20)
    kind: str = Field("", max_length=50)
    year: int | None = Field(None, ge=1949, le=2100)
    status: Literal["final", "draft"] = "final"
    scope: list[str] = Field(default_factory=list, max_length=50)
    url: str = Field("", max_length=500)
    doc_no: str | None = Field(None, max_length=50, description="文号, e.g. 京教研〔2022〕13号")
    issued: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Issue date (落款日期)")
    effective: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date the document takes effect")


class DocumentFields(BaseModel):
    """The fields of an upload besides its text (multipart form fields)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None,
        pattern=DOC_ID_PATTERN,
        description="Document id (clause ids start with it); generated from the 文号 or the bytes when absent.",
    )
    title: str | None = Field(None, min_length=1, max_length=200, description="Read from the text when absent.")
    metadata: DocumentMetadata = Field(default_factory=lambda: DocumentMetadata())


class DocumentUpload(DocumentFields):
    """A document to add (POST /documents) or replace (PUT /documents/{id}) as JSON."""

    text: str = Field(min_length=1, description="The full text.")


class TextWarning(BaseModel):
    """A written document's possible damage, at an offset into its text (ingest/text_checks.py)."""

    kind: Literal["truncated", "numbering_gap", "missing_attachment"]
    message: str
    offset: int


class WriteResult(BaseModel):
    doc_id: str
    action: Literal["added", "replaced", "removed"]
    store: str = Field(description="The new live store, relative to the data directory (stores/<generation>).")
    seconds: float
    documents: int
    clauses: int = Field(description="Clauses of the written document (0 when removed).")
    warnings: list[TextWarning] = Field(
        default_factory=list, description="What the document was accepted with (truncated, numbering gaps, 附件)."
    )


# -- the preview of an upload (POST /documents/preview) ------------------------------
class PreviewFact(Cited):
    """One fact extracted from the previewed document (``Fact.to_dict`` of ingest/extract.py): its
    clause and exact span, then its kind's fields (others, such as ``route`` or ``amount_min``, pass through)."""

    id: str = Field(description="<kind>:<clause_id>:<start>-<end>[:<actor_id>], as the graph names the fact")
    kind: Literal["obligation", "deadline", "funding", "sanction", "condition"]
    extractor: str
    confidence: float
    links: list[list[str]] = Field(default_factory=list, description="(relation, entity id) pairs the graph draws as edges")
    applies_to: list[str] = Field(
        default_factory=list, description="Entity ids (PlatformType:…) the fact applies to, as the graph links it"
    )
    actor: str | None = Field(None, description="obligation: who bears it")
    actor_id: str | None = None
    modality: str | None = Field(None, description="obligation: must | should | may | must-not")
    action: str | None = None
    object: str | None = None
    recipient: str | None = None
    deadline: str | None = Field(None, description="obligation: its deadline, normalized (ISO 8601 or R/P1Y)")
    sanction: str | None = Field(None, description="obligation: what follows if it is missed")
    phrase: str | None = Field(None, description="deadline: the time phrase")
    normalized: str | None = Field(None, description="deadline: the phrase normalized")
    subject: str | None = Field(None, description="deadline: what it times")
    trigger: str | None = Field(None, description="sanction: what triggers it")
    effect: str | None = Field(None, description="sanction: what it does")
    funder: str | None = Field(None, description="funding: who pays")
    condition_type: str | None = Field(None, description="condition: its kind (立项标准, 申报条件, …)")


class PreviewCounts(BaseModel):
    clauses: int
    facts: int
    obligation: int
    deadline: int
    funding: int
    sanction: int
    condition: int


class DocumentPreview(BaseModel):
    """What committing an upload would ingest: nothing has been written."""

    document: DocumentInfo = Field(description="Its metadata as GET /documents would list it")
    exists: bool = Field(description="A document with this id is in the corpus: committing replaces it")
    action: Literal["add", "replace"] = Field(description="add: POST /documents; replace: PUT /documents/{id}")
    clauses: list[Clause]
    facts: list[PreviewFact] = Field(description="In text order, as ingest extracts them")
    counts: PreviewCounts
    warnings: list[TextWarning] = Field(
        default_factory=list, description="What the document would be accepted with (truncated, numbering gaps, 附件)."
    )
