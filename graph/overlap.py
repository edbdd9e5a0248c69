"""Cross-document overlap and divergence analysis, as pure functions.

An analyst asks two questions of a set of policy documents:

1. *Which documents deploy which items?*  The overlap **matrix**: for every
   platform type, program, field, agency, mechanism, place or role (the
   kinds of the one alias table, so 高精尖中心 and 北京高校高精尖创新中心
   count as one item, and a program row is never a platform type row) the
   exact set of documents naming it, with the clauses behind every cell.
2. *Where do they rule differently?*  **Conflicts** (divergences): the same
   subject - an evaluation cycle, an age limit, who receives a report, who
   approves an adjustment or an establishment, how funding is given, what
   happens on failure - with different normalized values in different
   clauses, each side cited.  The same rule stated in several documents is
   listed once under **shared**, with every source.

Statements are derived from the extracted facts of ``ingest/extract.py``
(deadlines, conditions, obligations with their reporting routes, funding,
sanctions) - the same facts the graph holds - plus one small detector for
who approves an establishment (立项/授牌), which no extractor records.  A
topic's value is always a normalized form (``R/P3Y``, ``≤35岁``,
``市科委（批准）``), so comparison is by meaning, never by wording, and no
topic names a particular document or item.
The topics and the words that place a fact under one (cadence words,
route categories, funding modes, approval verbs) are vocabulary, in
ingest/lexicon/overlap.yaml; the grammar that combines them stays here.

The store's ``overlap(by)`` (graph/nx_store.py, graph/neo4j_store.py) calls
:func:`compute_overlap`; the CLI ``policykg overlap`` and ``GET /overlap``
print its result.  Shape (SPEC §4, extended)::

    {"by", "documents": [{"doc_id", "title"}],
     "matrix": {"<item>": ["<doc_id>", …]},
     "cells": {"<item>": {"<doc_id>": ["<clause_id>", …]}},
     "ids": {"<item>": "<Kind>:<name>"},
     "conflicts": [{"about", "about_en", "topic", "scope", "values": {doc_id: [value…]},
                    "applies_to": {doc_id: [platform type / program…]},
                    "sides": [{"doc_id", "clause_id", "text", "start", "end",
                               "values", "phrases", "applies_to"}]}],
     "shared": [{"about", "topic", "value", "documents", "sides": [...]}],
     "shared_truncated": <restated provisions left out, only when some were>}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ingest import lexicon
from ingest.aliases import TARGET_KINDS, AliasTable, load_aliases
from ingest.document import Clause, Document
from ingest.parse import sentences

from . import policy_tools
from .errors import OverlapError
from .schema import OVERLAP_BY

ENTITY_BY: dict[str, tuple[str, ...]] = dict(OVERLAP_BY)
"""``by`` values that group by alias-table kinds (graph/schema.py's OVERLAP_BY, ``all`` included)."""
BY_CHOICES: tuple[str, ...] = (*ENTITY_BY, "policy_tool")
DEFAULT_BY = "all"


def check_by(by: str | None) -> str:
    """``by`` validated (None → the default), or a clear :class:`OverlapError`."""
    by = (by or DEFAULT_BY).strip().lower().replace("-", "_")
    if by not in BY_CHOICES:
        raise OverlapError(f"unknown overlap dimension {by!r}", hint=f"use one of {', '.join(BY_CHOICES)}")
    return by


def _alternatives(entries: Iterable[Any]) -> str:
    """Cue entries of the lexicon (ingest/lexicon/overlap.yaml) as one regex
    alternation: joined by ``|`` in their order, unescaped (an entry may be a
    small regex; the order is the alternation's priority)."""
    return "|".join(str(e) for e in entries)


def _cues(path: str) -> str:
    """The alternation of a cue class of the lexicon, by dotted path (``overlap.cadence.annual_words``)."""
    return _alternatives(lexicon.words(path))


# ------------------------------------------------------------------ matrix
@dataclass(frozen=True)
class Occurrence:
    """One item named (or coded) in one clause, at source offsets ``[start, end)``."""

    item: str
    item_id: str
    doc_id: str
    clause_id: str
    start: int
    end: int


def entity_occurrences(documents: Iterable[Document], kinds: Sequence[str], table: AliasTable) -> list[Occurrence]:
    """Every mention of an entity of ``kinds`` in every clause (longest match first).

    Longest-match scanning is what keeps a program from being read as a
    platform type: 北京高等学校高精尖创新中心建设计划 is one Program mention,
    never also the PlatformType 北京高等学校高精尖创新中心 inside it.
    """
    out: list[Occurrence] = []
    for doc in documents:
        for clause in doc.clauses:
            for m in table.find_mentions(clause.text, kinds):
                out.append(Occurrence(m.name, m.entity_id, doc.doc_id, clause.clause_id, clause.start + m.start, clause.start + m.end))
    return out


def tool_occurrences(documents: Iterable[Document], table: AliasTable | None = None) -> list[Occurrence]:
    """政策工具 codes as occurrences: one row per category and per sub-tool."""
    out: list[Occurrence] = []
    for doc in documents:
        for coding in policy_tools.code_document(doc, table):
            for code in coding.codes:
                for item in (code.category_label, code.label):
                    out.append(Occurrence(item, f"PolicyTool:{item}", coding.doc_id, coding.clause_id, code.start, code.end))
    return out


def matrix_from(occurrences: Iterable[Occurrence], doc_order: Sequence[str]) -> dict[str, Any]:
    """``matrix`` (item → sorted doc ids), ``cells`` (item → doc → clause ids), ``ids``.

    Items are ordered by how many documents share them, then by name, so the
    widest overlaps head the heatmap.
    """
    rank = {d: i for i, d in enumerate(doc_order)}
    cells: dict[str, dict[str, list[str]]] = {}
    ids: dict[str, str] = {}
    for occ in occurrences:
        clauses = cells.setdefault(occ.item, {}).setdefault(occ.doc_id, [])
        if occ.clause_id not in clauses:
            clauses.append(occ.clause_id)
        ids.setdefault(occ.item, occ.item_id)
    order = sorted(cells, key=lambda item: (-len(cells[item]), item))
    matrix = {item: sorted(cells[item], key=lambda d: rank.get(d, len(rank))) for item in order}
    cells = {item: {d: cells[item][d] for d in matrix[item]} for item in order}
    return {"matrix": matrix, "cells": cells, "ids": {item: ids[item] for item in order}}


# -------------------------------------------------------------- statements
@dataclass(frozen=True)
class Topic:
    """A subject documents may rule on, in Chinese (what analysts read) and English."""

    key: str
    about: str
    english: str
    exclusive: bool = False
    """True when two values inside one document already diverge (an age limit)."""


TOPICS: dict[str, Topic] = {
    str(t["key"]): Topic(str(t["key"]), str(t["about"]), str(t["english"]), bool(t.get("exclusive", False)))
    for t in lexicon.entry("overlap.topics")
}
"""The topics, in the order conflicts are listed (ingest/lexicon/overlap.yaml)."""
ROUTE_CATEGORIES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (str(c["key"]), str(c["label"]), re.compile(_alternatives(c["cues"]))) for c in lexicon.entry("overlap.route.categories")
)
"""What a report or approval is about, first match wins: one topic per category."""
for _key, _label in [(k, label) for k, label, _ in ROUTE_CATEGORIES] + [("other", str(lexicon.entry("overlap.route.other_label")))]:
    TOPICS[f"route:{_key}"] = Topic(
        f"route:{_key}", f"{lexicon.entry('overlap.route.topic_prefix')}{_label}", f"who receives / approves: {_key.replace('_', ' ')}"
    )


