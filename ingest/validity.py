"""When a document is in force, and what it does to the documents it cites.

Staff ask what applies *now*, or on the day a center was approved, so every
document gets a term of force read from its metadata and text:

* **from** — the date it takes effect (自…起施行), else its issue date, else
  the first year of a plan period in its title (（2022—2024年）), else 1 January
  of its year; ``from_how`` says which, so a year-only start reads as such;
* **to** — 有效期至 a date, 有效期 N 年 from the start, else the last day of a
  plan period; open-ended otherwise;
* **draft** — a 征求意见稿 (or a note about one) is never in force;
* **relations** to the documents it cites, each with the span that says so:
  REPEALS (原《X》同时废止, 《X》不再执行), SUPERSEDES (代替《X》, 《X》…以本办法为准),
  AMENDS (对《X》作如下修改), BASED_ON (根据 / 依据 / 贯彻《X》) and CITES otherwise.

:func:`read_validity` is pure (a :class:`~ingest.document.Document` in, a
:class:`Validity` out); :func:`standing` answers "in force on this date?" from
a validity record and the repeals other documents state, which the graph
resolves across the corpus (graph/build.py). The cue words are data
(``ingest/lexicon/validity.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from . import lexicon as L
from .document import Document
from .metadata import CITATION, DATE, compact_doc_no, date_of
from .normalize import to_int

REPEALS, SUPERSEDES, AMENDS, BASED_ON, CITES = "REPEALS", "SUPERSEDES", "AMENDS", "BASED_ON", "CITES"
ENDING = (REPEALS, SUPERSEDES)
"""Relations that end the cited document's force from the citing one's start."""
DRAFT, IN_FORCE, NOT_YET, EXPIRED, SUPERSEDED, REPEALED = ("draft", "in_force", "not_yet_in_force", "expired", "superseded", "repealed")

STATUS_LABELS = {
    DRAFT: "征求意见稿，未生效",
    IN_FORCE: "现行",
    NOT_YET: "尚未施行",
    EXPIRED: "已失效",
    SUPERSEDED: "已被替代",
    REPEALED: "已废止",
}
"""How an answer names a source's standing, in the words staff use."""

_PERIOD = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[—–\-－~～至到]+\s*((?:19|20)\d{2})\s*年")
_VALID_UNTIL = L.compile_re(rf"(?:{{validity.term.valid_until}})\s*{DATE}")
_VALID_FOR = L.compile_re(r"(?:{validity.term.valid_for})\s*([\d〇零一二三四五六七八九十两]{1,3})\s*年")
_SENTENCE_END = re.compile(r"[。；！？\n]")
_REPEAL_AFTER = L.compile_re(r"^[^。；！？\n]{0,40}?(?:{validity.repeals})")
_SUPERSEDE_AFTER = L.compile_re(r"^[^。；！？\n]{0,60}?(?:{validity.supersedes})")
_SUPERSEDE_BEFORE = L.compile_re(r"(?:{validity.supersedes})[^，。；！？\n《》]{0,4}$")
_AMEND_AFTER = L.compile_re(r"^[^。；！？\n《》]{0,20}?(?:{validity.amends})")
_BASIS_BEFORE = L.compile_re(r"(?:{validity.based_on})[^，。；！？\n《》]{0,4}$")
_SHORT_NAME_BEFORE = L.compile_re(r"(?:{validity.short_name})\s*$")
_LIST_JOINER = re.compile(r"^\s*(?:[（(][^（）()]{0,30}[）)])?\s*[、和及与,，]?\s*$")
_TITLE_NOISE = re.compile(r"[\s《》“”\"'（）()〈〉【】\[\]·、，,。:：]")


