"""Split a Chinese policy document into citable clauses with exact offsets.

Chinese policy texts number their structure with a small, fixed set of
markers (第X章 / 第X条 / 一、 / （一） / 重点任务N / 1. / （1）). A marked line is
a *heading* when it is short and opens a section (the next line is not a
sibling in the same style), otherwise a numbered *item*. Unmarked short lines
right after a heading (the tab-indented block titles of 004) are sub-headings.
Everything else is a paragraph. Units longer than :data:`TARGET_CHARS` are cut
into groups of whole sentences, so no clause exceeds :data:`MAX_CHARS` and
search returns passages, not sections.

Pure functions only: ``parse_document(doc_id, text) -> list[Clause]`` and the
helpers it uses, so the parser is easy to test on generated outlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from . import lexicon as L
from .document import Clause
from .matchform import match_form

MAX_CHARS = 400
"""No clause is longer than this (SPEC §5)."""
TARGET_CHARS = 260
"""Long paragraphs are packed into sentence groups of about this size."""
HEADING_MAX = 32
"""A marked line this short (and opening a section) is a heading."""

_NUM = "一二三四五六七八九十百零〇两"
_WS = " \t\u3000\xa0\r\ufeff"

# (style, level, pattern); the first group is the number, the match end is
# where the heading or item text starts.
_MARKERS: list[tuple[str, float, re.Pattern[str]]] = [
    ("chapter", 1, re.compile(rf"^第([{_NUM}\d]+)章\s*")),
    ("article", 2, re.compile(rf"^第([{_NUM}\d]+)条\s*")),
    ("cn", 3, re.compile(rf"^([{_NUM}]+)、\s*")),
    ("paren_cn", 4, re.compile(rf"^[（(]([{_NUM}]+)[）)]\s*")),
    ("task", 5, re.compile(r"^重点任务\s*(\d+)\s*$")),
    ("arabic", 6, re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    ("paren_ar", 7, re.compile(r"^[（(](\d{1,3})[）)]\s*")),
]
_SENTENCE_END = L.compile_re(r"(?:{extraction.sentence.ends})+[”’」』）)]*")
SUBITEM = re.compile(r"(?<=[，。；：:\n ])[一二三四五六七八九十]+是|^[一二三四五六七八九十]+是")
"""An inline sub-item (一是…，二是…) that starts after punctuation or at the start."""
LABELS: dict[str, str] = {str(k): str(v) for k, v in L.mapping("extraction.labels").items()}
"""the path labels the parser writes (序言, 标题, 附件), shared with search's context paths"""
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?$")
_ARTIFACT = re.compile(r"^(?:\[bookmark[:：][^\]]*\]\s*)+")
"""Word-export residue (``[bookmark: _GoBack]``) that may precede a marker."""
_MARKER_OPENING = re.compile(rf"[第{_NUM}（(重\d\[]")
"""What the match form of a line must open with to hold a marker of
:data:`_MARKERS` or the residue before one: most lines open with a word, and
are not translated whole just to find that out (tests/ingest/test_parse.py
keeps the two in step)."""


@dataclass(frozen=True)
class Line:
    """A non-blank line: ``text == source[start:end]`` with outer spaces trimmed."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Marker:
    style: str
    level: float
    number: str
    body_start: int  # offset into the line's text where the content begins


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their trimmed ``[start, end)`` offsets."""
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        line = _trimmed(raw, pos)
        if line is not None:
            lines.append(line)
        pos += len(raw) + 1
    return lines


def _trimmed(raw: str, pos: int) -> Line | None:
    """``raw`` (which sits at ``pos``) without outer spaces, or None when blank."""
    stripped = raw.strip(_WS)
    if not stripped:
        return None
    start = pos + (len(raw) - len(raw.lstrip(_WS)))
    return Line(stripped, start, start + len(stripped))


_INLINE = re.compile(rf"第([{_NUM}\d]+)([章条])|([{_NUM}]+)、|[（(]([{_NUM}]+)[）)]|(\d{{1,3}})[.．、](?!\d)|[（(](\d{{1,3}})[）)]")
_BOUNDARY = frozenset("。！？!?：: \t\u3000\xa0")
"""What may stand before a structural marker inside a line: a sentence end,
colon or space (a cross-reference such as 按第五条 follows a word)."""