@dataclass(frozen=True)
class Statement:
    """One document's ruling on a topic: a normalized value with its exact source."""

    topic: str
    value: str
    doc_id: str
    clause_id: str
    phrase: str
    start: int
    end: int
    applies_to: tuple[str, ...] = ()


@dataclass
class Corpus:
    """Documents indexed for the statement rules (clauses by id, scope entities)."""

    documents: list[Document]
    table: AliasTable
    clauses: dict[str, Clause] = field(default_factory=dict)
    docs: dict[str, Document] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.docs = {d.doc_id: d for d in self.documents}
        self.clauses = {c.clause_id: c for d in self.documents for c in d.clauses}

    def applies_to(self, fact: Mapping[str, Any]) -> tuple[str, ...]:
        """Platform types / programs a fact is about: its links, its clause, else its document's own.

        The document fallback is used only for a document dedicated to one
        platform type (its manifest scope names exactly one), the reading
        ingest/extract.py gives to an actor-less duty in such a document.
        """
        names: list[str] = []
        for rel, eid in as_list(fact.get("links")):
            if rel in ("ABOUT", "APPLIES_TO", "FUNDS"):
                names.append(eid)
        names.extend(as_list(fact.get("applies_to")))
        names = [n for n in names if ":" not in n or n.split(":", 1)[0] in TARGET_KINDS]
        clause = self.clauses.get(fact.get("clause_id", ""))
        if not names and clause is not None:
            names = [m.name for m in self.table.rule_targets(clause.text)]
        if not names:
            names = self.own_platform(fact.get("doc_id", ""))
        return tuple(dict.fromkeys(n.split(":", 1)[-1] for n in names))

    def own_platform(self, doc_id: str) -> list[str]:
        doc = self.docs.get(doc_id)
        return own_platform_type(doc, self.table) if doc is not None else []


