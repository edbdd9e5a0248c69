"""Search benchmarks: warm search/ask latency, query embedding, memory, bm25s vs rank_bm25.

Prints figures (not a test). Run on the real ingested corpus and on a
synthetic index made by benchmarks/synth_corpus.py:

    python benchmarks/bench_search.py --data .policykg
    python benchmarks/synth_corpus.py --data .policykg --n 100000 --out /tmp/synth100k
    python benchmarks/bench_search.py --data .policykg --index /tmp/synth100k

What is measured:

* query embedding: e5 ``encode_queries`` of each question, on its own;
* warm ``search`` (k=10) and ``ask`` p50/p95 with the query embedding
  excluded (each question is embedded once first; the Searcher memoizes it),
  so the figure is tokenization + BM25 + dense matmul + fusion + boosts;
* peak resident memory of the process (``ru_maxrss``);
* BM25 library comparison on the same tokens: index build time and
  per-query scoring time of bm25s (the one used) and rank_bm25
  (``BM25Okapi``), plus the largest score difference between bm25s in its
  rank_bm25-compatible configuration and rank_bm25 (should be ~0).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUESTIONS = [
    "高精尖中心多久要组织一次国际同行评估？",
    "技术创新中心的年度报告什么时候报送？",
    "依托高校要履行哪些职责？",
    "高精尖中心每年的经费有多少？",
    "技术创新中心考核不合格会怎样？",
    "申请北京市技术创新中心需要什么条件？",
    "市属高校青年教师可以申请什么项目？",
    "预算调整要报哪个部门备案？",
    "北京实验室 建设 布局",
    "学术不端 诚信 机制",
    "What must the host university of an Advanced Innovation Center report?",
    "Which facilities will Huairou Science City host?",
    "国家技术创新中心每年能拿到多少经费？",
    "卓越青年科学家计划 年龄",
    "高精尖计划领导小组办公室设在哪里？",
    "基础研究经费包干制",
    "科研项目里程碑考核",
    "技术创新中心依托单位的职责",
    "哲学社会科学研究基地建设",
    "绩效目标由谁制定？",
]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


CPU_MS: list[float] = []
"""Process CPU time of each timed call (all threads): on a shared, loaded machine
wall time includes waiting for a core, CPU time does not."""


def timed(fn, *args) -> float:
    c0, t0 = time.process_time(), time.perf_counter()
    fn(*args)
    CPU_MS.append((time.process_time() - c0) * 1000.0)
    return (time.perf_counter() - t0) * 1000.0


def bm25_comparison(docs: list[list[str]], queries: list[list[str]]) -> dict[str, float]:
    """Index and scoring time of bm25s vs rank_bm25 on the same token lists."""
    import bm25s
    import rank_bm25

    out: dict[str, float] = {}
    t0 = time.perf_counter()
    ours = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="robertson")
    ours.index(docs, show_progress=False)
    out["bm25s_index_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = rank_bm25.BM25Okapi(docs, k1=1.5, b=0.75, epsilon=0.0)
    out["rank_bm25_index_s"] = time.perf_counter() - t0
    qs = [[t for t in q if t in ours.vocab_dict] for q in queries]
    qs = [q for q in qs if q]
    a = [timed(ours.get_scores, q) for q in qs]
    b = [timed(ref.get_scores, q) for q in qs[:5]]  # rank_bm25 is slow at 100k: 5 queries suffice
    out["bm25s_query_ms_p50"] = pct(a, 50)
    out["rank_bm25_query_ms_p50"] = pct(b, 50)
    out["max_abs_score_diff"] = max(float(np.abs(ours.get_scores(q) - ref.get_scores(q)).max()) for q in qs[:5])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(".policykg"), help="data dir (model + ingested store)")
    ap.add_argument("--index", type=Path, default=None, help="a search index dir (e.g. a synthetic one)")
    ap.add_argument("--rounds", type=int, default=5, help="timed repetitions of the question list")
    ap.add_argument("--no-bm25-compare", action="store_true")
    args = ap.parse_args(argv)

    from search.index import index_tokens
    from search.service import Searcher

    t0 = time.perf_counter()
    store = None
    if args.index is None:
        from graph.store import open_store

        store = open_store(args.data)
    s = Searcher(args.data, store, index_dir=args.index)
    load_s = time.perf_counter() - t0
    n = len(s.index.rows)

    embed = [timed(s.encoder.encode_queries, [q]) for q in QUESTIONS]  # first pass also warms torch
    embed = [timed(s.encoder.encode_queries, [q]) for q in QUESTIONS]
    for q in QUESTIONS:  # memoize the query vectors: timings below exclude embedding
        s.query_vector(q)
        s.search(q)

    def cold(fn, *a):  # forget the dense scores of the previous call: time the full work
        s._last_dense = None
        return timed(fn, *a)

    CPU_MS.clear()
    search_ms = [cold(s.search, q, 10) for _ in range(args.rounds) for q in QUESTIONS]
    search_cpu = list(CPU_MS)
    CPU_MS.clear()
    ask_ms = [cold(s.ask, q) for _ in range(args.rounds) for q in QUESTIONS]
    ask_cpu = list(CPU_MS)
    dense_ms = [timed(s.index.dense, s.query_vector(q)) for q in QUESTIONS for _ in range(args.rounds)]

    report = {
        "clauses": n,
        "sentence_vectors": int(s.index.pieces.shape[0]),
        "load_s": round(load_s, 2),
        "query_embedding_ms": {"p50": round(pct(embed, 50), 1), "p95": round(pct(embed, 95), 1)},
        "search_ms_excl_embedding": {"p50": round(pct(search_ms, 50), 2), "p95": round(pct(search_ms, 95), 2)},
        "ask_ms_excl_embedding": {"p50": round(pct(ask_ms, 50), 2), "p95": round(pct(ask_ms, 95), 2)},
        "search_cpu_ms": {"p50": round(pct(search_cpu, 50), 2), "p95": round(pct(search_cpu, 95), 2)},
        "ask_cpu_ms": {"p50": round(pct(ask_cpu, 50), 2), "p95": round(pct(ask_cpu, 95), 2)},
        "load_average_1m": round(os.getloadavg()[0], 2),
        "dense_matmul_ms": {"p50": round(pct(dense_ms, 50), 2), "p95": round(pct(dense_ms, 95), 2)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "timed_queries": len(search_ms),
    }
    if not args.no_bm25_compare:
        docs = [index_tokens(s.tokenizer, r) for r in s.index.rows]
        queries = [s.tokenizer.tokenize(q) for q in QUESTIONS]
        report["bm25_libraries"] = {k: round(v, 4) for k, v in bm25_comparison(docs, queries).items()}
    report["mean_search_ms_check"] = round(statistics.mean(search_ms), 2)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
