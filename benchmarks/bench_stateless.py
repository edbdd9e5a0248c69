"""Search over Neo4j alone (search/neo4j_index.py) beside the embedded index, on the same ingest.

Prints figures (not a test). DIR is a data directory ingested with
``--backend neo4j`` (its local files serve the embedded searcher; the other
searcher reads Neo4j only; NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD name the
server, else DIR's neo4j-dev one):

    policykg ingest --corpus tests/search/qa/corpus --data DIR --backend neo4j
    python benchmarks/bench_stateless.py --data DIR --set tests/search/qa/qa_set.jsonl --split dev

Both searchers share one loaded encoder and every question is embedded once
before timing, so the figures are tokenization, candidate generation
(bm25s and a matrix product, or Lucene and the vector index plus the
candidates' rows, vectors and facts over Bolt), features and the ranker.
Reported: warm ``search`` (k=10) and ``ask`` p50/p95 in ms per backend,
interleaved question by question; on how many questions their top 10 (clause
ids, in order) and their ask answers (the rules' clauses, the abstention)
are the same; the largest difference of a result's score (the dense products
run over the candidates' vectors instead of the whole matrix, so float32
rounding may differ in the last digits).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["clause_id"] for item in items]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--set", dest="qa_set", type=Path, required=True)
    parser.add_argument("--split", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from api.services import open_graph_store, open_searcher
    from search.evaluate import load_qa

    questions = [q["question"] for q in load_qa(args.qa_set, args.split)]
    embedded = open_searcher(args.data, "networkx", open_graph_store(args.data, "networkx"))
    t0 = time.perf_counter()
    conn = [os.environ.get(k) for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD")]  # else DATA's neo4j-dev server
    stateless = open_searcher(args.data, "neo4j", open_graph_store(args.data, "neo4j", *conn), encoder=embedded.encoder)
    ready_ms = (time.perf_counter() - t0) * 1000
    for q in questions:
        embedded.query_vector(q)
    times: dict[str, dict[str, list[float]]] = {name: {"search": [], "ask": []} for name in ("networkx", "neo4j")}
    same_search = same_ask = 0
    gaps: list[float] = []
    for r in range(args.rounds):
        for q in questions:
            answers = {}
            for name, s in (("networkx", embedded), ("neo4j", stateless)):
                ms_search, hits = _ms(lambda: s.search(q, k=10))
                ms_ask, answer = _ms(lambda: s.ask(q))
                times[name]["search"].append(ms_search)
                times[name]["ask"].append(ms_ask)
                answers[name] = (hits, answer)
            if r == 0:
                (hits_e, ask_e), (hits_n, ask_n) = answers["networkx"], answers["neo4j"]
                same_search += _ids(hits_e["results"]) == _ids(hits_n["results"])
                same_ask += (_ids(ask_e["rules"]), ask_e["abstained"]) == (_ids(ask_n["rules"]), ask_n["abstained"])
                gaps += [abs(x["score"] - y["score"]) for x, y in zip(hits_e["results"], hits_n["results"])]
    report = {
        "questions": len(questions),
        "rounds": args.rounds,
        "neo4j_searcher_ready_ms": round(ready_ms, 1),
        "identical_top10": same_search,
        "identical_ask": same_ask,
        "largest_score_gap": max(gaps, default=0.0),
        **{
            f"{name}_{what}_ms": {"p50": _p(v, 0.5), "p95": _p(v, 0.95), "mean": round(statistics.mean(v), 1)}
            for name, t in times.items()
            for what, v in t.items()
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