def own_platform_type(doc: Document, table: AliasTable) -> list[str]:
    """The one platform type a document is dedicated to (its manifest scope names exactly one), else []."""
    pts = [e.name for e in (table.lookup(n) for n in doc.scope) if e is not None and e.kind == "PlatformType"]
    return pts if len(pts) == 1 else []


_EVAL_WORD = re.compile(_cues("overlap.cadence.evaluation_words"))
_ANNUAL_WORD = re.compile(_cues("overlap.cadence.annual_words"))
_CYCLE_WORDS = tuple(lexicon.words("overlap.cadence.cycle_words"))
_MULTI_YEAR = re.compile(r"^R/P([2-9]|\d\d+)Y$")


def _deadline_statements(fact: Mapping[str, Any], corpus: Corpus) -> list[Statement]:
    """Cadence: multi-year cycles and mid/end-of-cycle reviews; annual self-evaluation/reporting.

    Only time phrases that time an evaluation or a report count (a yearly
    budget is not a cadence), and only for a platform type or program, so a
    university's own yearly self-check does not pose as a platform's.
    """
    norm, phrase = str(fact.get("normalized", "")), str(fact.get("phrase", fact.get("text", "")))
    clause = corpus.clauses.get(str(fact.get("clause_id", "")))
    after = ""
    if clause is not None:
        at = int(fact.get("phrase_end", fact.get("end", 0))) - clause.start
        after = re.split(r"[。；;]", clause.text[at : at + 8])[0] if 0 <= at <= len(clause.text) else ""
    context = f"{phrase} {after} {fact.get('subject', '')}"
    applies = corpus.applies_to(fact)
    if not applies:
        return []
    topic = None
    if norm in ("mid-cycle", "end of cycle") or _MULTI_YEAR.match(norm):
        topic = "evaluation_cycle" if _EVAL_WORD.search(context) or norm in ("mid-cycle", "end of cycle") else None
    elif re.fullmatch(r"P\d+Y", norm) and any(w in phrase for w in _CYCLE_WORDS):
        topic, norm = "evaluation_cycle", f"{norm} cycle"
    elif norm == "R/P1Y" and _ANNUAL_WORD.search(context):
        topic = "annual_reporting"
    if topic is None:
        return []
    return [_statement(topic, norm, fact, phrase, applies)]


