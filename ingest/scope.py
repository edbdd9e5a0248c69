"""What a document governs, read from its own text when no manifest says so.

A new 管理办法 introduces its platform type or program three ways: its title
(《XX实验室建设与运行管理办法》 → XX实验室), a definition (本办法所称XX是指…,
本办法适用于…) and a short name (…XX实验室（以下简称实验室）).  Each becomes
an entity of the graph (typed by its head noun, with the span it came from),
so a platform type that only a newly added document mentions shows up in
checklists, deadlines, entity lookups, overlap and search without any code
or alias-table change.  The manifest's ``scope`` still overrides.

Also: issuers the alias table does not know become Organization entities,
and a notice's addressee line (各有关单位：) names who its requests bind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import lexicon as L
from .aliases import AliasTable, Entity
from .bearers import COORDINATED, SHORT_NAME, coordinated, head_of, split_phrase, starts_like_subject, strip_determiners
from .document import Document
from .matchform import match_form
from .parse import find_marker

_TARGET_KINDS = ("PlatformType", "Program")
_NUMBERISH = re.compile(r"[\d〇零一二三四五六七八九十]{2,4}年度?|第[一二三四五六七八九十\d]+批|[（(][^）)]*[）)]")


@dataclass
class DocumentScope:
    """Entities a document introduces and the names of what it governs."""

    entities: list[Entity] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """name → where in the document text it was read"""


def _source(doc: Document, start: int, end: int, extractor: str) -> dict[str, object]:
    """Provenance of an inferred name: its span in the text, or the manifest's
    title when the text does not repeat it (``start == -1``)."""
    if start < 0:
        return {"doc_id": doc.doc_id, "field": "title", "extractor": extractor}
    clause = next((c for c in doc.clauses if c.start <= start < c.end), None)
    return {"doc_id": doc.doc_id, "clause_id": clause.clause_id if clause else "", "start": start, "end": end, "extractor": extractor}


def title_subjects(title: str) -> list[str]:
    """The platform types or programs a title is about (several when it
    coordinates them: …重点实验室、工程技术研究中心工作总结…), or [].

    An issuer before 关于 and leading request words and years are skipped
    (XX厅关于开展2024年度…); the subject is the longest run that ends in a
    platform/program head right before a management word (建设/运行/管理/认定/…)
    or the document kind.
    """
    t = re.sub(r"[《》“”\"\s]", "", match_form(title))
    t = _NUMBERISH.sub("", t)
    about = L.words("extraction.title.about")
    cut = max((t.rfind(w) for w in about), default=-1)
    if cut > 0:
        t = t[cut:]
    leads = sorted(L.words("extraction.title.lead"), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for w in leads:
            if t.startswith(w):
                t, changed = t[len(w) :], True
                break
    after = L.alternation("extraction.title.after")
    kinds = L.alternation("extraction.title.kinds")
    best: list[str] = []
    for m in re.finditer(rf"(?=(?:{after}|{kinds}))", t):
        run = t[: m.start()]
        names = [_longest_head_suffix(part) for part in coordinated(run)] if "、" in run else [_longest_head_suffix(run)]
        names = [n for n in names if (head := head_of(n)) and head[1] in _TARGET_KINDS]
        if names and sum(map(len, names)) > sum(map(len, best)):
            best = names
    return best


_DEFINED_TERM = L.compile_re(
    r"(?:{extraction.definitions.scope_of})(?:{extraction.definitions.so_called})(?:的)?[“\"]?([^，。；：“”\"]{2,30}?)[”\"]?[，,]?"
    r"(?:{extraction.definitions.defined_as})"
)
_APPLIES_TO = L.compile_re(r"(?:{extraction.definitions.scope_of})(?:{extraction.definitions.applies})([^，。；]{2,40})")


def _definitions(doc: Document) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` from 本办法所称X是指… and 本办法适用于X."""
    out: list[tuple[str, int, int]] = []
    text = match_form(doc.text)
    for m in _DEFINED_TERM.finditer(text):
        out.append((m.group(1), m.start(1), m.end(1)))
    for m in _APPLIES_TO.finditer(text):
        for part in COORDINATED.split(m.group(1)):
            part = _MANAGEMENT_TAIL.sub("", part)
            if head_of(part):
                s = text.find(part, m.start(1))
                out.append((part, s, s + len(part)))
    return out


