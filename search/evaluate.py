"""`policykg eval qa`: retrieval and abstention quality on a QA set with gold spans.

One run, one process, one set of clauses: the system (hybrid ranking with
the learned weights of search/ranker.json, and ``ask`` for abstention and
answers), the first release's hand-set weights over the same features, a
plain BM25 baseline (the same jieba tokens and BM25 index, the raw
question, nothing else) and a dense-only baseline (the same e5 vectors,
cosine only). A result hits when its clause text contains one of the
question's gold spans (SPEC §5).

Reported: Recall@1, Recall@5, MRR@10 over the answerable questions, the same
per question type; abstention (how many unanswerable questions abstained,
how many answerable ones wrongly did) for the classifier, for the
baseline classifier shipped beside it (the recipe before issue 14's
calibrated abstention) and for the hand-set rule; the answer: whether the first rule's answer sentence holds a
gold span and how many characters it gives beyond it; and the mean length
of the returned clause texts (top 5), because long "clauses" would make
recall cheap.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.convert import drop_glosses

from .errors import QASetError
from .service import DENSE_ONLY, HAND, HYBRID, PLAIN_BM25, RankConfig, Searcher, check_query

RETURNED = 5
"""How many results count as 'returned' for the mean text length."""


def load_qa(path: Path | str, split: str | None = None) -> list[dict[str, Any]]:
    """The questions of a JSON Lines QA file (``id``, ``type``, ``question``, ``gold_spans``),
    only those of ``split`` (train / dev / test) when given."""
    path = Path(path)
    if not path.is_file():
        raise QASetError(f"QA set {path} not found", hint="pass --set FILE (JSON Lines, one question per line)")
    items = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise QASetError(f"{path}:{n} is not JSON: {err.msg}") from err
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise QASetError(f"{path}:{n} has no `question` string")
        item.setdefault("id", f"line{n}")
        item.setdefault("type", "unknown")
        item["gold_spans"] = [drop_glosses(g) for g in item.get("gold_spans") or []]  # as the corpus text is stored
        if split is None or item.get("split") == split:
            items.append(item)
    if not items:
        raise QASetError(f"{path} holds no questions" + (f" in split {split!r}" if split else ""))
    return items


def is_hit(text: str, spans: Sequence[str]) -> bool:
    """A clause answers when it contains one of the gold spans."""
    return any(s and s in text for s in spans)


def first_hit_rank(texts: Sequence[str], spans: Sequence[str]) -> int | None:
    """1-based rank of the first hit, or None."""
    for rank, text in enumerate(texts, 1):
        if is_hit(text, spans):
            return rank
    return None


def ranking_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1, Recall@5 and MRR@10 from first-hit ranks (None = no hit in 10)."""
    n = len(ranks)
    if n == 0:
        return {"n": 0, "recall@1": 0.0, "recall@5": 0.0, "mrr@10": 0.0}
    return {
        "n": n,
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "mrr@10": round(sum(1.0 / r for r in ranks if r is not None and r <= 10) / n, 4),
    }


def evaluate_ranking(searcher: Searcher, qa: Sequence[dict[str, Any]], config: RankConfig) -> dict[str, Any]:
    """Metrics of one ranking configuration over the answerable questions."""
    ranks: dict[str, int | None] = {}
    by_type: dict[str, list[int | None]] = defaultdict(list)
    lengths: list[int] = []
    for item in qa:
        if not item["gold_spans"]:
            continue
        ranked = searcher.rank(item["question"], config)[:10]
        texts = [searcher.index.rows[i].text for i, _ in ranked]
        lengths += [len(t) for t in texts[:RETURNED]]
        r = first_hit_rank(texts, item["gold_spans"])
        ranks[item["id"]] = r
        by_type[item["type"]].append(r)
    out: dict[str, Any] = ranking_metrics(list(ranks.values()))
    out["per_type"] = {t: ranking_metrics(rs) for t, rs in sorted(by_type.items())}
    out["mean_returned_chars"] = round(sum(lengths) / len(lengths), 1) if lengths else 0.0
    out["misses@5"] = sorted(q for q, r in ranks.items() if r is None or r > 5)
    return out