_AGE_CONDITION = str(lexicon.entry("overlap.conditions.age_type"))


def _age_statements(fact: Mapping[str, Any], corpus: Corpus) -> list[Statement]:
    age = fact.get("max_age")
    if fact.get("condition_type") != _AGE_CONDITION or age in (None, ""):
        return []
    return [_statement("age_limit", f"≤{age}岁", fact, str(fact.get("text", "")), corpus.applies_to(fact))]


_DEFAULT_ROUTE_VERB = str(lexicon.entry("overlap.route.default_verb"))


def _route_statements(fact: Mapping[str, Any], corpus: Corpus) -> list[Statement]:
    """Who receives or approves what: one statement per reporting route of an obligation."""
    routes = [r for r in as_list(fact.get("route")) if isinstance(r, dict)]
    if not routes:
        return []
    category = route_category(f"{fact.get('object', '')} {fact.get('text', '')}")
    return [
        _statement(
            f"route:{category}",
            f"{r.get('to', '')}（{r.get('for') or _DEFAULT_ROUTE_VERB}）",
            fact,
            str(fact.get("text", "")),
            corpus.applies_to(fact),
        )
        for r in routes
        if r.get("to")
    ]


def route_category(text: str) -> str:
    """The category key of what a report/approval concerns (first rule that matches)."""
    for key, _label, pattern in ROUTE_CATEGORIES:
        if pattern.search(text):
            return key
    return "other"


FUNDING_MODES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (str(m["mode"]), re.compile(_alternatives(m["cues"]))) for m in lexicon.entry("overlap.funding_modes")
)
"""How funding is given, recognized in the sentence of a funding fact."""


def _funding_statements(fact: Mapping[str, Any], corpus: Corpus) -> list[Statement]:
    """Amounts and shares (normalized CNY), and the funding modes of the fact's sentence."""
    applies = corpus.applies_to(fact)
    text = str(fact.get("text", ""))
    out: list[Statement] = []
    rule = fact.get("rule")
    if rule == "amount" and fact.get("amount_min") is not None:
        lo, hi = fact.get("amount_min"), fact.get("amount_max")
        amount = f"{_yuan(lo)}" if lo == hi or hi is None else f"{_yuan(lo)}–{_yuan(hi)}"
        unit = str(fact.get("unit") or "").strip()
        out.append(_statement("funding_amount", f"{amount} CNY{' ' + unit if unit else ''}", fact, text, applies))
    elif rule == "share" and fact.get("share") is not None:
        out.append(_statement("funding_amount", f"{round(float(fact['share']) * 100)}% → {fact.get('purpose', '')}", fact, text, applies))
    sentence = _sentence_around(corpus.clauses.get(fact.get("clause_id", "")), int(fact.get("start", 0)), int(fact.get("end", 0)))
    for mode, pattern in FUNDING_MODES:
        m = pattern.search(sentence[0])
        if m:
            s = sentence[1] + m.start()
            out.append(
                Statement("funding_mode", mode, str(fact["doc_id"]), str(fact["clause_id"]), m.group(0), s, s + len(m.group(0)), applies)
            )
    return out


SANCTION_EFFECTS = {str(k): str(v) for k, v in lexicon.mapping("overlap.sanction_effects").items()}
"""Sanction effect code of ingest/extract.py → the consequence analysts read."""


def _sanction_statements(fact: Mapping[str, Any], corpus: Corpus) -> list[Statement]:
    applies = corpus.applies_to(fact)
    return [
        _statement("sanction", SANCTION_EFFECTS.get(e, e), fact, str(fact.get("text", "")), applies) for e in as_list(fact.get("effects"))
    ]