def short_names(doc: Document, known: Sequence[str] = (), kinds: tuple[str, ...] = _TARGET_KINDS) -> list[tuple[str, str, int, int]]:
    """``(term, short name, start, end)`` from …X（以下简称Y）: X is the longest
    name the text before the parenthesis ends with — a name already known
    (the title's subject) first, else a noun phrase ending in a head of one
    of ``kinds``.  "X是国家野外站的行政主管部门（以下简称主管部门）" names the
    predicate, so a copula ends the run like punctuation does."""
    out: list[tuple[str, str, int, int]] = []
    text = match_form(doc.text)
    copula = L.alternation("extraction.obligation_grammar.copulas")
    for m in SHORT_NAME.finditer(text):
        run = re.split(
            rf"[，。；：、“”\"《》\s]|(?<=[\u4e00-\u9fff])(?:{copula})(?=[\u4e00-\u9fff]{{4}})", text[max(0, m.start() - 30) : m.start()]
        )[-1]
        # the name after a 的-qualifier (…年度前建设的省工程技术研究中心 → 省工程技术研究中心)
        term = next((k for k in known if run.endswith(k)), "") or split_phrase(_longest_head_suffix(run, kinds))[0]
        if term:
            out.append((term, m.group(1), m.start() - len(term), m.start()))
    return out


def _longest_head_suffix(run: str, kinds: tuple[str, ...] = _TARGET_KINDS) -> str:
    """The longest suffix of ``run`` that is a name of one of ``kinds``: starts
    at a word boundary (jieba), ends in a head and opens like a subject (not
    with a verb: 规范XX实验室 → XX实验室, 编制科研平台 → 科研平台).  A word
    after "verb + 和/与" is a coordinated verb whatever its tag (加强和规范XX中心)."""
    import jieba.posseg as pseg

    starts, flags, pos = [], [], 0
    for tok in pseg.lcut(run):
        starts.append(pos)
        flags.append(tok.flag)
        pos += len(tok.word)
    for k, i in enumerate(starts):
        if k >= 2 and flags[k - 1] == "c" and flags[k - 2].startswith("v") or k and run[:i] in _PURPOSE:
            continue
        cand = strip_determiners(run[i:])[0]
        head = head_of(cand)
        if head and head[1] in kinds and starts_like_subject(cand) and not _DEFINING.search(cand):
            return cand
    return ""


_DEFINING = L.compile_re(r"{extraction.definitions.markers}")
_PURPOSE = frozenset(L.words("extraction.definitions.purpose_openers"))
_MANAGEMENT_TAIL = L.compile_re(r"(?:的)?(?:{extraction.title.after})+$")
_ADDRESSEE = re.compile(r"(?:^|\s)((?:各|有关)[^：:\n。“”]{1,60})[：:](?:\s|$)", re.M)


_SALUTATION = re.compile(r"([^：:。；;]{2,150}?)\s*[：:]$")
"""a line that ends with the colon a salutation ends with (…科技厅（委），厦门市科技局：)"""


_MAX_SALUTED = 3
"""the most names a salutation without 各/有关 may list and still bind the notice's requests"""


def addressees_of(doc: Document) -> list[str]:
    """Who a notice is addressed to (各区科技局、各有关高校：… → 区科技局, 高校).

    A line of names opening with 各/有关 and ending in a colon; else the first
    line before the body (before any sentence ends) that ends in a colon and is
    mostly names of bearers (北京市、江苏省科技厅（委），厦门市科技局：; 院机关有关部门：),
    not a heading (一、申报对象：)."""
    head = match_form(doc.text[:600])
    m = _ADDRESSEE.search(head)
    if m:
        return _names(m.group(1))
    for line in head.split("\n")[1:]:
        if "。" in line:
            return []  # the body has begun: a salutation comes before it
        s = _SALUTATION.fullmatch(re.sub(r"\s+", "", line))
        if s is None or find_marker(line.strip()) is not None or L.cue("extraction.bearer_cues.modal").occurs_in(line):
            continue  # not a salutation: a heading (一、申报对象：) or a sentence (申请…的，应具备下列条件：)
        parts = _names(s.group(1))
        named = [p for p in parts if head_of(p) is not None]
        if named and 2 * len(named) >= len(parts):
            # a long list of jurisdictions' offices (北京市、江苏省…科技厅) says less than
            # the bodies the notice goes on to name: only a short list binds its requests
            return named if len(parts) <= _MAX_SALUTED else []
    return []


