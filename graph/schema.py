"""The graph's vocabulary: node labels, relation types and row models.

The single source of truth for both stores (networkx and Neo4j) and for every
reader: labels and relation names are spelled only here.  Every node and edge
derived from text carries a :class:`Provenance` (document, clause, exact
offsets, extractor, confidence); nodes and edges from the center records carry
the record's source (file, row, URL, confidence) instead.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, Field

from ingest.validity import AMENDS, BASED_ON, CITES, REPEALS, SUPERSEDES

GRAPH_FORMAT = "policykg-graph/1"
"""Version of graph.json; bump when a reader could misread an older file."""

# --- node labels -------------------------------------------------------------
DOCUMENT = "Document"
CLAUSE = "Clause"
PROGRAM = "Program"
PLATFORM_TYPE = "PlatformType"
PLATFORM = "Platform"
ROLE = "Role"
ORGANIZATION = "Organization"
PLACE = "Place"
FIELD = "Field"
MECHANISM = "Mechanism"
OBLIGATION = "Obligation"
DEADLINE = "Deadline"
FUNDING = "Funding"
CONDITION = "Condition"
SANCTION = "Sanction"

ENTITY_LABELS = (PROGRAM, PLATFORM_TYPE, PLATFORM, ROLE, ORGANIZATION, PLACE, FIELD, MECHANISM)
"""Named things (from the alias table and the center records)."""
FACT_LABELS = {"obligation": OBLIGATION, "deadline": DEADLINE, "funding": FUNDING, "condition": CONDITION, "sanction": SANCTION}
"""Extracted facts, by the extractor's kind name."""
LABELS = (DOCUMENT, CLAUSE, *ENTITY_LABELS, *FACT_LABELS.values())
RULE_SUBJECT_LABELS = (PLATFORM_TYPE, PLATFORM, PROGRAM, ROLE, ORGANIZATION, PLACE)
"""What ``--platform-type`` of obligations/deadlines may name: the targets of
APPLIES_TO/FUNDS/ABOUT and the actors of BINDS (a Field or a Mechanism is
never one, so naming one is an error, not an empty checklist)."""

# --- relation types (source label -> target label) ----------------------------
HAS_CLAUSE = "HAS_CLAUSE"  # Document -> Clause
ISSUED_BY = "ISSUED_BY"  # Document -> Organization
GOVERNS = "GOVERNS"  # Document -> PlatformType | Program | Role | Place (its scope)
MENTIONS = "MENTIONS"  # Clause -> entity (offsets of the mention)
STATED_IN = "STATED_IN"  # fact -> Clause
BINDS = "BINDS"  # Obligation -> Role | Organization | PlatformType (the actor)
REPORTS_TO = "REPORTS_TO"  # Obligation -> Organization | Role (recipient of 报送/备案/审核)
APPLIES_TO = "APPLIES_TO"  # fact -> PlatformType | Program | Role | Place
HAS_DEADLINE = "HAS_DEADLINE"  # Obligation -> Deadline
SANCTIONED_BY = "SANCTIONED_BY"  # Obligation -> Sanction (what happens if missed)
FUNDS = "FUNDS"  # Funding -> PlatformType | Program
ABOUT = "ABOUT"  # Deadline -> PlatformType | Program
INSTANCE_OF = "INSTANCE_OF"  # Platform -> PlatformType
HOSTED_BY = "HOSTED_BY"  # Platform -> Organization
IN_FIELD = "IN_FIELD"  # Platform -> Field
SUBTYPE_OF = "SUBTYPE_OF"  # entity -> broader entity of the same kind (市属高校 -> 依托高校)
# Document -> Document, read from the citing text by ingest/validity.py (which spells them)
DOCUMENT_RELATIONS = (REPEALS, SUPERSEDES, AMENDS, BASED_ON, CITES)