# The words of these patterns: class approval of ingest/lexicon/overlap.yaml.
_APPROVE = re.compile(f"({_cues('overlap.approval.verbs')})")
_APPROVER_AFTER = re.compile(
    rf"^(?:{_cues('overlap.approval.duty_heading')})?[，,]?(?:{_cues('overlap.approval.duty_verbs')})"
    rf"[^。；]{{0,40}}?({_cues('overlap.approval.after_duty')})"
)
_ESTABLISHMENT = re.compile(_cues("overlap.approval.establishment"))
_APPROVER_ROUTE_VERBS = tuple(lexicon.words("overlap.approval.route_verbs"))
_DUTY_LEAD = re.compile(rf"^(?:\d+[.．、])?(?:{_cues('overlap.approval.duty_lead')})")


def approval_statements(doc: Document, table: AliasTable) -> list[Statement]:
    """Who approves an establishment (立项 / 授牌 / 认定): 报X审定, 提交X审议, X负责…授牌.

    Only sentences about setting a platform or project up count (they name
    立项/授牌/认定/名单); the approver is an organization named right after a
    submitting verb with an approval verb following, or an organization that
    "负责/组织" the approval; a section heading such as "（一）市教委主要职责"
    supplies the organization of a sentence that starts with 负责.
    """
    from ingest.extract import context_for, heading_actor, recipients

    ctx = context_for(doc, table)
    out: list[Statement] = []
    for clause in doc.clauses:
        if clause.kind in ("title", "heading", "attachment"):
            continue
        for text, base in _sentences(clause):
            if not _ESTABLISHMENT.search(text):
                continue
            found: list[tuple[str, str, int, int]] = []
            mentions = table.find_mentions(text, ("Organization", "Role"))
            for r in recipients(text, ctx):
                if r.get("to_id") and r.get("for") in _APPROVER_ROUTE_VERBS:
                    m = next((m for m in mentions if m.entity_id == r["to_id"] and m.start >= int(r.get("step") or 0)), None)
                    if m is not None:
                        found.append((r["to"], r["for"], m.start, m.end))
            for m in mentions:
                if m.kind != "Organization":
                    continue
                after = _APPROVER_AFTER.match(text[m.end :])
                if after:
                    found.append((m.name, after.group(1), m.start, m.end + after.end()))
            if not found and _DUTY_LEAD.match(text):
                actor = heading_actor(clause, ctx)
                verb = _APPROVE.search(text)
                if actor is not None and actor.kind == "Organization" and verb:
                    found.append((actor.name, verb.group(1), verb.start(), verb.end()))
            applies = tuple(m.name for m in table.rule_targets(clause.text)) or tuple(own_platform_type(doc, table))
            for name, how, s, e in found:
                out.append(Statement("approval", f"{name}（{how}）", doc.doc_id, clause.clause_id, text[s:e], base + s, base + e, applies))
    return out


FACT_RULES: dict[str, Callable[[Mapping[str, Any], Corpus], list[Statement]]] = {
    "deadline": _deadline_statements,
    "condition": _age_statements,
    "obligation": _route_statements,
    "funding": _funding_statements,
    "sanction": _sanction_statements,
}
"""Fact kind → the rule turning such a fact into topic statements."""


def statements(documents: Sequence[Document], facts: Iterable[Mapping[str, Any]], table: AliasTable) -> list[Statement]:
    """Every statement of the corpus: from the extracted facts, plus approvals."""
    corpus = Corpus(list(documents), table)
    out: list[Statement] = []
    for fact in facts:
        rule = FACT_RULES.get(str(fact.get("kind", "")))
        if rule is not None and fact.get("clause_id") in corpus.clauses:
            out.extend(rule(fact, corpus))
    for doc in documents:
        out.extend(approval_statements(doc, table))
    return list(dict.fromkeys(out))


