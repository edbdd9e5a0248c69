"""The shortcuts ingest takes for speed (issue 12, item 1) give what the long way gives.

Each shortcut skips work whose result is known in advance: a regex that cannot
match a text without one of its required characters, a translation table that
changes none of a text's characters, a marker search on a line that cannot
open with a marker.  These tests hold each shortcut to the long way on the
real texts and on generated ones.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import lexicon as L
from ingest.aliases import AliasTable, Entity, Translation, _fold, load_aliases
from ingest.matchform import _translation, match_form
from ingest.normalize import _PATTERNS, time_phrases
from ingest.parse import _ARTIFACT, _MARKER_OPENING, _MARKERS, find_marker, split_lines

ROOT = Path(__file__).resolve().parents[2]


def _real_lines() -> list[str]:
    """Every line of the seeds and the development sets' texts (never the frozen held-out set)."""
    dirs = [ROOT / "corpus", *sorted(p / "corpus" for p in (ROOT / "tests").glob("extraction_dev*"))]
    return [line.text for d in dirs for path in sorted(d.glob("*.txt")) for line in split_lines(path.read_text("utf-8"))]


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    return _real_lines()


# -- required characters --------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "required"),
    [
        (r"(\d{4})年", {"年"}),
        (r"ab|c", {"a", "c"}),
        (r"(?:为期)?(\d+)个月", {"个"}),
        (r"[一二三]+是", {"是"}),
        (r"x?y*", None),
        (r"[^a]b?", None),
        (r"(?i)ab", None),
        (r"(?<!x)\d+", None),
        (r"[\u4e00-\u9fff]{2}", None),
    ],
)
def test_required_chars_of_small_patterns(pattern: str, required: set[str] | None) -> None:
    got = L.required_chars(re.compile(pattern))
    assert (set(got) if got is not None else None) == required


def test_every_time_pattern_match_holds_a_required_char(real_lines: list[str]) -> None:
    for pattern, _fn, needs in _PATTERNS:
        assert needs == L.required_chars(pattern)
        if needs is None:
            continue
        for line in real_lines:
            for m in pattern.finditer(line):
                assert not needs.isdisjoint(m.group(0)), (pattern.pattern, m.group(0))


def _time_phrases_the_long_way(text: str) -> list[tuple[int, int, object]]:
    """:func:`time_phrases` with every pattern run (what the shortcut must equal)."""
    taken: list[tuple[int, int, object]] = []
    for pattern, fn, _needs in _PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, _ in taken):
                meaning = fn(m)
                if meaning is not None:
                    taken.append((m.start(), m.end(), meaning))
    return sorted(taken, key=lambda t: t[0])


def test_time_phrases_equal_the_long_way(real_lines: list[str]) -> None:
    found = 0
    for line in real_lines:
        got = time_phrases(line)
        assert got == _time_phrases_the_long_way(line), line
        found += len(got)
    assert found > 500  # the texts do hold time phrases


_TIME_ALPHABET = "年月日天个季度每半期前后内底末至到截为是工作近连续当本上下去今按自从之起公布印发" + "0123456789一二三四五十，。、“”（）"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TIME_ALPHABET, max_size=24))
def test_time_phrases_equal_the_long_way_on_generated_text(text: str) -> None:
    assert time_phrases(text) == _time_phrases_the_long_way(text)


# -- translations -----------------------------------------------------------------
@pytest.mark.parametrize("translation", [_fold(), _translation()], ids=["fold", "match form"])
def test_translation_equals_str_translate(translation: Translation, real_lines: list[str]) -> None:
    changed = [chr(k) for k, v in translation.table.items() if k != v]
    samples = [*real_lines, "".join(changed[:50]), "北京市科技局（試行）,:;", "\U00020000壹", ""]
    for text in samples:
        assert translation(text) == text.translate(translation.table)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_translation_equals_str_translate_on_any_text(text: str) -> None:
    for translation in (_fold(), _translation()):
        assert translation(text) == text.translate(translation.table)


# -- markers ------------------------------------------------------------------------
def _opens_with_marker(line: str) -> bool:
    form = match_form(line)
    skip = _ARTIFACT.match(form)
    rest = form[skip.end() :] if skip else form
    return skip is not None or any(p.match(rest) for _s, _l, p in _MARKERS)


def test_a_line_with_a_marker_opens_with_a_marker_opening(real_lines: list[str]) -> None:
    """The first-character test of find_marker lets through every line that holds a marker."""
    variants = ["第三條", "(一)", "（１）", "１．", "1.", "重点任务 3", "[bookmark: _GoBack]第一条", "十二、", "〇、"]
    marked = [line for line in [*real_lines, *variants] if _opens_with_marker(line)]
    assert len(marked) > 500
    for line in marked:
        assert _MARKER_OPENING.match(match_form(line[:1])), line
        assert find_marker(line) is not None or _ARTIFACT.match(match_form(line)), line


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="第一二十百零〇两三章条、（）().．1２3重点任务 \t[bookmark:_GoBack]是款項條", max_size=10))
def test_marker_opening_lets_every_marker_through_on_generated_lines(line: str) -> None:
    if _opens_with_marker(line):
        assert _MARKER_OPENING.match(match_form(line[:1]))


# -- lexicon ---------------------------------------------------------------------------
def test_lexicon_reads_as_the_pure_python_loader_reads_it() -> None:
    """libyaml's parser (when PyYAML has it) builds the same values as PyYAML's own."""
    import yaml

    for path in sorted(L.LEXICON_DIR.glob("*.yaml")):
        assert L.lexicon()[path.stem] == (yaml.safe_load(path.read_text("utf-8")) or {}), path.name


# -- alias tables -----------------------------------------------------------------------
def _own_automaton(table: AliasTable) -> AliasTable:
    """``table`` finding mentions with an automaton of its own surfaces (the long way)."""
    plain = copy.copy(table)
    plain._root = None
    plain._reset()
    return plain


def test_derived_tables_find_what_their_own_automaton_finds(real_lines: list[str]) -> None:
    """A table derived from another finds mentions with its root's automaton and one over
    the surfaces the root lacks, minus those it does not have: the same mentions."""
    base = load_aliases()
    extended = base.extend([Entity("Organization", "沧州市科学技术局", aliases=("沧州市科技局",)), Entity("Role", "项目专员")])
    derived = [extended, extended.extend([Entity("PlatformType", "沧州市技术创新中心")]), base.elsewhere(), extended.elsewhere()]
    assert all(t._root is base for t in derived)
    assert derived[2]._automata()[1]  # elsewhere drops surfaces the root has
    for table in derived:
        plain = _own_automaton(table)
        for line in [*real_lines, "沧州市科技局和项目专员应当于沧州市技术创新中心…", "市科委 AI maintain"]:
            assert table.find_mentions(line) == plain.find_mentions(line), line


# -- text checks ------------------------------------------------------------------------
def test_control_regex_is_unicode_category_cc() -> None:
    """refuse_junk finds control characters by regex: exactly the characters of category Cc."""
    import sys
    import unicodedata

    from ingest.text_checks import _CONTROL

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        assert (_CONTROL.fullmatch(ch) is not None) == (unicodedata.category(ch) == "Cc"), hex(cp)
