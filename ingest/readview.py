"""The reading view of a clause: its matching form without the noise web copies add.

Aggregator pages insert pinyin glosses after characters (區(qū)) and double
their punctuation (科技局,、高校 / 主管單位,,要); the grammar reads
neither. The view drops them and keeps, for every character it keeps, where
that character stands in the text as stored, so a fact found in the view
still cites the exact characters the user supplied (:func:`to_stored`).
"""

from __future__ import annotations

import re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])（(?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}）")
"""a pinyin gloss after a character, with at least one tone mark (（qū）, not （PDF）)"""
_DOUBLED = re.compile(r"[，、](?=[，、])")
"""the first of two clause marks in a row (，、 or ，，): the second is the one meant"""


def reading_view(text: str) -> tuple[str, list[int]]:
    """``(view, where)``: ``text`` (already in matching form) without glosses and doubled
    marks, and for each view character its index in ``text``."""
    drop: set[int] = set()
    for pattern in (_GLOSS, _DOUBLED):
        for m in pattern.finditer(text):
            drop.update(range(m.start(), m.end()))
    if not drop:
        return text, list(range(len(text)))
    where = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in where), where


def to_stored(start: int, end: int, base: int, where: list[int]) -> tuple[int, int]:
    """A span ``[start, end)`` of document offsets in a view whose text starts at
    document offset ``base``, as offsets into the text as stored."""
    s, e = start - base, end - base
    if e <= s:
        pos = base + (where[s] if s < len(where) else (where[-1] + 1 if where else 0))
        return pos, pos
    return base + where[s], base + where[e - 1] + 1
