"""Query encoder and start-up benchmark (issue 16, item 4): torch vs the int8 ONNX export.

Prints figures (not a test). Two parts, each a comparison taken within one
run, because the machine is shared and absolute times drift with its load:

* **encoder**: the torch encoder (``Encoder(queries="torch")``, what search
  used before) and the int8 ONNX one (``Encoder(queries="onnx")``), loaded in
  one process, embedding the QA set's dev questions plus bench_search's
  questions one at a time, the two interleaved question by question; p50/p95
  of each and the ratio. Agreement: cosine min/mean between the two on those
  questions (``query: ``) and on real clauses of the data directory's index
  (``passage: ``, with their headings, as ingest embeds them); and passage
  throughput in batches of 32 (why ingest keeps torch or not).
* **start** (``--index DIR``, e.g. a synthetic 100k index made by
  benchmarks/bench_scale.py or synth_corpus.py): a fresh process per sample
  that imports the library, builds a ``Searcher`` over that index and runs one
  search; "ready" is import + construction, "first search" the one after
  (which now reads the clause keys, the PCA projection and the title vectors
  on first use). ``--baseline REV`` runs the same timing over a worktree of
  git revision REV (the code before this change), alternating with the
  current code sample by sample.

    python benchmarks/bench_encoder.py --data .policykg
    python benchmarks/bench_encoder.py --data .policykg --index /tmp/bscale/index-100000 --baseline 6816469
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_search import QUESTIONS  # noqa: E402

QA_SET = REPO / "tests" / "search" / "qa" / "qa_set.jsonl"

START_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from search.service import Searcher
s = Searcher(sys.argv[1], None, index_dir=Path(sys.argv[2]))
ready = time.perf_counter() - t0
t1 = time.perf_counter()
s.search("高精尖中心多久要组织一次国际同行评估？", 10)
first = time.perf_counter() - t1
print(json.dumps({"ready_s": ready, "first_search_s": first, "engine": getattr(s.encoder, "query_engine", "torch")}))
"""


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


def dev_questions() -> list[str]:
    items = [json.loads(line) for line in QA_SET.read_text("utf-8").splitlines() if line.strip()]
    return [it["question"] for it in items if it.get("split") == "dev"]