_DOCUMENT_WIDE = ("chapter", "article")
"""Styles numbered through the whole document: a flattened line's 第四条 pairs with a 第三条 on another line."""
_CLAUSE_BOUNDARY = frozenset("，；")
"""A chapter or article may also follow a comma or semicolon, where a copy lost the full stop before it."""


def _inline_markers(line: Line) -> list[tuple[int, str, int]]:
    """``(offset, style, number)`` of each marker in ``line`` that may open a unit:
    at the line's start or after a boundary, or an article right after a
    chapter heading (第一章 总则第一条)."""
    form = match_form(line.text)
    found: list[tuple[int, str, int]] = []
    chapter_at = -HEADING_MAX - 1
    for m in _INLINE.finditer(form):
        number, unit, cn, paren, arabic, paren_ar = m.groups()
        style = {"章": "chapter", "条": "article"}.get(unit or "") or (
            "cn" if cn else "paren_cn" if paren else "arabic" if arabic else "paren_ar"
        )
        before = form[m.start() - 1] if m.start() else ""
        at_boundary = not before or before in _BOUNDARY or (style in _DOCUMENT_WIDE and before in _CLAUSE_BOUNDARY)
        if not (at_boundary or (style == "article" and m.start() - chapter_at <= HEADING_MAX)):
            continue
        try:
            found.append((m.start(), style, to_int(number or cn or paren or arabic or paren_ar)))
        except ValueError:
            continue
        if style == "chapter":
            chapter_at = m.start()
    return found


def split_runon(lines: list[Line]) -> list[Line]:
    """Lines that run several numbered units together (a web copy flattened
    to one line) as the lines they stood for.

    A marker inside a line counts only when it belongs to a run: the unit of
    the same style numbered one below or one above it is also there (第五条 …
    第六条 anywhere in the document; 一、… 二、 in the same line). So the
    structure of a flattened 办法 or 通知 survives, and a lone inline （一） or
    a cross-reference is read as the text it is. A chapter heading counts when
    an article follows it within a heading's length (第一章 总则第一条)."""
    found = [_inline_markers(line) for line in lines]
    in_document: dict[str, set[int]] = {}
    for markers in found:
        for _o, style, n in markers:
            if style in _DOCUMENT_WIDE:
                in_document.setdefault(style, set()).add(n)
    out: list[Line] = []
    for line, markers in zip(lines, found):
        numbers = {st: set(ns) for st, ns in in_document.items()}
        for _o, style, n in markers:
            if style not in _DOCUMENT_WIDE:
                numbers.setdefault(style, set()).add(n)
        runs = {(o, st) for o, st, n in markers if {n - 1, n + 1} & numbers[st]}
        articles = [o for o, st in runs if st == "article"]
        cuts = sorted(
            {o for o, st in runs if st != "chapter"}
            | {o for o, st, _ in markers if st == "chapter" and ((o, st) in runs or any(0 < a - o <= HEADING_MAX for a in articles))}
        )
        points = [0, *(c for c in cuts if c > 0), len(line.text)]
        pieces = (_trimmed(line.text[a:b], line.start + a) for a, b in zip(points, points[1:]))
        out.extend(piece for piece in pieces if piece is not None)
    return out


def find_marker(line: str) -> Marker | None:
    """The structural marker a line opens with, if any (export residue skipped).

    Read in the match form (第三條 as 第三条, (一) as （一）), one character for
    one, so a traditional or web copy has the structure of its original.
    The match form of a line's first character is the first character of its
    match form (no neighbour changes it), so that one is read first."""
    if not _MARKER_OPENING.match(match_form(line[:1])):
        return None
    line = match_form(line)
    skip = _ARTIFACT.match(line)
    offset = skip.end() if skip else 0
    for style, level, pattern in _MARKERS:
        m = pattern.match(line[offset:])
        if m:
            return Marker(style, level, m.group(1), offset + m.end())
    return None


def to_int(number: str) -> int:
    """'十二' or '12' -> 12, via cn2an (Chinese numerals)."""
    return int(number) if number.isdigit() else int(cn2an.cn2an(number, "smart"))


