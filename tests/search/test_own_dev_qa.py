"""The project's own QA set (tests/search/own_dev_qa.jsonl) through the real system.

It was written as a held-out set, but fixes were then developed against it,
so it is development data now (renamed from heldout_qa.jsonl); a fresh
held-out question set is issue 14's.  It was written after the shared dev set,
from the five documents (same six kinds, Chinese
and English, keyword-style, unanswerable questions) without looking at the
system's answers, so it catches overfitting and regressions the dev numbers
hide. The floors sit slightly below what the system reached when the set was
added (R@1 0.818, R@5 0.977, MRR@10 0.894, 5/5 abstentions, 0 false ones,
R@5 1.344x BM25; see the report of that change).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HELDOUT = Path(__file__).with_name("own_dev_qa.jsonl")
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TYPES = {"applicability", "obligation", "deadline", "funding", "fact", "negative"}


def _items() -> list[dict]:
    return [json.loads(line) for line in HELDOUT.read_text("utf-8").splitlines() if line.strip()]


def test_gold_spans_are_exact_source_substrings() -> None:
    """Every gold span occurs verbatim in its gold document; negatives have none."""
    sources = {p.name[:3]: p.read_text("utf-8") for p in CORPUS.glob("0*.txt")}
    items = _items()
    assert len(items) >= 40 and len({q["id"] for q in items}) == len(items)
    assert {q["type"] for q in items} == TYPES
    for q in items:
        if q["type"] == "negative":
            assert q["gold_doc"] is None and q["gold_spans"] == [], q["id"]
            continue
        assert q["gold_spans"], q["id"]
        for span in q["gold_spans"]:
            assert span in sources[q["gold_doc"]], f"{q['id']}: {span!r} not in {q['gold_doc']}"


@pytest.mark.slow
def test_heldout_floors(ingested_data: Path) -> None:
    from graph.store import open_store
    from search.evaluate import evaluate
    from search.service import Searcher

    report = evaluate(Searcher(ingested_data, open_store(ingested_data)), HELDOUT)
    system, abst = report["system"], report["system"]["abstention"]
    summary = json.dumps({k: system[k] for k in ("recall@1", "recall@5", "mrr@10", "misses@5")} | {"abstention": abst})
    assert system["recall@1"] >= 0.77, summary
    assert system["recall@5"] >= 0.93, summary
    assert system["mrr@10"] >= 0.85, summary
    assert report["recall@5_vs_bm25"] >= 1.28, summary
    assert system["mean_returned_chars"] < 300, summary
    assert abst["abstained_on_unanswerable"] >= 4, summary
    assert abst["abstained_on_answerable"] <= 1, summary
