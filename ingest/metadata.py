"""A document's metadata read from its own text, for files that come without a manifest entry.

Chinese official documents (公文) put their metadata in fixed places, which
GB/T 9704 standardises: the title near the top, the 文号 (京教研〔2022〕13号)
on a line of its own, the issuing bodies and the date as the 落款 at the end,
and the start of force in a closing sentence (本办法自印发之日起施行). Web
copies add labelled fields (发文字号：…, 成文日期：…). :func:`read_metadata`
reads those places and nothing else, returning each value with the span it
came from; a field the text does not state is absent, never guessed, so the
caller can list it as unknown. Kind and scope are read from the title by
:mod:`ingest.scope`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from . import lexicon as L
from .normalize import to_int
from .parse import LABELS, Line, split_lines
from .scope import document_kind

FIELDS = ("title", "doc_no", "issuers", "issued", "effective", "status")
"""What :func:`read_metadata` may find, in manifest key names."""


@dataclass(frozen=True)
class Found:
    """A metadata value and the ``[start, end)`` of the text it was read from."""

    value: Any
    start: int
    end: int


_DOC_NO = r"[\u4e00-\u9fffA-Za-z]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
_DOC_NO_LINE = re.compile(rf"^[（(]?({_DOC_NO})[）)]?(?:\s|$)")
_LABELLED_DOC_NO = re.compile(rf"(?:发文字号|发文文号|文号)\s*[:：]\s*({_DOC_NO})")
_NUM = r"[\d〇零一二三四五六七八九十]"
DATE = rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日"
_DATE_LINE = re.compile(rf"^{DATE}$")
_ISO_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_LABELLED_DATE = re.compile(rf"(?:成文日期|发文日期|印发日期|发布日期|发布时间)\s*[:：]\s*(?:{DATE}|{_ISO_DATE})")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布|颁布|发文|下发|签发)之日起(?:施行|执行|实施|生效)")
_EFFECTIVE_ON_DATE = re.compile(rf"自{DATE}起(?:施行|执行|实施|生效)")
_DRAFT = re.compile(r"征求意见稿|送审稿|讨论稿")
_SENTENCE_PUNCT = re.compile(r"[。；！？]")
_NAME_PUNCT = re.compile(r"[。，,；;：:！？!?《》“”\"\t]")
_BODY_START = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章条]|[一二三四五六七八九十]+、)")
_FIELD_LINE = re.compile(r"文件$|^[\u4e00-\u9fff]{2,6}\s*[:：]")
"""A red-header line (北京市教育委员会文件) or a web copy's labelled field (发布时间：…)."""
_LABELLED_ISSUERS = re.compile(r"(?:发文机关|发文部门|发文单位|发布机构)\s*[:：]\s*([^\n]{2,80})")
_PARENTHETICAL = re.compile(r"^[（(][^）)]*[）)]$")
_ISSUER_SPLIT = re.compile(r"\s+|、")
_NOT_A_NAME = re.compile(r"^(?:\d+[.．、]|附件)")
"""An attachment list line (附件：1.…) just above the 落款 is not a signatory."""
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_TITLE_ISSUER = re.compile(r"^(.{2,60}?)关于")
_HEAD_LINES = 15
_TAIL_LINES = 12


def read_metadata(text: str) -> dict[str, Found]:
    """The metadata ``text`` states, by :data:`FIELDS` key; absent keys are not stated."""
    lines = split_lines(text)
    head = lines[:_HEAD_LINES]
    found: dict[str, Found] = {}
    for key, value in (("title", _title(head)), ("doc_no", _doc_no(text, head)), ("status", _status(head))):
        if value is not None:
            found[key] = value
    issuers, signed = _signature(lines[-_TAIL_LINES:])
    if issuers is None:
        issuers = _labelled_issuers(text[:2000])
    if issuers is None and "title" in found:
        issuers = _issuers_from_title(found["title"])
    if issuers is not None:
        found["issuers"] = issuers
    issued = signed or _labelled_date(text[:2000])
    if issued is not None:
        found["issued"] = issued
    effective = _effective(text, issued)
    if effective is not None:
        found["effective"] = effective
    return found


_ATTACHMENT_LINE = re.compile(LABELS["attachment"] + r"\s*\d*")
_ABOUT = tuple(L.words("extraction.title.about"))