def as_list(value: Any) -> list[Any]:
    """A list-valued fact field as a list, whether the store kept it as a list or as JSON text.

    The networkx store keeps lists of dicts as they are; a store that only
    holds scalar properties (Neo4j) keeps them as JSON strings.
    """
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _statement(topic: str, value: str, fact: Mapping[str, Any], phrase: str, applies: tuple[str, ...]) -> Statement:
    start = int(fact.get("phrase_start", fact.get("start", 0)))
    end = int(fact.get("phrase_end", fact.get("end", start)))
    return Statement(topic, value, str(fact["doc_id"]), str(fact["clause_id"]), phrase, start, end, applies)


def _yuan(v: Any) -> str:
    v = int(v)
    if v >= 100_000_000 and v % 10_000_000 == 0:
        return f"{v / 100_000_000:g}亿"
    if v >= 10_000 and v % 10_000 == 0:
        return f"{v // 10_000}万"
    return str(v)


def _sentences(clause: Clause) -> list[tuple[str, int]]:
    """The sentences of a clause with their source offsets."""
    return [(clause.text[a:b], clause.start + a) for a, b in sentences(clause.text, subitems=False)]


def _sentence_around(clause: Clause | None, start: int, end: int) -> tuple[str, int]:
    """The sentence of ``clause`` containing ``[start, end)`` (the clause if none does)."""
    if clause is None:
        return "", start
    for text, base in _sentences(clause):
        if base <= start < base + len(text):
            return text, base
    return clause.text, clause.start


