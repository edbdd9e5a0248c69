"""The QA set of tests/search/qa (issue 14): its form, its quotas and its split.

Only the form is checked here; the set's figures are in test_learn.py.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import yaml

QA = Path(__file__).with_name("qa")
TYPES = {"applicability", "obligation", "deadline", "funding", "sanction", "fact", "negative"}
STYLES = {"zh", "en", "keyword", "colloquial"}


def _items() -> list[dict]:
    return [json.loads(line) for line in (QA / "qa_set.jsonl").read_text("utf-8").splitlines() if line.strip()]


def _sources() -> dict[str, str]:
    manifest = yaml.safe_load((QA / "corpus" / "sources.yaml").read_text("utf-8"))
    return {d["id"]: (QA / "corpus" / d["file"]).read_text("utf-8") for d in manifest["documents"]}


def test_every_gold_span_is_an_exact_substring_of_its_document() -> None:
    sources = _sources()
    for q in _items():
        assert q["type"] in TYPES and q["style"] in STYLES, q["id"]
        if q["type"] == "negative":
            assert q["gold_doc"] is None and q["gold_spans"] == [], q["id"]
            continue
        assert q["gold_spans"], q["id"]
        for span in q["gold_spans"]:
            assert "\n" not in span and span in sources[q["gold_doc"]], f"{q['id']}: {span!r} not in {q['gold_doc']}"


def test_quotas_of_the_issue() -> None:
    """≥ 300 questions, ≥ 20 % English, ≥ 10 % keyword-only, ≥ 10 % colloquial,
    ≥ 40 unanswerable, every document asked about, several writers."""
    items = _items()
    n = len(items)
    styles = Counter(q["style"] for q in items)
    assert n >= 300 and len({q["id"] for q in items}) == n
    assert styles["en"] >= 0.2 * n and styles["keyword"] >= 0.1 * n and styles["colloquial"] >= 0.1 * n
    assert sum(q["type"] == "negative" for q in items) >= 40
    assert {q["gold_doc"] for q in items if q["gold_doc"]} == set(_sources())
    assert len({q["writer"] for q in items}) >= 4


def test_split_once_by_section() -> None:
    """train / dev / test near 60 / 20 / 20, and no section shared between splits."""
    items = _items()
    splits = Counter(q["split"] for q in items)
    assert set(splits) == {"train", "dev", "test"}
    assert abs(splits["train"] / len(items) - 0.6) < 0.05
    by_section: dict[str, set[str]] = defaultdict(set)
    for q in items:
        by_section[q["section"]].add(q["split"])
    assert all(len(s) == 1 for s in by_section.values())
    for split in splits:
        assert sum(q["type"] == "negative" for q in items if q["split"] == split) >= 8