def clause_texts(data: Path, n: int) -> list[str]:
    """Up to ``n`` real clauses of the data directory's index, as ingest embeds them."""
    from ingest.pipeline import current_store
    from search.index import SEARCH_DIR, passage_text
    from search.service import SearchIndex

    try:
        index = SearchIndex.load(current_store(data) / SEARCH_DIR)
    except Exception:  # no ingested store: the QA corpus questions alone
        return []
    step = max(1, len(index.rows) // n)
    return [passage_text(index.rows[i]) for i in range(0, len(index.rows), step)][:n]


def encoder_figures(data: Path, rounds: int, clauses: int) -> dict[str, Any]:
    from search.dense import Encoder
    from search.model_home import model_dir_for

    model = model_dir_for(data)
    t0 = time.perf_counter()
    torch_enc = Encoder(model, queries="torch")
    torch_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    onnx_enc = Encoder(model, queries="onnx", lazy=True)
    onnx_enc.encode_queries(["warm"])
    onnx_load = time.perf_counter() - t0
    questions = dev_questions() + QUESTIONS
    torch_enc.encode_queries(questions[:5])  # warm both
    onnx_enc.encode_queries(questions[:5])
    times: dict[str, list[float]] = {"torch": [], "onnx": []}
    for _ in range(rounds):
        for q in questions:
            for name, enc in (("torch", torch_enc), ("onnx", onnx_enc)):
                t = time.perf_counter()
                enc.encode_queries([q])
                times[name].append((time.perf_counter() - t) * 1000)
    q_cos = np.sum(torch_enc.encode_queries(questions) * onnx_enc.encode_queries(questions), axis=1)
    texts = clause_texts(data, clauses)
    report: dict[str, Any] = {
        "questions": len(questions),
        "timed_per_engine": len(times["torch"]),
        "torch_ms": {"p50": round(pct(times["torch"], 50), 1), "p95": round(pct(times["torch"], 95), 1)},
        "onnx_int8_ms": {"p50": round(pct(times["onnx"], 50), 1), "p95": round(pct(times["onnx"], 95), 1)},
        "speedup_p50": round(pct(times["torch"], 50) / max(pct(times["onnx"], 50), 1e-9), 2),
        "speedup_p95": round(pct(times["torch"], 95) / max(pct(times["onnx"], 95), 1e-9), 2),
        "query_cosine": {"min": round(float(q_cos.min()), 4), "mean": round(float(q_cos.mean()), 4)},
        "load_s": {"torch": round(torch_load, 2), "onnx_int8": round(onnx_load, 2)},
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    if texts:
        t = time.perf_counter()
        tp = torch_enc.encode_passages(texts)
        torch_s = time.perf_counter() - t
        t = time.perf_counter()
        op = onnx_enc.encode_transient_passages(texts)
        onnx_s = time.perf_counter() - t
        p_cos = np.sum(tp * op, axis=1)
        report["clauses"] = len(texts)
        report["passage_cosine"] = {"min": round(float(p_cos.min()), 4), "mean": round(float(p_cos.mean()), 4)}
        report["passages_per_s"] = {"torch": round(len(texts) / torch_s, 1), "onnx_int8": round(len(texts) / onnx_s, 1)}
    return report


def start_sample(tree: Path, data: Path, index: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", START_PROBE, str(data), str(index)], env=env, cwd=tree, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_figures(data: Path, index: Path, samples: int, baseline: str | None) -> dict[str, Any]:
    trees: dict[str, Path] = {"current": REPO}
    tmp = None
    if baseline:
        tmp = Path(tempfile.mkdtemp(prefix="bench-encoder-base-")) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-f", "--detach", str(tmp), baseline], check=True, capture_output=True)
        trees = {"baseline": tmp, "current": REPO}
    try:
        got: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for name, tree in trees.items():  # one unmeasured run each: the page cache holds the index for all
            start_sample(tree, data, index)
        for _ in range(samples):
            for name, tree in trees.items():
                got[name].append(start_sample(tree, data, index))
    finally:
        if tmp is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tmp)], check=False, capture_output=True)
    out: dict[str, Any] = {"index": str(index), "samples": samples, "baseline_rev": baseline}
    for name, rows in got.items():
        out[name] = {
            "engine": rows[0]["engine"],
            "ready_s": {"median": round(pct([r["ready_s"] for r in rows], 50), 2), "max": round(max(r["ready_s"] for r in rows), 2)},
            "first_search_s": {"median": round(pct([r["first_search_s"] for r in rows], 50), 2)},
        }
    if "baseline" in out:
        out["ready_ratio"] = round(out["baseline"]["ready_s"]["median"] / max(out["current"]["ready_s"]["median"], 1e-9), 2)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(".policykg"), help="data dir (model + ingested store)")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes over the questions")
    ap.add_argument("--clauses", type=int, default=200, help="real clauses for the passage cosine and throughput")
    ap.add_argument("--index", type=Path, default=None, help="a search index dir to time start-up over (e.g. synthetic 100k)")
    ap.add_argument("--samples", type=int, default=5, help="start-up samples per code version")
    ap.add_argument("--baseline", default=None, help="git revision to compare start-up with (a temporary worktree)")
    ap.add_argument("--no-encoder", action="store_true", help="only the start-up part")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count()}
    if not args.no_encoder:
        report["encoder"] = encoder_figures(args.data, args.rounds, args.clauses)
    if args.index is not None:
        report["start"] = start_figures(args.data.resolve(), args.index.resolve(), args.samples, args.baseline)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
