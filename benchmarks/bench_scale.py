"""Scale benchmark: graph queries, search and ask at N clauses on both backends, and Neo4j load speed.

Prints figures (not a test). For ``--clauses N``:

* the graph: the real store's documents, clauses and facts copied under new
  document ids until there are N clauses (bench_neo4j.synthetic_graph);
* the search index: N synthetic clauses (synth_corpus.synthesize: real
  clauses with their entities swapped, real jieba + bm25s, perturbed real
  vectors), written once per N under ``--work``;
* networkx: the embedded store over that graph; neo4j: a neo4j-dev server
  of its own under ``--work`` (started and stopped here), the graph loaded
  with the ingest step's code (``graph.neo4j_store.load_graph``), then loaded
  again unchanged;
* per backend, warm p95 of obligations, deadlines, entity and rules_for (the
  same question repeated: both stores keep answers, the Neo4j one per
  generation), and of search and ask with the query embedding excluded
  (questions embedded first); on Neo4j also ``…_distinct_p95_ms`` (a store
  that keeps no answer: every call asks the server, with the fact rows it
  keeps warm) and ``…_cold_p95_ms`` (a new store for every call: nothing
  kept, as a question first asked after a new generation), when the library
  has them;
* the Neo4j load is a first load: the database is emptied before it;
* ``--baseline REV``: the same measurements by the library as it was at git
  revision REV (a worktree; this script run against it), printed beside the
  current figures with ratios.

    python benchmarks/bench_scale.py --clauses 100000 --json
    python benchmarks/bench_scale.py --clauses 10000 --baseline 5503046

With ``--json`` exactly one JSON object is printed:
``{"clauses", "networkx": {…_p95_ms}, "neo4j": {…_p95_ms, "load_rows_per_s",
"reload_unchanged_s"}, "baseline": {"networkx", "neo4j"} | null, …}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO))
BENCH_FILES = ("bench_scale.py", "bench_neo4j.py", "bench_neo4j_load.py", "synth_corpus.py")
"""This script and the benchmark code it uses, copied into a baseline worktree."""

QUESTIONS = [
    "高精尖中心多久要组织一次国际同行评估？",
    "技术创新中心的年度报告什么时候报送？",
    "依托高校要承担哪些职责？",
    "高精尖中心每年能拿多少经费？",
    "What happens to a Beijing technology innovation center that fails its evaluation?",
    "北京实验室 考核 周期",
]
STORE_QUERIES: dict[str, Callable[[Any], Any]] = {
    "obligations": lambda s: s.obligations("高精尖中心"),
    "deadlines": lambda s: s.deadlines("北京市技术创新中心"),
    "entity": lambda s: s.entity("市教委"),
    "rules_for": lambda s: s.rules_for("高精尖中心", "报送"),
}


def p95(fn: Callable[[], Any], repeat: int) -> float:
    """Warm p95 in milliseconds (bench_neo4j.timed: one untimed call first)."""
    from bench_neo4j import timed

    return timed(fn, repeat)["p95_ms"]


def uncached_figures(store_for: Callable[[int], Any], repeat: int) -> dict[str, float]:
    """p95 of the graph questions on a store that keeps no answer (distinct) and on a new store per call (cold)."""
    distinct = store_for(0)
    out = {f"{name}_distinct_p95_ms": p95(lambda: q(distinct), repeat) for name, q in STORE_QUERIES.items()}
    out.update({f"{name}_cold_p95_ms": p95(lambda: q(store_for(0)), repeat) for name, q in STORE_QUERIES.items()})
    return {k: round(v, 2) for k, v in out.items()}


def backend_figures(store: Any, searcher_for: Callable[[Any], Any], repeat: int) -> dict[str, float]:
    """The six latencies of one backend."""
    out = {f"{name}_p95_ms": p95(lambda: q(store), repeat) for name, q in STORE_QUERIES.items()}
    s = searcher_for(store)
    for q in QUESTIONS:
        s.query_vector(q)  # embedded once: the figures exclude the query embedding
    out["search_p95_ms"] = p95(lambda: [s.search(q, 10) for q in QUESTIONS], repeat) / len(QUESTIONS)
    out["ask_p95_ms"] = p95(lambda: [s.ask(q) for q in QUESTIONS], repeat) / len(QUESTIONS)
    return {k: round(v, 2) for k, v in out.items()}


def search_index(data: Path, work: Path, n: int) -> Path:
    """A synthetic search index of ``n`` clauses under ``work`` (made once per n)."""
    from synth_corpus import synthesize

    from ingest.pipeline import current_store
    from search.index import SEARCH_DIR, write_index
    from search.intent import domain_words
    from search.service import SearchIndex
    from search.tokenize import Tokenizer

    out = work / f"index-{n}"
    if (out / "manifest.json").exists():
        return out
    src = SearchIndex.load(current_store(data) / SEARCH_DIR)
    rows, vecs, pieces, owners = synthesize(src, n)
    model = src.manifest.get("model_id", "")
    write_index(out, rows, Tokenizer(domain_words()), vecs, model_id=model, encoded=0, piece_vectors=pieces, piece_rows=owners)
    return out


def measure(data: Path, work: Path, n: int, repeat: int, neo4j: bool) -> dict[str, Any]:
    """Both backends' figures at ``n`` clauses with the library on sys.path."""
    import inspect

    from bench_neo4j import synthetic_graph
    from bench_neo4j_load import empty_database

    from graph import neo4j_store as N
    from graph.nx_store import GRAPH_FILE, NxGraphStore, read_graph
    from ingest.pipeline import current_store
    from ingest.store_files import read_documents
    from search.service import Searcher
    from tools import neo4j_dev

    store_dir = current_store(data)
    texts = {d["doc_id"]: d.get("text", "") for d in read_documents(store_dir)}
    syn, vectors, syn_texts = synthetic_graph(read_graph(store_dir / GRAPH_FILE), N.embeddings_of(store_dir), texts, n)
    index = search_index(data, work, n)
    encoder: list[Any] = []

    def searcher_for(store: Any) -> Any:
        s = Searcher(data, store, encoder=encoder[0] if encoder else None, index_dir=index)
        encoder[:1] = [s.encoder]
        return s

    report: dict[str, Any] = {"clauses": n, "networkx": backend_figures(NxGraphStore(store_dir, graph=syn), searcher_for, repeat)}
    report["neo4j"] = None
    if neo4j:
        server = work / "neo4j"
        neo4j_dev.start(server, heap="2g", pagecache_mb=1024)
        try:
            driver = N.connect(neo4j_dev.resolve_connection(server))
            empty_database(driver)
            load = N.load_graph(driver, syn, texts=syn_texts, embeddings=vectors)
            again = N.load_graph(driver, syn, texts=syn_texts, embeddings=vectors)
            figures = backend_figures(N.Neo4jGraphStore(driver), searcher_for, repeat)
            if "keep_answers" in inspect.signature(N.Neo4jGraphStore).parameters:
                figures.update(uncached_figures(lambda keep: N.Neo4jGraphStore(driver, keep_answers=keep), repeat))
            rows = load["nodes"] + load["relationships"]
            figures["load_rows_per_s"] = round(rows / max(load["seconds"], 1e-9))
            figures["reload_unchanged_s"] = again["seconds"]
            report["neo4j"] = figures
            driver.close()
        finally:
            neo4j_dev.stop(server)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return report