# ------------------------------------------------------------- divergence
def compare(stmts: Iterable[Statement], clauses: Mapping[str, Clause]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(conflicts, shared) from topic statements.

    A topic diverges when two documents hold different value sets on it (or,
    for an exclusive topic such as an age limit, when one document holds two
    values).  A value held by two or more documents is one ``shared`` entry
    with every source: the same rule stated twice is shown once.
    """
    by_topic: dict[str, list[Statement]] = {}
    for s in stmts:
        by_topic.setdefault(s.topic, []).append(s)
    conflicts: list[dict[str, Any]] = []
    shared: list[dict[str, Any]] = []
    for key in sorted(by_topic, key=lambda k: list(TOPICS).index(k) if k in TOPICS else len(TOPICS)):
        group = by_topic[key]
        topic = TOPICS[key]
        values: dict[str, list[str]] = {}
        for s in group:
            vals = values.setdefault(s.doc_id, [])
            if s.value not in vals:
                vals.append(s.value)
        values = {d: values[d] for d in sorted(values)}
        distinct = {frozenset(v) for v in values.values()}
        across = len(values) >= 2 and len(distinct) >= 2
        within = topic.exclusive and any(len(v) >= 2 for v in values.values())
        if across or within:
            subjects: dict[str, list[str]] = {}
            for s in group:
                names = subjects.setdefault(s.doc_id, [])
                names.extend(a for a in s.applies_to if a not in names)
            conflicts.append(
                {
                    "about": topic.about,
                    "about_en": topic.english,
                    "topic": key,
                    "scope": "across_documents" if across else "within_document",
                    "values": values,
                    "applies_to": {d: subjects[d] for d in sorted(subjects)},
                    "sides": _sides(group, clauses),
                }
            )
        holders: dict[str, set[str]] = {}
        for s in group:
            holders.setdefault(s.value, set()).add(s.doc_id)
        for value in sorted(v for v, docs in holders.items() if len(docs) >= 2):
            shared.append(
                {
                    "about": topic.about,
                    "topic": key,
                    "value": value,
                    "documents": sorted(holders[value]),
                    "sides": _sides([s for s in group if s.value == value], clauses),
                }
            )
    conflicts.sort(key=lambda c: c["scope"] != "across_documents")
    return conflicts, shared


def _sides(group: Sequence[Statement], clauses: Mapping[str, Clause]) -> list[dict[str, Any]]:
    """One cited side per clause: its text and offsets, the values and exact phrases it states."""
    sides: dict[str, dict[str, Any]] = {}
    for s in sorted(group, key=lambda s: (s.doc_id, s.start)):
        clause = clauses[s.clause_id]
        side = sides.setdefault(
            s.clause_id,
            {
                "doc_id": s.doc_id,
                "clause_id": s.clause_id,
                "path": list(clause.path),
                "text": clause.text,
                "start": clause.start,
                "end": clause.end,
                "values": [],
                "phrases": [],
                "applies_to": [],
            },
        )
        if s.value not in side["values"]:
            side["values"].append(s.value)
        phrase = {"text": s.phrase, "start": s.start, "end": s.end}
        if phrase not in side["phrases"]:
            side["phrases"].append(phrase)
        for a in s.applies_to:
            if a not in side["applies_to"]:
                side["applies_to"].append(a)
    for side in sides.values():
        side["value"] = "；".join(side["values"])
    return list(sides.values())


# ------------------------------------------------------------ restatements
RESTATED_MIN_CHARS = 12
"""Characters two clauses must share, over all their matching segments, to count as one provision restated."""
_SEGMENT = re.compile(r"[^。；;！？!?，,]+")
_LEAD_NUMBER = re.compile(r"^(?:\d+[.．、]|（[一二三四五六七八九十]+）)")
_FILLER = re.compile(r"[、和及与并“”\"《》〈〉（）()\s]")


def segment_key(text: str) -> str:
    """The comparison form of a segment: list separators, conjunctions and quotes dropped.

    So "推进知识创新、理论创新和方法创新" and "推进知识创新、理论创新、方法创新"
    are one segment, while any change of wording is not.
    """
    return _FILLER.sub("", text)


def restated_provisions(documents: Sequence[Document]) -> list[dict[str, Any]]:
    """Provisions one document repeats from another, each shown once with both sources.

    Clauses are cut into comma segments (at least 8 characters, a leading
    item number dropped); segments of different documents with the same
    :func:`segment_key` match, and a pair of clauses sharing at least
    :data:`RESTATED_MIN_CHARS` characters of matching segments is one
    restated provision, cited with the exact segments on each side.
    Matching by key is linear in the corpus (a hash per segment), so it
    holds for the 100,000-clause synthetic corpus too; it finds copied or
    lightly edited duties (an action plan and a later opinion repeating the
    same guarantees), not paraphrases.
    """
    by_key: dict[str, list[tuple[str, str, int, str]]] = {}
    for doc in documents:
        for clause in doc.clauses:
            if clause.kind not in ("paragraph", "item"):
                continue
            for m in _SEGMENT.finditer(clause.text):
                text = _LEAD_NUMBER.sub("", m.group(0)).strip()
                if len(text) >= 8:
                    start = clause.start + m.start() + m.group(0).index(text)
                    by_key.setdefault(segment_key(text), []).append((doc.doc_id, clause.clause_id, start, text))
    pairs: dict[tuple[str, str], list[tuple[tuple[str, str, int, str], tuple[str, str, int, str]]]] = {}
    for segs in by_key.values():
        if len({s[0] for s in segs}) < 2 or len(segs) > RESTATED_MAX_COPIES:
            continue
        for i, a in enumerate(segs):
            for b in segs[i + 1 :]:
                if a[0] != b[0]:
                    a2, b2 = sorted((a, b), key=lambda s: (s[0], s[2]))
                    pairs.setdefault((a2[1], b2[1]), []).append((a2, b2))
    out: list[dict[str, Any]] = []
    for (ca, cb), matches in sorted(pairs.items()):
        chars = sum(len(a[3]) for a, _ in matches)
        if chars >= RESTATED_MIN_CHARS:
            out.append({"a": ca, "b": cb, "chars": chars, "segments": matches})
    return out


RESTATED_MAX_COPIES = 20
"""A segment found in more places than this is boilerplate (a stock phrase), not a restated duty."""
RESTATED_MAX_ENTRIES = 200
"""At most this many restated provisions are listed (the longest first); the result counts the rest."""


def _restated_entries(documents: Sequence[Document], clauses: Mapping[str, Clause]) -> tuple[list[dict[str, Any]], int]:
    """The ``shared`` entries of :func:`restated_provisions` (at most :data:`RESTATED_MAX_ENTRIES`), and how many were left out."""
    entries = []
    found = restated_provisions(documents)
    kept = sorted(found, key=lambda p: (-p["chars"], p["a"], p["b"]))[:RESTATED_MAX_ENTRIES]
    for pair in sorted(kept, key=lambda p: (p["a"], p["b"])):
        stmts = []
        value = "；".join(dict.fromkeys(sa[3] for sa, _ in pair["segments"]))
        for sa, sb in pair["segments"]:
            for doc_id, clause_id, start, text in (sa, sb):
                stmts.append(Statement("restated_provision", value, doc_id, clause_id, text, start, start + len(text)))
        entries.append(
            {
                "about": TOPICS["restated_provision"].about,
                "topic": "restated_provision",
                "value": value,
                "documents": sorted({s.doc_id for s in stmts}),
                "sides": _sides(list(dict.fromkeys(stmts)), clauses),
            }
        )
    return entries, len(found) - len(kept)


# ------------------------------------------------------------------ driver
def compute_overlap(
    documents: Sequence[Document],
    by: str | None = None,
    *,
    facts: Iterable[Mapping[str, Any]] | None = None,
    table: AliasTable | None = None,
) -> dict[str, Any]:
    """The overlap matrix of ``by`` and the divergences of ``documents`` (SPEC §4 shape).

    ``facts`` are fact dicts as ``Fact.to_dict()`` or the store's fact rows
    give them (kind, doc_id, clause_id, offsets and the kind's fields); when
    None they are extracted here with ingest/extract.py, the same extractor
    the graph is built with.  ``table`` defaults to corpus/aliases.yaml.
    """
    by = check_by(by)
    table = table or load_aliases()
    documents = list(documents)
    order = [d.doc_id for d in documents]
    if by == "policy_tool":
        occs = tool_occurrences(documents, table)
    else:
        occs = entity_occurrences(documents, ENTITY_BY[by], table)
    result: dict[str, Any] = {"by": by, "documents": [{"doc_id": d.doc_id, "title": d.title} for d in documents]}
    result.update(matrix_from(occs, order))
    if facts is None:
        from ingest.extract import iter_facts

        facts = [f.to_dict() for f in iter_facts(documents, table)]
    clauses = {c.clause_id: c for d in documents for c in d.clauses}
    conflicts, shared = compare(statements(documents, facts, table), clauses)
    result["conflicts"] = conflicts
    restated = _restated_entries(documents, clauses)
    result["shared"] = shared + restated[0]
    if restated[1]:
        result["shared_truncated"] = restated[1]
    return result


def documents_from_store(store_dir: Path) -> list[Document]:
    """The documents of a store directory, with their clauses (documents.json + clauses.jsonl)."""
    from ingest.store_files import read_clauses, read_documents

    by_doc: dict[str, list[Clause]] = {}
    for c in read_clauses(store_dir):
        by_doc.setdefault(c.doc_id, []).append(c)
    docs: list[Document] = []
    for d in read_documents(store_dir):
        docs.append(Document.from_meta(d, d.get("text", ""), by_doc.get(d["doc_id"], [])))
    return docs


def overlap_for_store(
    store_dir: Path,
    by: str | None = None,
    *,
    facts: Iterable[Mapping[str, Any]] | None = None,
    table: AliasTable | None = None,
) -> dict[str, Any]:
    """:func:`compute_overlap` over the documents of an ingested store directory.

    A store passes its fact rows (so the analysis reads the graph's facts)
    and, ideally, the alias table it was built with (curated + center names).
    """
    return compute_overlap(documents_from_store(Path(store_dir)), by, facts=facts, table=table)