def _title(head: list[Line]) -> Found | None:
    """The first heading-like line before the body (joined with its second line
    when the title wraps), preferring one that ends in a document kind."""
    candidates: list[Line] = []
    for line in head:
        if _BODY_START.match(line.text) or _SENTENCE_PUNCT.search(line.text) or line.text.endswith(("：", ":")):
            break
        if (
            _FIELD_LINE.search(line.text)
            or _DOC_NO_LINE.match(line.text)
            or _DATE_LINE.match(line.text)
            or len(line.text) < 4
            or len(line.text) > 80
            or _ATTACHMENT_LINE.fullmatch(line.text)
        ):
            continue
        candidates.append(line)
    for i, line in enumerate(candidates):
        nxt = candidates[i + 1] if i + 1 < len(candidates) else None
        wraps = nxt is not None and (
            _PARENTHETICAL.match(nxt.text)
            or _unbalanced(line.text)
            or (not document_kind(line.text) and _fragment(line.text, nxt.text) and document_kind(line.text + nxt.text))
        )
        if wraps and nxt is not None:
            return Found(line.text + nxt.text, line.start, nxt.end)
        if document_kind(line.text):
            return Found(line.text, line.start, line.end)
    return Found(candidates[0].text, candidates[0].start, candidates[0].end) if candidates else None


def _fragment(line: str, nxt: str) -> bool:
    """``line`` may be the first half of a wrapped title ending in ``nxt``: no
    comma in it, and ``nxt`` is not a title of its own (…关于…)."""
    return not re.search(r"[，,]", line) and not any(w in nxt for w in _ABOUT)


def _unbalanced(text: str) -> bool:
    """An opening 《 or （ the line does not close: the title goes on below."""
    return text.count("《") > text.count("》") or text.count("（") > text.count("）")


def _doc_no(text: str, head: list[Line]) -> Found | None:
    """A labelled 文号 (发文字号：…) or one standing on its own line near the top;
    a 文号 inside a sentence is a citation of another document, not this one's."""
    m = _LABELLED_DOC_NO.search(text[:2000])
    if m:
        return Found(compact_doc_no(m.group(1)), m.start(1), m.end(1))
    for line in head:
        m = _DOC_NO_LINE.match(line.text)
        if m:
            return Found(compact_doc_no(m.group(1)), line.start + m.start(1), line.start + m.end(1))
    return None


def compact_doc_no(doc_no: str) -> str:
    return re.sub(r"\s+", "", doc_no)


def _status(head: list[Line]) -> Found | None:
    """``draft`` when the top of the document calls itself a draft (征求意见稿 …)."""
    for line in head:
        m = _DRAFT.search(line.text)
        if m:
            return Found("draft", line.start + m.start(), line.start + m.end())
    return None


def _signature(tail: list[Line]) -> tuple[Found | None, Found | None]:
    """``(issuers, date)`` of the 落款: the last line that is only a date, and the
    short unpunctuated lines right above it."""
    for i in range(len(tail) - 1, -1, -1):
        date = date_of(_DATE_LINE.match(tail[i].text))
        if date is None:
            continue
        issued = Found(date, tail[i].start, tail[i].end)
        names: list[str] = []
        first = last = None
        for line in reversed(tail[max(0, i - 4) : i]):
            if _NAME_PUNCT.search(line.text) or len(line.text) > 60 or _DATE_LINE.match(line.text) or _NOT_A_NAME.match(line.text):
                break
            names = _names(line.text) + names
            first, last = line, last or line
        issuers = Found(names, first.start, last.end) if names and first and last else None
        return issuers, issued
    return None, None


def _labelled_issuers(head_text: str) -> Found | None:
    """A web copy's 发文机关：… field."""
    m = _LABELLED_ISSUERS.search(head_text)
    names = [n for n in re.split(r"[\s、，,；;]+", m.group(1)) if n] if m else []
    return Found(names, m.start(1), m.end(1)) if m and names else None


def _issuers_from_title(title: Found) -> Found | None:
    """The bodies a title names before 关于 (北京市教育委员会 北京市财政局关于…)."""
    m = _TITLE_ISSUER.match(title.value)
    if not m or _NAME_PUNCT.search(m.group(1)):
        return None
    names = _names(m.group(1))
    return Found(names, title.start, title.start + m.end(1)) if names else None


