"""政策工具 coding: the documented rules are the coded rules; offsets and masking hold."""

from __future__ import annotations

import re
from pathlib import Path

from overlap_helpers import sources

from graph.policy_tools import CATEGORIES, RULES, code_clause, code_text, mask_names, tool_counts
from ingest.aliases import load_aliases

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy_tools.md"


def _sections() -> dict[str, str]:
    text = DOC.read_text("utf-8")
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    return {p.split(" ", 1)[0]: p for p in parts}


def test_every_rule_is_documented_with_its_exact_pattern() -> None:
    sections = _sections()
    for rule in RULES:
        label = f"{CATEGORIES[rule.category]}:{rule.tool}"
        assert label in sections, f"docs/policy_tools.md lacks a section for {label}"
        assert f"`{rule.pattern}`" in sections[label], f"docs/policy_tools.md shows another pattern for {label}"
    assert set(sections) == {f"{CATEGORIES[r.category]}:{r.tool}" for r in RULES}


def test_every_documented_example_is_a_real_span_coded_as_stated() -> None:
    table = load_aliases()
    for label, body in _sections().items():
        m = re.search(r"example \((\d{3})\): 「(.+?)」", body)
        assert m, f"{label}: no example"
        doc_id, span = m.groups()
        assert span in sources()[doc_id], f"{label}: example not in document {doc_id}"
        assert label in {c.label for c in code_text(span, 0, table)}, f"{label}: example {span!r} is not coded {label}"


def test_headings_are_not_coded_and_offsets_round_trip(documents) -> None:
    table = load_aliases()
    src = sources()
    for doc in documents:
        for clause in doc.clauses:
            coding = code_clause(clause, table)
            if clause.kind not in ("paragraph", "item"):
                assert coding.codes == ()
            for code in coding.codes:
                assert src[doc.doc_id][code.start : code.end] == code.keyword


def test_names_are_masked_without_moving_offsets() -> None:
    table = load_aliases()
    text = "以中关村国家自主创新示范区为主要载体，开展应用示范"
    masked = mask_names(text, table)
    assert len(masked) == len(text) and "示范区" not in masked
    codes = [c for c in code_text(text, 100, table) if c.tool == "示范应用"]
    assert codes and codes[0].keyword == "示范" and codes[0].start == 100 + text.rindex("示范")


def test_counts_per_document_are_consistent(documents) -> None:
    counts = tool_counts(documents)
    assert sorted(counts) == [d.doc_id for d in documents]
    for doc_id, c in counts.items():
        assert 0 < c["coded"] <= c["provisions"]
        assert all(0 <= n <= c["coded"] for n in c["categories"].values())
        for label, n in c["tools"].items():
            assert n <= c["categories"][label.split(":")[0]]