def baseline(rev: str, args: argparse.Namespace) -> dict[str, Any]:
    """This script's figures with the library of git revision ``rev`` (a temporary worktree)."""
    tree = Path(tempfile.mkdtemp(prefix="bench-scale-base-")) / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-f", "--detach", str(tree), rev], check=True, capture_output=True)
    try:
        for name in BENCH_FILES:  # today's benchmark code over that revision's library
            (tree / "benchmarks" / name).write_bytes((REPO / "benchmarks" / name).read_bytes())
        env = {**os.environ, "PYTHONPATH": str(tree)}
        cmd = [
            sys.executable,
            str(tree / "benchmarks" / "bench_scale.py"),
            "--clauses",
            str(args.clauses),
            "--data",
            str(args.data),
            "--work",
            str(args.work / "baseline"),
        ]
        cmd += ["--repeat", str(args.repeat), "--json"] + ([] if args.neo4j else ["--no-neo4j"])
        done = subprocess.run(cmd, env=env, cwd=tree, check=True, capture_output=True, text=True)
        return json.loads(done.stdout)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False, capture_output=True)


def table(report: dict[str, Any]) -> str:
    base = report.get("baseline") or {}
    lines = [f"{report['clauses']} clauses; peak RSS {report['peak_rss_mb']} MB"]
    for backend in ("networkx", "neo4j"):
        now = report.get(backend) or {}
        old = base.get(backend) or {}
        for key, value in now.items():
            was = old.get(key, old.get(key.replace("_distinct", "")))  # a baseline that keeps no answer: distinct is its warm
            ratio = f"  (baseline {was}, x{was / value:.1f})" if was is not None and value else ""
            lines.append(f"  {backend:9s} {key:22s} {value}{ratio}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clauses", type=int, default=100_000)
    ap.add_argument("--data", type=Path, default=Path(".policykg"), help="data dir with an ingested store and the model")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-bench-scale"), help="synthetic indexes and the Neo4j server")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--baseline", default=None, metavar="REV", help="also measure the library at this git revision")
    ap.add_argument("--no-neo4j", dest="neo4j", action="store_false")
    ap.add_argument("--json", action="store_true", help="print exactly one JSON object")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    report = measure(args.data, args.work, args.clauses, args.repeat, args.neo4j)
    report["baseline"] = baseline(args.baseline, args) if args.baseline else None
    print(json.dumps(report, ensure_ascii=False) if args.json else table(report))


if __name__ == "__main__":
    main()