RELATIONS = (
    HAS_CLAUSE,
    ISSUED_BY,
    GOVERNS,
    MENTIONS,
    STATED_IN,
    BINDS,
    REPORTS_TO,
    APPLIES_TO,
    HAS_DEADLINE,
    SANCTIONED_BY,
    FUNDS,
    ABOUT,
    INSTANCE_OF,
    HOSTED_BY,
    IN_FIELD,
    SUBTYPE_OF,
    *DOCUMENT_RELATIONS,
)

OVERLAP_BY = {
    "platform_type": (PLATFORM_TYPE,),
    "field": (FIELD,),
    "agency": (ORGANIZATION,),
    "mechanism": (MECHANISM,),
    "program": (PROGRAM,),
    "place": (PLACE,),
    "role": (ROLE,),
    "all": (PLATFORM_TYPE, FIELD, ORGANIZATION, MECHANISM, PROGRAM, PLACE, ROLE),
}
"""What ``overlap(by)`` groups documents by: a name of SPEC §4 -> node labels."""

MODALITIES = ("must", "should", "may", "must-not")


def entity_node_id(label: str, name: str) -> str:
    """The id of a named node (same form as ingest.aliases.entity_id)."""
    return f"{label}:{name}"


def document_node_id(doc_id: str) -> str:
    return f"Document:{doc_id}"


def cited_document_node_id(title: str, doc_no: str | None = None) -> str:
    """A document the corpus cites but does not hold, by its 文号 else its title."""
    return f"Document:cited:{hashlib.sha256((doc_no or title).encode('utf-8')).hexdigest()[:12]}"


def clause_node_id(clause_id: str) -> str:
    return f"Clause:{clause_id}"


# --- models --------------------------------------------------------------------
class Provenance(BaseModel):
    """Where a node or edge came from: characters of a clause, or a record row."""

    doc_id: str | None = None
    clause_id: str | None = None
    start: int | None = None
    end: int | None = None
    extractor: str = ""
    confidence: float = 1.0
    record: dict[str, Any] | None = None


class _Cited(BaseModel):
    """Fields every fact row shares: its id, what it applies to, who extracted it."""

    id: str = ""
    applies_to: list[str] = Field(default_factory=list)
    extractor: str = ""
    confidence: float = 1.0


class ObligationRow(_Cited):
    """One line of the checklist (`obligations --json`, SPEC §4)."""

    actor: str
    modality: str
    action: str
    object: str
    recipient: str
    deadline: str
    sanction: str
    clause_id: str
    doc_id: str
    text: str
    start: int
    end: int
    path: list[str] = Field(default_factory=list)
    condition: str = ""
    deadline_phrase: str = ""
    due_before: str = ""
    route: list[dict[str, str]] = Field(default_factory=list)


class DeadlineRow(_Cited):
    """One normalized time rule (`deadlines --json`, SPEC §4).

    ``text``/``start``/``end`` are the clause's; ``phrase_start``/``phrase_end``
    locate the phrase itself in the source file.
    """

    phrase: str
    kind: str
    normalized: str
    subject: str
    clause_id: str
    doc_id: str
    text: str
    start: int
    end: int
    before: str = ""
    phrase_start: int = 0
    phrase_end: int = 0


# --- property encoding for stores that only hold flat values (Neo4j) ---------------
import json as _json  # noqa: E402  (kept next to the two functions that need it)


def flat_props(props: dict[str, Any]) -> dict[str, Any]:
    """Node/edge properties with nested values (``route``, ``record`` …) as JSON strings.

    Neo4j properties are scalars or lists of scalars; a value that is a dict or
    a list holding dicts or lists is stored as JSON text under ``<key>__json``
    so :func:`unflat_props` can restore it exactly.
    """
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None:
            continue
        nested = isinstance(value, dict) or (isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value))
        if nested:
            out[f"{key}__json"] = _json.dumps(value, ensure_ascii=False)
        else:
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


def unflat_props(props: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flat_props`."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key.endswith("__json") and isinstance(value, str):
            out[key[: -len("__json")]] = _json.loads(value)
        else:
            out[key] = value
    return out
