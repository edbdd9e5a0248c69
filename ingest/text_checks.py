"""Is this text a policy document, and does it look complete? Pure checks on the converted text.

Two outcomes, after what probing found (issue 12): text that cannot be a
document is *refused* — over the size bound (ingest/bounds.py), only
whitespace of any kind (a file of U+3000), fewer than :data:`MIN_CJK_CHARS`
Chinese characters, or control characters and NULs anywhere (junk clauses,
binary residue), each named with its offset. Text
that is a document but looks damaged is *accepted with a warning* naming the
place, because a real web copy is often like that and still worth its rules:
the last line stops mid-sentence (a truncated download), numbered articles or
sections skip (第五条 after 第三条; 一、二、四、), or a 附件 is announced and
never follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from .bounds import check_document_size
from .errors import ControlCharacterError, EmptyDocumentError
from .parse import LABELS, Line, find_marker, split_lines, to_int

MIN_CJK_CHARS = 20
"""Fewer Chinese characters than this cannot state a rule (the shortest seed clause has more)."""
LAYOUT_CONTROLS = frozenset("\t\n\v\f\r")
"""Control characters that are layout (tabs, line and page breaks), not junk."""
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (general category Cc, fixed by Unicode's stability
policy): found by one regex scan rather than a category lookup per character."""
SIGNATURE_MAX = 40
"""A last line this short, unnumbered and without inner punctuation (or a label line) is a signature,
a contact or an attachment title."""
NUMBERED_STYLES = {"chapter": "第{}章", "article": "第{}条", "cn": "{}、"}
"""parse.py marker styles whose numbers run on through a document (sub-items restart in every section)."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_COMPLETE_END = re.compile(r"(?:[。！？!?；;….]|[”’」』）)\]】》])$")
"""Sentence-final punctuation, or a closing quote or bracket (a cited title, a link in brackets)."""
_DATE_END = re.compile(r"(?:[0-9０-９〇零一二三四五六七八九十OＯ]+\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2})[）)]?$")
_FILE_END = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|et|zip|rar|jpe?g|png|html?)$", re.IGNORECASE)
_INNER_PUNCT = re.compile(r"[，,、；;。]")
_LABEL = re.compile(r"^[^，,。；;:：]{1,12}[:：]")
"""A label line (联系电话：…, 邮箱:…): complete whatever its value holds."""
_ANNOUNCE = re.compile(r"附件\s*[0-9０-９一二三四五六七八九十]|附件\s*[:：]|[见详]附件|[（(]附件")
_ATTACHMENT_HEADING = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*$")


@dataclass(frozen=True)
class TextWarning:
    """A document accepted, with something a reader should check at ``offset``."""

    kind: str  # truncated | numbering_gap | missing_attachment
    message: str
    offset: int

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message, "offset": self.offset}


def check_text(text: str, name: str) -> list[TextWarning]:
    """Refuse text that is no document (raises); return the warnings of text that is one, in text order."""
    refuse_junk(text, name)
    lines = split_lines(text)
    return sorted([*truncation(lines), *numbering_gaps(lines), *missing_attachments(lines)], key=lambda w: w.offset)


def refuse_junk(text: str, name: str) -> None:
    """Raise for text that cannot be ingested: too long, control characters, (effectively) empty."""
    check_document_size(text, name)
    controls = [m.start() for m in _CONTROL.finditer(text) if m.group() not in LAYOUT_CONTROLS]
    if controls:
        first = controls[0]
        line = text.count("\n", 0, first) + 1
        more = f" and {len(controls) - 1} more" if len(controls) > 1 else ""
        raise ControlCharacterError(
            f"{name}: control character U+{ord(text[first]):04X} at offset {first} (line {line}){more}",
            hint="a document is text: remove the control characters (NUL bytes mean a binary or broken file)",
        )
    if not text.strip():
        raise EmptyDocumentError(f"{name} has only whitespace", hint="supply the document's text")
    cjk = len(_CJK.findall(text))
    if cjk < MIN_CJK_CHARS:
        raise EmptyDocumentError(
            f"{name} has {cjk} Chinese characters; a policy document has at least {MIN_CJK_CHARS}", hint="supply the document's full text"
        )


def truncation(lines: list[Line]) -> list[TextWarning]:
    """A warning when the last line stops mid-sentence (a signature, date or file name ends a document too)."""
    if not lines:
        return []
    last = lines[-1]
    text = last.text
    if _COMPLETE_END.search(text) or _DATE_END.search(text) or _FILE_END.search(text):
        return []
    if len(text) <= SIGNATURE_MAX and find_marker(text) is None and (_LABEL.match(text) or not _INNER_PUNCT.search(text)):
        return []
    return [TextWarning("truncated", f"the text ends mid-sentence: …{text[-20:]} (truncated?)", last.end)]


def numbering_gaps(lines: list[Line]) -> list[TextWarning]:
    """A warning where a numbered article, chapter or section skips numbers (a restart at 1 is a new list)."""
    last: dict[str, int] = {}
    warnings: list[TextWarning] = []
    for line in lines:
        marker = find_marker(line.text)
        if marker is None or marker.style not in NUMBERED_STYLES:
            continue
        try:
            number = to_int(marker.number)
        except (ValueError, TypeError):
            continue
        before = last.get(marker.style)
        if before is not None and number > before + 1:
            form = NUMBERED_STYLES[marker.style]
            warnings.append(
                TextWarning(
                    "numbering_gap",
                    f"{line.text[: marker.body_start].strip()} follows "
                    f"{form.format(_cn(before))}: {form.format(_gap(before, number))} missing",
                    line.start,
                )
            )
        last[marker.style] = number
    return warnings


_ATTACHMENT = LABELS["attachment"]


def missing_attachments(lines: list[Line]) -> list[TextWarning]:
    """A warning when the text announces a 附件 and no attachment heading follows the announcement."""
    for i, line in enumerate(lines):
        if _ATTACHMENT_HEADING.match(line.text):
            continue
        found = _ANNOUNCE.search(line.text)
        if found is None:
            continue
        if any(_ATTACHMENT_HEADING.match(later.text) for later in lines[i + 1 :]):
            return []
        at = line.text.index(_ATTACHMENT, found.start())
        return [
            TextWarning(
                "missing_attachment",
                f"a 附件 is announced ({line.text[at : at + 30]}) but the text has no attachment after it",
                line.start + at,
            )
        ]
    return []


def _cn(number: int) -> str:
    return str(cn2an.an2cn(number))


def _gap(before: int, after: int) -> str:
    missing = range(before + 1, after)
    return _cn(missing[0]) if len(missing) == 1 else f"{_cn(missing[0])}–{_cn(missing[-1])}"
