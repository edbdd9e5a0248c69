"""The form every extractor reads a text in, one character for one.

Web copies write `, ; : ( )` where the grammar expects Chinese marks, and some
sources are in traditional characters.  Matching on a translated copy keeps
every offset valid for the text as stored, so facts still cite the exact
characters the user supplied.
"""

from __future__ import annotations

import functools
import re

from . import lexicon as L
from .aliases import Translation, t2s_table


@functools.lru_cache(maxsize=1)
def _translation() -> Translation:
    table = dict(t2s_table())
    table.update({ord(k): ord(v) for k, v in L.mapping("extraction.match_punctuation").items()})
    return Translation(table)


_GROUPED_DIGITS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


_LONG = 20_000
"""Texts this long (a whole document) are read in matching form by several
steps in turn; the last two are kept rather than translated again."""


def match_form(text: str) -> str:
    """Simplified characters and Chinese punctuation; same length as ``text``.
    A comma that groups digits (1,000万元) stays a comma: it ends no clause; a
    period between Chinese words is a full stop; a letter O inside a number is a zero."""
    if len(text) >= _LONG:
        return _long_match_form(text)
    return _match_form(text)


@functools.lru_cache(maxsize=2)
def _long_match_form(text: str) -> str:
    return _match_form(text)


_CJK_PERIOD = re.compile(r"(?<=[\u4e00-\u9fff）)])\.(?=[\u4e00-\u9fff（(])")
"""an ASCII period between Chinese words (…技术路线等.第三十三条.每个项目…, a scrambled
web copy) ends a sentence; between digits or after an item number (1.) it does not"""


_LETTER_ZERO = re.compile(r"(?<=\d)[Oo](?=\d|[万元%])")
"""a letter O typed for a zero in a number (5O万元, 5O%)"""


def _match_form(text: str) -> str:
    out = _translation()(text)
    if "," not in text and "." not in text and "O" not in text and "o" not in text:
        return out
    chars = list(out)
    for m in _GROUPED_DIGITS.finditer(text):
        chars[m.start()] = ","
    for m in _CJK_PERIOD.finditer(text):
        chars[m.start()] = "。"
    for m in _LETTER_ZERO.finditer(text):
        chars[m.start()] = "0"
    return "".join(chars)