def _names(line: str) -> list[str]:
    """The bodies on a signature line, asides such as （章） dropped."""
    return [n.strip() for n in _ISSUER_SPLIT.split(_ASIDE.sub("", line)) if n.strip()]


def date_of(m: re.Match[str] | None) -> str | None:
    """``YYYY-MM-DD`` of a matched date (Arabic or Chinese numerals), None if not a real date."""
    if m is None:
        return None
    year, month, day = (to_int(g) for g in m.groups() if g is not None)
    try:
        return dt.date(year or 0, month or 0, day or 0).isoformat()
    except ValueError:
        return None


def _labelled_date(head_text: str) -> Found | None:
    m = _LABELLED_DATE.search(head_text)
    date = date_of(m)
    return Found(date, m.start(), m.end()) if m and date else None


def _effective(text: str, issued: Found | None) -> Found | None:
    """The start of force the closing sentences state (the last one stated)."""
    matches = [(m, date_of(m)) for m in _EFFECTIVE_ON_DATE.finditer(text)]
    matches += [(m, issued.value if issued else None) for m in _EFFECTIVE_ON_ISSUE.finditer(text)]
    matches = [(m, d) for m, d in matches if d]
    if not matches:
        return None
    m, date = max(matches, key=lambda md: md[0].start())
    return Found(date, m.start(), m.end())


UNKNOWABLE = ("doc_no", "issuers", "issued", "effective", "year")
"""Fields left empty rather than invented when neither manifest nor text states them."""


def resolve(entry: dict[str, Any], text: str, *, default_title: str) -> dict[str, Any]:
    """A document's metadata: the manifest ``entry``'s values, then what ``text``
    states for every key the entry does not have (a key present with null is
    the manifest's word). Returns Document keyword arguments: the fields, plus
    ``inferred`` (keys read from the text or the file name, with the manifest's
    own ``inferred`` first), ``spans`` (where each read value stands),
    ``unknown`` (fields nobody states) and ``cites`` (:func:`citations`)."""
    read = read_metadata(text)
    values: dict[str, Any] = {}
    inferred = [str(x) for x in entry.get("inferred") or []]
    spans: dict[str, list[int]] = {}
    for key in FIELDS:
        if key in entry:
            values[key] = entry[key]
        elif key in read:
            values[key] = read[key].value
            inferred.append(key)
            spans[key] = [read[key].start, read[key].end]
    if not values.get("title"):
        values["title"] = default_title
        inferred.append("title")
    if "status" not in values:
        values["status"] = "final"  # no 征求意见稿 at the top: the text presents itself as final
        inferred.append("status")
    if "year" in entry:
        values["year"] = int(entry["year"]) if entry["year"] is not None else None
    else:
        year = (values.get("issued") or "")[:4] or _doc_no_year(values.get("doc_no"))
        values["year"] = int(year) if year else None
        if year:
            inferred.append("year")
    values["issuers"] = [str(x) for x in values.get("issuers") or []]
    values["title"], values["status"] = str(values["title"]), str(values["status"] or "final")
    for key in ("doc_no", "issued", "effective"):
        values[key] = str(values[key]) if values.get(key) else None
    unknown = [k for k in UNKNOWABLE if not values.get(k)]
    if "cites" in entry:
        values["cites"] = list(entry["cites"] or [])
    else:
        values["cites"] = citations(text)
        inferred.append("cites")
    return {**values, "inferred": list(dict.fromkeys(inferred)), "spans": spans, "unknown": unknown}


CITATION = re.compile(rf"《([^《》\n]{{2,80}})》(?:\s*[（(]\s*({_DOC_NO})\s*[）)])?")


def citations(text: str) -> list[dict[str, Any]]:
    """The documents ``text`` cites: each 《title》 once, in order, with the
    文号 that follows it in brackets (《…》（国发〔2016〕12号）) and where it stands."""
    out: dict[str, dict[str, Any]] = {}
    for m in CITATION.finditer(text):
        cited = out.setdefault(m.group(1), {"title": m.group(1), "doc_no": None, "start": m.start(), "end": m.end()})
        if m.group(2) and not cited["doc_no"]:
            cited.update(doc_no=compact_doc_no(m.group(2)), start=m.start(), end=m.end())
    return list(out.values())


def _doc_no_year(doc_no: str | None) -> str:
    m = re.search(r"(?:19|20)\d{2}", doc_no or "")
    return m.group(0) if m else ""