def evaluate_answers(searcher: Searcher, qa: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``ask`` on every question: abstention (classifier and hand-set rule) and answer spans.

    An answer *hits* when the answer sentence of its first rule contains a gold
    span; ``extra_chars`` is how much longer than that span it is (what the
    reader must read beyond the answer).
    """
    from .answer import answer, assess, hand_abstains, rule_abstains

    baseline = searcher.ranker.abstention_baseline
    rows = []  # (item, ask's answer, {"hand": the hand-set rule abstains, "baseline": the baseline model does})
    for item in qa:
        q = check_query(item["question"])
        analysis = searcher.analyze(q)
        scored = searcher.scored(q, analysis, HYBRID)
        assessed = assess(searcher, analysis, scored)
        x = assessed[1]
        others = {"hand": hand_abstains(x), "baseline": baseline is not None and (rule_abstains(x) or baseline.abstains(x))}
        rows.append((item, answer(searcher, q, analysis, scored, assessed), others))
    negatives = [(i, o, h) for i, o, h in rows if not i["gold_spans"]]
    positives = [(i, o, h) for i, o, h in rows if i["gold_spans"]]

    def rates(by: str | None) -> dict[str, Any]:
        neg = [i["id"] for i, o, h in negatives if (h[by] if by else o["abstained"])]
        pos = [i["id"] for i, o, h in positives if (h[by] if by else o["abstained"])]
        return {
            "unanswerable": len(negatives),
            "abstained_on_unanswerable": len(neg),
            "answerable": len(positives),
            "abstained_on_answerable": len(pos),
            "abstention_rate": round(len(neg) / len(negatives), 4) if negatives else None,
            "false_abstention_rate": round(len(pos) / len(positives), 4) if positives else None,
            "wrongly_abstained": pos,
            "missed_abstentions": sorted(set(i["id"] for i, _, _ in negatives) - set(neg)),
            "accuracy": round((len(neg) + len(positives) - len(pos)) / len(rows), 4) if rows else 0.0,
        }

    by_type: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    for item, out, _ in positives:
        span = out["rules"][0]["answer_span"]["text"] if out["rules"] else ""
        golds = [g for g in item["gold_spans"] if g in span]
        extra = len(span) - max(len(g) for g in golds) if golds else 0
        by_type[item["type"]].append((bool(golds), extra))

    def span_metrics(rs: list[tuple[bool, int]]) -> dict[str, Any]:
        hits = [e for h, e in rs if h]
        return {
            "n": len(rs),
            "hit_rate": round(len(hits) / len(rs), 4) if rs else 0.0,
            "mean_extra_chars": round(sum(hits) / len(hits), 1) if hits else None,
        }

    every = [r for rs in by_type.values() for r in rs]
    return {
        "abstention": rates(None),
        "abstention_baseline": rates("baseline") if baseline is not None else None,
        "abstention_hand": rates("hand"),
        "answer_span": {**span_metrics(every), "per_type": {t: span_metrics(rs) for t, rs in sorted(by_type.items())}},
    }


def evaluate(searcher: Searcher, qa_path: Path | str, split: str | None = None) -> dict[str, Any]:
    """The full report: system, both baselines, abstention, ratio to BM25, timing."""
    qa = load_qa(qa_path, split)
    t0 = time.perf_counter()
    system = evaluate_ranking(searcher, qa, HYBRID)
    hand = evaluate_ranking(searcher, qa, HAND)
    bm25 = evaluate_ranking(searcher, qa, PLAIN_BM25)
    dense = evaluate_ranking(searcher, qa, DENSE_ONLY)
    answers = evaluate_answers(searcher, qa)
    ratio = round(system["recall@5"] / bm25["recall@5"], 3) if bm25["recall@5"] else None
    return {
        "set": str(qa_path),
        "split": split,
        "questions": len(qa),
        "clauses": len(searcher.index.rows),
        "system": {**system, **answers},
        "baselines": {"hand": hand, "bm25": bm25, "dense": dense},
        "recall@5_vs_bm25": ratio,
        "seconds": round(time.perf_counter() - t0, 2),
    }