def _names(line: str) -> list[str]:
    """The names a salutation lists, split at commas and coordination, without 各/有关."""
    parts = [p for chunk in re.split(r"[，,；;]", line) for p in coordinated(chunk)]
    return [strip_determiners(p.strip())[0] for p in parts if p.strip()]


def infer_scope(doc: Document, table: AliasTable) -> DocumentScope:
    """Entities the document introduces and what it governs (see the module doc)."""
    out = DocumentScope()
    known: dict[str, Entity] = {}

    def add(name: str, short: str, start: int, end: int, extractor: str) -> None:
        name = name.strip()
        ent = table.lookup(name)
        if ent is None:
            head = head_of(name)
            if head is None or len(name) <= len(head[0]):
                return
            # a short name that is only a head noun (工程中心, 实验室) is too generic to name
            # the entity outside its document; it holds inside it (ingest.extract.context_for)
            short_head = head_of(short) if short and len(short) >= 3 else None
            aliases = (short,) if short_head and short_head[0] != short else ()
            prev = known.get(name)
            ent = Entity(
                head[1],
                name,
                aliases=tuple(dict.fromkeys((prev.aliases if prev else ()) + aliases)),
                attrs={"source": _source(doc, start, end, extractor), "open_vocabulary": True, "introduced_by": doc.doc_id},
            )
            known[name] = ent
        if ent.kind in _TARGET_KINDS and ent.name not in out.scope:
            out.scope.append(ent.name)
            out.spans.setdefault(ent.name, (start, end))

    subjects = title_subjects(doc.title)
    for subject in subjects:
        pos = match_form(doc.text).find(subject)
        add(subject, "", pos, pos + len(subject), "scope/title")
    for term, short_name, s, e in short_names(doc, subjects):
        add(term, short_name, s, e, "scope/short-name")
    for term, s, e in _definitions(doc):
        add(term, "", s, e, "scope/definition")
    for name in doc.issuers:
        if table.lookup(name) is None and name not in known:
            known[name] = Entity(
                "Organization", name, attrs={"source": {"doc_id": doc.doc_id, "extractor": "manifest"}, "open_vocabulary": True}
            )
    out.addressees = addressees_of(doc)
    out.entities = list(known.values())
    return out


def document_kind(title: str) -> str:
    """The kind a title ends with (…管理办法 → 管理办法, …的通知 → 通知), or ""."""
    t = re.sub(r"[《》“”\"\s]|[（(][^）)]*[）)]$", "", title)
    return next((k for k in sorted(L.words("extraction.title.kinds"), key=len, reverse=True) if t.endswith(k)), "")


_PLACE = L.compile_re(r"^[\u4e00-\u9fff]{1,8}?(?:{extraction.place_suffixes})")


def elsewhere(doc: Document) -> bool:
    """Whether a document's issuers (or, without issuers, its title) name a place
    other than the corpus's home place (石家庄市科学技术局, 广西壮族自治区科学技术厅)."""
    home = tuple(L.words("extraction.home_place"))
    for name in doc.issuers or [doc.title]:
        place = _PLACE.match(name)
        if place:
            return not place.group(0).startswith(home)
    return False


def introduce(documents: list[Document], table: AliasTable) -> AliasTable:
    """``table`` extended with what each document introduces; a document
    without a manifest scope (or kind) gets the inferred one, listed in its
    ``inferred`` fields.  Idempotent, so every stage may call it."""
    for doc in documents:
        found = infer_scope(doc, table.elsewhere() if elsewhere(doc) else table)
        if found.entities:
            table = table.extend(found.entities)
        if not doc.scope and found.scope:
            doc.scope = list(found.scope)
            doc.inferred = [*doc.inferred, "scope"]
        if not doc.kind:
            kind = document_kind(doc.title)
            if kind:
                doc.kind = kind
                doc.inferred = [*doc.inferred, "kind"]
    return table
