"""Neo4j full-load throughput: the loader before issue 16 beside today's, in one run, on one server.

Prints figures (not a test). The synthetic corpus is benchmarks/bench_neo4j.py's
(the real graph's documents, clauses and facts copied under new document ids,
each clause vector the real one plus noise). Each load starts from an empty
database (no nodes, no constraints, no indexes), as a first
``ingest --backend neo4j`` does, on a neo4j-dev server of its own under
``--bench-data`` (started and stopped here). The baseline is
``graph/neo4j_store.py`` as it was at ``--baseline-rev``, read with ``git
show``; it may run on a smaller corpus (``--baseline-clauses``: at 100,000
clauses it takes a quarter of an hour), which the output says. Then the new
loader re-loads the same graph (a no-op) and, with ``--changed``, loads a
changed copy over the live generation (indexes already there, kept online for
the old generation's readers). ``--rounds N`` repeats the baseline and new loads
alternately (the shared machine's load drifts; the first round also pays for the
JIT); the ratio is taken between the medians.

    .venv/bin/python benchmarks/bench_neo4j_load.py --clauses 10000
    .venv/bin/python benchmarks/bench_neo4j_load.py --clauses 100000 --baseline-clauses 20000
    .venv/bin/python benchmarks/bench_neo4j_load.py --clauses 20000 --baseline-rev ed67e5f --rounds 3
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_neo4j import synthetic_graph  # noqa: E402

from graph import neo4j_store as N  # noqa: E402
from graph import schema as S  # noqa: E402
from graph.nx_store import GRAPH_FILE, read_graph  # noqa: E402
from ingest.pipeline import current_store  # noqa: E402
from ingest.store_files import read_documents  # noqa: E402
from tools import neo4j_dev  # noqa: E402

BASELINE_REV = "ed67e5f"
"""The loader before relationships lost their native properties and their ends' generation check
(issue 16, item 2, third pass; c330510 is the loader before the second pass, 07117a3, before
the first, imports errors that have moved since)."""


def baseline_module(rev: str) -> ModuleType:
    """graph/neo4j_store.py as it was at ``rev``, imported beside today's (same package, so its relative imports work)."""
    source = subprocess.run(["git", "show", f"{rev}:graph/neo4j_store.py"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    spec = importlib.util.spec_from_loader("graph.neo4j_store_baseline", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    exec(compile(source, f"{rev}:graph/neo4j_store.py", "exec"), module.__dict__)  # noqa: S102 - our own file at a commit
    return module


def median(values: list[float]) -> float:
    """The middle value (the lower middle of an even count)."""
    return sorted(values)[(len(values) - 1) // 2]


def rust_packer() -> bool:
    """Whether the driver packs parameters with the neo4j-rust-ext extension (else in pure Python, much slower)."""
    from neo4j._codec.packstream import v1

    return getattr(v1, "_rust_pack", None) is not None


def real_store(data: Path | None, scratch: Path) -> Path:
    """The ingested store the synthetic corpus copies: ``data``'s, else a networkx ingest of corpus/ made here."""
    if data is None:
        from api.commands_corpus import register_steps
        from ingest.pipeline import run_ingest

        data = scratch / "real"
        register_steps()
        run_ingest(REPO / "corpus", data, backend="networkx", options={})
    return current_store(data)


def corpus(store_dir: Path, n_clauses: int) -> tuple[nx.MultiDiGraph, dict[str, list[float]], dict[str, str]]:
    g = read_graph(store_dir / GRAPH_FILE)
    texts = {d["doc_id"]: d.get("text", "") for d in read_documents(store_dir)}
    return synthetic_graph(g, N.embeddings_of(store_dir), texts, n_clauses)


def empty_database(driver: Any) -> None:
    """No node, no constraint, no index but Neo4j's own token lookups: what a first load meets."""
    with driver.session() as session:
        # Relationships first: one DETACH DELETE of a dense entity node would take all its relationships into one transaction.
        session.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()
        session.run("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()
        for row in session.run("SHOW CONSTRAINTS YIELD name RETURN name").data():
            session.run(f"DROP CONSTRAINT `{row['name']}`").consume()
        for row in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name").data():
            session.run(f"DROP INDEX `{row['name']}`").consume()


def changed_copy(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with every clause text revised: a new generation of the same size."""
    out = g.copy()
    for _, d in out.nodes(data=True):
        if d.get("label") == S.CLAUSE:
            d["text"] = d["text"] + "（修订）"
    return out


def figures(name: str, clauses: int, load: dict[str, Any]) -> dict[str, Any]:
    """One row of the table: rates over the whole load (row building, schema, writes, indexes, check, switch, clean-up)."""
    total = load["seconds"]
    row = {
        "loader": name,
        "clauses": clauses,
        "nodes": load["nodes"],
        "relationships": load["relationships"],
        "seconds": total,
        "node_seconds": load["node_seconds"],
        "relationship_seconds": load["relationship_seconds"],
        "nodes_per_second": load["nodes_per_second"],
        "relationships_per_second": load["relationships_per_second"],
        "rows_per_second": round((load["nodes"] + load["relationships"]) / max(total, 1e-9), 1),
    }
    for key in ("prepare_seconds", "index_seconds"):
        if key in load:
            row[key] = load[key]
    print(
        f"  {name:28s} {clauses:>7d} clauses: {row['nodes']:>7d} nodes in {row['node_seconds']:7.1f} s ({row['nodes_per_second']:8.0f}/s), "
        f"{row['relationships']:>7d} rels in {row['relationship_seconds']:7.1f} s ({row['relationships_per_second']:8.0f}/s); "
        f"total {total:7.1f} s = {row['rows_per_second']:8.0f} nodes+rels/s"
        + (f"  [prepare {load['prepare_seconds']} s, indexes {load['index_seconds']} s]" if "index_seconds" in load else ""),
        flush=True,
    )
    return row


def timed_load(loader: ModuleType, driver: Any, g: nx.MultiDiGraph, vectors: dict[str, list[float]], texts: dict[str, str], **kw: Any):
    load = loader.load_graph(driver, g, texts=texts, embeddings=vectors, **kw)
    assert not load["unchanged"], "a benchmark load must write"
    return load


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="an ingested data directory to copy (default: ingest corpus/ here)")
    ap.add_argument("--bench-data", type=Path, default=None, help="data dir of the benchmark's own neo4j-dev server (default: a temp dir)")
    ap.add_argument("--port", type=int, default=None)
    ap.add_argument("--clauses", type=int, default=10_000, help="synthetic corpus size for the new loader")
    ap.add_argument(
        "--baseline-clauses", type=int, default=None, help="synthetic corpus size for the baseline (default: --clauses; 0 skips it)"
    )
    ap.add_argument("--baseline-rev", default=BASELINE_REV)
    ap.add_argument("--batch", type=int, nargs="+", default=[N.BATCH], help="batch sizes to measure the new loader with")
    ap.add_argument("--writers", type=int, default=N.WRITERS)
    ap.add_argument("--warmup", type=int, default=2000, help="clauses each loader loads once, unmeasured, before the measured loads")
    ap.add_argument("--rounds", type=int, default=1, help="baseline and new loads, alternately, this many times each")
    ap.add_argument("--changed", action="store_true", help="also load a changed copy over the live generation")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    baseline_n = args.clauses if args.baseline_clauses is None else args.baseline_clauses

    scratch = Path(tempfile.mkdtemp(prefix="policykg-bench-load-"))
    bench_data = args.bench_data or scratch / "neo4j"
    store_dir = real_store(args.data, scratch)
    report: dict[str, Any] = {"machine": "2 cores, shared", "rust_packer": rust_packer(), "baseline_rev": args.baseline_rev, "loads": []}
    print(f"driver packing: {'neo4j-rust-ext' if report['rust_packer'] else 'pure Python'}; baseline: {args.baseline_rev}", flush=True)

    neo4j_dev.start(bench_data, port=args.port, heap="2g", pagecache_mb=1024)
    try:
        driver = N.connect(neo4j_dev.resolve_connection(bench_data))
        try:
            old = baseline_module(args.baseline_rev)
            if args.warmup:  # a fresh JVM compiles as it goes: whichever loader ran first would pay for it
                g, vectors, texts = corpus(store_dir, args.warmup)
                empty_database(driver)
                timed_load(old, driver, g, vectors, texts)
                empty_database(driver)
                timed_load(N, driver, g, vectors, texts)
            base = corpus(store_dir, baseline_n) if baseline_n else None
            g, vectors, texts = corpus(store_dir, args.clauses)
            for round_ in range(args.rounds):
                if base is not None:
                    empty_database(driver)
                    load = timed_load(old, driver, *base)
                    report["loads"].append({**figures(f"baseline {args.baseline_rev}", baseline_n, load), "round": round_})
                for batch in args.batch:
                    empty_database(driver)
                    load = timed_load(N, driver, g, vectors, texts, batch=batch, writers=args.writers)
                    name = f"new batch={batch} writers={args.writers}"
                    report["loads"].append({**figures(name, args.clauses, load), "batch": batch, "round": round_})
            t0 = time.perf_counter()  # the last load's generation is live: the same graph again is a no-op
            again = N.load_graph(driver, g, texts=texts, embeddings=vectors)
            report["reload_unchanged_seconds"] = round(time.perf_counter() - t0, 3)
            print(f"  re-load of the same graph: unchanged={again['unchanged']} in {report['reload_unchanged_seconds']} s", flush=True)
            if args.changed:
                changed = timed_load(N, driver, changed_copy(g), vectors, texts, batch=args.batch[0], writers=args.writers)
                report["loads"].append(figures("new, over a live generation", args.clauses, changed))
        finally:
            driver.close()
    finally:
        neo4j_dev.stop(bench_data)
        shutil.rmtree(scratch, ignore_errors=True)
    old_rows = [r for r in report["loads"] if r["loader"].startswith("baseline")]
    new_rows = [r for r in report["loads"] if r["loader"].startswith("new batch")]
    if old_rows and new_rows:
        by_batch = {b: median([r["rows_per_second"] for r in new_rows if r["batch"] == b]) for b in args.batch}
        best = max(by_batch, key=lambda b: by_batch[b])
        old_rate = median([r["rows_per_second"] for r in old_rows])
        report["baseline_rows_per_second"], report["new_rows_per_second"] = old_rate, by_batch[best]
        report["ratio"] = round(by_batch[best] / max(old_rate, 1e-9), 2)
        same = "" if baseline_n == args.clauses else f" (baseline measured at {baseline_n} clauses)"
        print(
            f"nodes+rels per second over the whole load, median of {args.rounds}: baseline {old_rate:.0f}, "
            f"new (batch={best}) {by_batch[best]:.0f}; ratio {report['ratio']}x{same}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
