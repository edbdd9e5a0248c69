"""Property-based tests: generated numbered outlines parse back faithfully."""

from __future__ import annotations

import cn2an
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse import MAX_CHARS, parse_document

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_words = st.text(_HAN, min_size=2, max_size=12)
_sentence = st.builds(lambda ws, end: "，".join(ws) + end, st.lists(_words, min_size=1, max_size=8), st.sampled_from(["。", "；", "！"]))
_paragraph = st.builds("".join, st.lists(_sentence, min_size=1, max_size=12))


@st.composite
def outlines(draw):
    """A document: 一、 sections with （一） subsections holding 1. items."""
    lines = [draw(_words)]  # title
    expected_items = []
    for i in range(1, draw(st.integers(1, 4)) + 1):
        lines.append(f"{cn2an.an2cn(i)}、{draw(_words)}")
        for j in range(1, draw(st.integers(0, 3)) + 1):
            sub = f"（{cn2an.an2cn(j)}）{draw(_words)}"
            lines.append(sub)
            for k in range(1, draw(st.integers(1, 4)) + 1):
                body = draw(_paragraph)
                lines.append(f"{k}.{body}")
                expected_items.append((i, j, k, sub))
        lines.append(draw(_paragraph))
    sep = draw(st.sampled_from(["\n", "\n\n", "\n\u3000\u3000"]))
    return sep.join(lines) + "\n", expected_items


@settings(max_examples=60, deadline=None)
@given(outlines())
def test_generated_outline_round_trips_and_nests(case):
    text, expected_items = case
    clauses = parse_document("999", text)
    for c in clauses:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= MAX_CHARS
        assert c.path
    # A short numbered line followed by a paragraph reads as a heading (as in
    # 002's "1.推进三大科技城建设。"), a longer one as an item: both nest the same.
    items = {}
    for c in clauses:
        if c.kind in ("item", "heading"):
            items.setdefault(c.clause_id.split("~")[0], c)
    for i, j, k, sub in expected_items:
        c = items[f"999:{i}.{j}.{k}"]
        assert c.path[1] == sub and c.path[0].startswith(f"{cn2an.an2cn(i)}、")


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=2000))
def test_arbitrary_text_never_breaks_offsets(text):
    for c in parse_document("998", text):
        assert text[c.start : c.end] == c.text
        assert 0 < len(c.text) <= MAX_CHARS