def _is_short_title(text: str) -> bool:
    """Short, and no sentence inside (a trailing 。 is allowed)."""
    core = text.rstrip("。")
    return 0 < len(text) <= HEADING_MAX and not re.search(r"[。；;！？]", core)


def _is_title_line(text: str) -> bool:
    """A line of the title block: short, no sentence, no clause (，), and not
    a notice's addressee line (各有关单位：) — those open the body."""
    return _is_short_title(text) and len(text) <= 40 and not re.search(r"[。，,：:]$|[，,]", text)


def split_sentences(text: str, start: int) -> list[Line]:
    """Sentences of ``text`` (which sits at ``start``) as offset spans."""
    spans: list[Line] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append(Line(text[pos : m.end()], start + pos, start + m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append(Line(text[pos:], start + pos, start + len(text)))
    return [s for s in spans if s.text.strip(_WS)]


def sentence_cuts(text: str, *, subitems: bool = True) -> list[int]:
    """Where the sentences of ``text`` end, and (with ``subitems``) where an
    inline 一是/二是 sub-item starts: the one sentence splitter every stage
    uses (parsing, extraction units, search's sentence vectors, overlap)."""
    cuts = {m.end() for m in _SENTENCE_END.finditer(text)}
    if subitems:
        cuts.update(m.start() for m in SUBITEM.finditer(text))
    return sorted(c for c in cuts if 0 < c < len(text))


def sentences(text: str, *, subitems: bool = True) -> list[tuple[int, int]]:
    """``[start, end)`` of each non-blank sentence of ``text`` (see :func:`sentence_cuts`)."""
    points = [0, *sentence_cuts(text, subitems=subitems), len(text)]
    return [(a, b) for a, b in zip(points, points[1:]) if text[a:b].strip(_WS)]


def _cut_long(sentence: Line) -> list[Line]:
    """A single sentence over MAX_CHARS: cut at commas, then hard."""
    pieces: list[Line] = []
    pos = 0
    text = sentence.text
    while len(text) - pos > MAX_CHARS:
        window = text[pos : pos + MAX_CHARS]
        cut = max(window.rfind("，"), window.rfind("、"), window.rfind(","))
        cut = cut + 1 if cut > MAX_CHARS // 3 else MAX_CHARS
        pieces.append(Line(text[pos : pos + cut], sentence.start + pos, sentence.start + pos + cut))
        pos += cut
    pieces.append(Line(text[pos:], sentence.start + pos, sentence.end))
    return pieces


def chunk(unit: Line, source: str) -> list[Line]:
    """``unit`` itself if short enough, else groups of whole sentences."""
    if len(unit.text) <= TARGET_CHARS + 60:
        return [unit]
    sentences = [p for s in split_sentences(unit.text, unit.start) for p in _cut_long(s)]
    groups: list[Line] = []
    cur_start, cur_end = sentences[0].start, sentences[0].end
    for s in sentences[1:]:
        if s.end - cur_start <= TARGET_CHARS:
            cur_end = s.end
        else:
            groups.append(Line(source[cur_start:cur_end], cur_start, cur_end))
            cur_start, cur_end = s.start, s.end
    groups.append(Line(source[cur_start:cur_end], cur_start, cur_end))
    # A short tail reads better attached to the group before it.
    if len(groups) > 1 and len(groups[-1].text) < 60 and groups[-1].end - groups[-2].start <= MAX_CHARS:
        a, b = groups[-2], groups.pop()
        groups[-1] = Line(source[a.start : b.end], a.start, b.end)
    return groups


@dataclass
class _Frame:
    level: float
    label: str
    seg: str
    children: int = 0  # unmarked paragraphs seen directly under this frame


class _Ids:
    """Stable, unique clause ids: ``{doc}:{seg}.{seg}…`` with ``-N`` on a clash."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.used: set[str] = set()

    def make(self, segs: list[str]) -> str:
        base = f"{self.doc_id}:{'.'.join(segs)}"
        cid, n = base, 1
        while cid in self.used:
            n += 1
            cid = f"{base}-{n}"
        self.used.add(cid)
        return cid


def _label(marker: Marker, body: str, heading: bool) -> str:
    """How a marked line appears in a path."""
    text = body.rstrip("。")
    if heading:
        return text
    content = body[marker.body_start :]
    first = re.match(r"([^。；，,]{1,20})。", content)
    prefix = {"arabic": f"{marker.number}", "paren_ar": f"（{marker.number}）"}.get(
        marker.style, _ARTIFACT.sub("", body[: marker.body_start]).strip(_WS)
    )
    if first and len(content) > first.end():
        sep = "." if marker.style == "arabic" else ""
        return f"{prefix}{sep}{first.group(1)}"
    return prefix


def parse_document(doc_id: str, text: str) -> list[Clause]:
    """Parse ``text`` into clauses whose offsets round-trip to ``text``."""
    lines = split_runon(split_lines(text))
    ids = _Ids(doc_id)
    clauses: list[Clause] = []
    stack: list[_Frame] = []
    top = _Frame(0, LABELS["preamble"], "p")

    def add(unit: Line, path: list[str], segs: list[str], kind: str) -> None:
        parts = chunk(unit, text)
        for k, part in enumerate(parts, 1):
            s = segs if len(parts) == 1 else segs[:-1] + [f"{segs[-1]}~{k}"]
            clauses.append(Clause(ids.make(s), doc_id, tuple(path), part.text, part.start, part.end, kind))

    i = 0
    # Title block: leading short lines without sentences (and 附件 marks).
    title: list[Line] = []
    while i < len(lines) and find_marker(lines[i].text) is None and _is_title_line(lines[i].text):
        line = lines[i]
        if _ATTACHMENT.match(line.text):
            clauses.append(Clause(ids.make(["attachment"]), doc_id, (LABELS["attachment"],), line.text, line.start, line.end, "attachment"))
        else:
            title.append(line)
        i += 1
    if title:
        t0, t1 = title[0].start, title[-1].end
        clauses.append(Clause(ids.make(["title"]), doc_id, (LABELS["title"],), text[t0:t1], t0, t1, "title"))

    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        marker = find_marker(line.text)
        nxt_marker = find_marker(nxt.text) if nxt else None
        parent = stack[-1] if stack else top
        if marker:
            is_heading = (
                _is_short_title(line.text) and nxt is not None and not (nxt_marker and nxt_marker.style == marker.style)
            ) or marker.style == "task"
            # A heading closes every section at its level or deeper. An item
            # does so only when such a sibling section is open; otherwise it
            # is a list inside the current section (003 lists 第一章… under 三、).
            if is_heading or any(f.level == marker.level for f in stack):
                while stack and stack[-1].level >= marker.level:
                    stack.pop()
            seg = f"t{marker.number}" if marker.style == "task" else str(to_int(marker.number))
            label = _label(marker, line.text, is_heading)
            base_path = [f.label for f in stack]
            base_segs = [f.seg for f in stack]
            if is_heading:
                frame = _Frame(marker.level, label, seg)
                stack.append(frame)
                clauses.append(
                    Clause(ids.make(base_segs + [seg]), doc_id, tuple(base_path + [label]), line.text, line.start, line.end, "heading")
                )
            else:
                add(line, base_path + [label], base_segs + [seg], "item")
                if marker.style == "article":
                    # an article holds what follows it until the next article or
                    # section: its unnumbered paragraphs and its （一）/1. items
                    stack.append(_Frame(marker.level, label, seg))
        elif (
            stack
            and clauses[-1].kind == "heading"
            and _is_short_title(line.text)
            and not line.text.endswith("。")
            and nxt is not None
            and nxt_marker is None
        ):
            # An unmarked block title right under a heading (004's 重点任务 blocks).
            parent.children += 1
            frame = _Frame(parent.level + 0.5, line.text, f"h{parent.children}")
            path = [f.label for f in stack] + [frame.label]
            segs = [f.seg for f in stack] + [frame.seg]
            stack.append(frame)
            clauses.append(Clause(ids.make(segs), doc_id, tuple(path), line.text, line.start, line.end, "heading"))
        else:
            parent.children += 1
            path = [f.label for f in stack] or [top.label]
            segs = [f.seg for f in stack] + [f"p{parent.children}"]
            add(line, path, segs, "paragraph")
        i += 1
    return clauses