@dataclass(frozen=True)
class Relation:
    """This document ``relation`` the one titled ``title`` (文号 ``doc_no``), as
    ``text[start:end]`` (the sentence) says."""

    relation: str
    title: str
    doc_no: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Validity:
    """A document's term of force and its relations, each value with how it was found."""

    valid_from: str | None = None
    from_how: str | None = None
    from_span: tuple[int, int] | None = None
    valid_to: str | None = None
    to_how: str | None = None
    to_span: tuple[int, int] | None = None
    draft: bool = False
    relations: list[Relation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["from_span"] = list(self.from_span) if self.from_span else None
        d["to_span"] = list(self.to_span) if self.to_span else None
        return d


def read_validity(doc: Document) -> Validity:
    """The term of force and relations ``doc`` states (see the module docstring)."""
    valid_from, from_how, from_span = _start(doc)
    valid_to, to_how, to_span = _end(doc, valid_from)
    return Validity(
        valid_from,
        from_how,
        from_span,
        valid_to,
        to_how,
        to_span,
        draft=doc.status == DRAFT,
        relations=relations(doc.text, own_title=doc.title),
    )


def _span(doc: Document, key: str) -> tuple[int, int] | None:
    span = doc.spans.get(key)
    return (int(span[0]), int(span[1])) if span else None


def _plan_period(doc: Document) -> tuple[int, int, tuple[int, int] | None] | None:
    """(first year, last year, span in the text) of a plan period in the title."""
    m = _PERIOD.search(doc.title)
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    if last < first:
        return None
    head = doc.text[: max(400, len(doc.title) * 3)]
    in_text = _PERIOD.search(head)
    return first, last, (in_text.start(), in_text.end()) if in_text else None


def _start(doc: Document) -> tuple[str | None, str | None, tuple[int, int] | None]:
    if doc.effective:
        return doc.effective, "effective", _span(doc, "effective")
    if doc.issued:
        return doc.issued, "issued", _span(doc, "issued")
    period = _plan_period(doc)
    if period:
        return f"{period[0]}-01-01", "plan period", period[2]
    if doc.year:
        return f"{int(doc.year)}-01-01", "year", None
    return None, None, None


def _end(doc: Document, valid_from: str | None) -> tuple[str | None, str | None, tuple[int, int] | None]:
    m = _VALID_UNTIL.search(doc.text)
    until = date_of(m)
    if m and until:
        return until, "valid until", (m.start(), m.end())
    m = _VALID_FOR.search(doc.text)
    years = to_int(m.group(1)) if m else None
    if m and years and valid_from:
        start = dt.date.fromisoformat(valid_from)
        end = _add_years(start, years) - dt.timedelta(days=1)
        return end.isoformat(), f"term of {years} years", (m.start(), m.end())
    period = _plan_period(doc)
    if period:
        return f"{period[1]}-12-31", "plan period", period[2]
    return None, None, None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def title_key(title: str) -> str:
    """A title compared across documents: no spaces, brackets or quotes."""
    return _TITLE_NOISE.sub("", title)


def relations(text: str, *, own_title: str = "") -> list[Relation]:
    """Every citation of another document in ``text``, classified (module docstring).

    A short name the text defines (（以下简称《工作指引》）) stands for the title
    cited just before it; a citation of the text's own title is not a relation.
    A citation in a list after one with a basis cue (根据《A》和《B》) shares it.
    """
    out: list[Relation] = []
    short: dict[str, str] = {}
    own = title_key(own_title)
    previous: tuple[int, str, str] | None = None  # (end, relation, title) of the last citation
    for m in CITATION.finditer(text):
        title = m.group(1)
        sent_start = _sentence_start(text, m.start())
        sent_end = _sentence_end(text, m.end())
        before, after = text[sent_start : m.start()], text[m.end() : sent_end + 1]
        if _SHORT_NAME_BEFORE.search(before) and previous is not None:
            short[title] = previous[2]
            continue
        title = short.get(title, title)
        key = title_key(title)
        if not key or (own and (key == own or key in own)):
            previous = None
            continue
        relation = _classify(before, after)
        if relation == CITES and previous is not None and previous[0] >= sent_start and _LIST_JOINER.match(text[previous[0] : m.start()]):
            relation = previous[1]
        doc_no = compact_doc_no(m.group(2)) if m.group(2) else None
        out.append(Relation(relation, title, doc_no, sent_start, sent_end))
        previous = (m.end(), relation, title)
    return _strongest(out)


def _classify(before: str, after: str) -> str:
    if _REPEAL_AFTER.search(after):
        return REPEALS
    if _SUPERSEDE_BEFORE.search(before) or _SUPERSEDE_AFTER.search(after):
        return SUPERSEDES
    if _AMEND_AFTER.search(after):
        return AMENDS
    if _BASIS_BEFORE.search(before):
        return BASED_ON
    return CITES


_RANK = {REPEALS: 0, SUPERSEDES: 1, AMENDS: 2, BASED_ON: 3, CITES: 4}


def _strongest(found: list[Relation]) -> list[Relation]:
    """One relation per cited title: the strongest statement (a repeal outranks a citation), first place kept."""
    best: dict[str, Relation] = {}
    for rel in found:
        key = title_key(rel.title)
        if key not in best or _RANK[rel.relation] < _RANK[best[key].relation]:
            best[key] = rel
        elif rel.doc_no and not best[key].doc_no:
            best[key] = Relation(best[key].relation, best[key].title, rel.doc_no, best[key].start, best[key].end)
    return sorted(best.values(), key=lambda r: r.start)


def _sentence_start(text: str, pos: int) -> int:
    found = [m.end() for m in _SENTENCE_END.finditer(text, max(0, pos - 300), pos)]
    return found[-1] if found else max(0, pos - 300)


def _sentence_end(text: str, pos: int) -> int:
    m = _SENTENCE_END.search(text, pos)
    return m.start() if m else len(text)


def standing(validity: dict[str, Any], as_of: str, ended_by: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A document's standing on ``as_of`` (YYYY-MM-DD): ``doc_status``, ``in_force``,
    ``valid_from``, ``valid_to`` and ``reason`` (in words, citing what decided it).

    ``ended_by`` lists the corpus documents that repeal or supersede this one
    (``{"doc_id", "title", "relation", "from"}``): one whose start is on or
    before ``as_of`` ends its force (a later document in the corpus, not yet
    in force on that date, does not).
    """
    valid_from, valid_to = validity.get("valid_from"), validity.get("valid_to")

    def told(status: str, reason: str) -> dict[str, Any]:
        return {
            "valid_from": valid_from,
            "valid_to": valid_to,
            "doc_status": status,
            "in_force": status == IN_FORCE,
            "label": STATUS_LABELS[status],
            "reason": reason,
        }

    if validity.get("draft"):
        return told(DRAFT, "a draft for comment, not in force")
    for end in sorted(ended_by, key=lambda e: e.get("from") or ""):
        if end.get("from") and end["from"] <= as_of:
            status = REPEALED if end["relation"] == REPEALS else SUPERSEDED
            return told(status, f"{end['relation'].lower()} by 《{end['title']}》 ({end['doc_id']}) from {end['from']}")
    if valid_from and as_of < valid_from:
        return told(NOT_YET, f"not yet in force on {as_of}: from {valid_from} ({validity.get('from_how')})")
    if valid_to and as_of > valid_to:
        return told(EXPIRED, f"expired after {valid_to} ({validity.get('to_how')})")
    return told(IN_FORCE, f"in force on {as_of}")


def resolve_corpus(documents: list[Document]) -> None:
    """Give every document its ``validity`` record, relations resolved across the corpus.

    A cited title (or 文号) that names a corpus document gets that ``doc_id``;
    a document that another one repeals or supersedes lists it under
    ``ended_by`` with the date that other one takes effect, which is what
    :func:`standing` needs. Relations to documents outside the corpus keep
    their title and 文号, so they resolve once that document is added.
    """
    read = {d.doc_id: read_validity(d) for d in documents}
    by_title = {title_key(d.title): d.doc_id for d in documents}
    by_no = {d.doc_no: d.doc_id for d in documents if d.doc_no}
    ended_by: dict[str, list[dict[str, Any]]] = {d.doc_id: [] for d in documents}
    rows: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        rows[doc.doc_id] = []
        for rel in read[doc.doc_id].relations:
            target = by_no.get(rel.doc_no or "") or by_title.get(title_key(rel.title))
            if target == doc.doc_id:
                continue
            rows[doc.doc_id].append({**asdict(rel), "doc_id": target})
            if target and rel.relation in ENDING:
                ended_by[target].append(
                    {
                        "doc_id": doc.doc_id,
                        "title": doc.title,
                        "relation": rel.relation,
                        "from": read[doc.doc_id].valid_from,
                        "start": rel.start,
                        "end": rel.end,
                    }
                )
    for doc in documents:
        record = read[doc.doc_id].to_dict()
        record["relations"] = rows[doc.doc_id]
        record["ended_by"] = ended_by[doc.doc_id]
        doc.validity = record
