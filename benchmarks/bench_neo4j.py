"""Neo4j backend benchmark: bulk-load throughput and query latency beside the embedded store.

Prints figures (not a test). Two parts:

1. **Real corpus** (``--data``, a data directory ingested with ``--backend
   neo4j`` whose neo4j-dev server runs): p50/p95 of the store queries on the
   networkx store and on Neo4j, same questions, warm (each query runs once
   before timing).
2. **Synthetic corpus** of at least ``--clauses`` clauses (default 100,000):
   the real graph's documents, clauses and facts copied under new document ids
   (entities shared, so the alias table and the questions stay valid), each
   clause vector the real one plus Gaussian noise (benchmarks/synth_corpus.py's
   ``_perturb``). It is bulk-loaded with ``graph.neo4j_store.load_graph`` (the
   code the ingest step runs) into a separate neo4j-dev server under
   ``--bench-data`` (started and stopped here, so the real database is not
   touched), then the same queries run on both stores.

    .venv/bin/python benchmarks/bench_neo4j.py --data test-artifacts/neo4j-data --clauses 100000
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_corpus import _perturb  # noqa: E402

from graph import neo4j_store as N  # noqa: E402
from graph import schema as S  # noqa: E402
from graph.nx_store import GRAPH_FILE, NxGraphStore, read_graph  # noqa: E402
from ingest.pipeline import current_store  # noqa: E402
from ingest.store_files import read_documents  # noqa: E402
from tools import neo4j_dev  # noqa: E402

PER_COPY = {S.DOCUMENT, S.CLAUSE, *S.FACT_LABELS.values()}


def per_copy(d: dict[str, Any]) -> bool:
    """Whether a node is copied per synthetic document: corpus documents, clauses, facts (a cited document outside
    the corpus has no doc_id and is shared, like the entities)."""
    return d.get("label") in PER_COPY and (d.get("label") != S.DOCUMENT or "doc_id" in d)


def queries(clause_id: str) -> dict[str, Callable[[Any], Any]]:
    """The store questions timed on both backends (names resolve through the alias table)."""
    return {
        "obligations 高精尖中心": lambda s: s.obligations("高精尖中心"),
        "obligations 高精尖中心/依托高校": lambda s: s.obligations("高精尖中心", "依托高校"),
        "deadlines 北京市技术创新中心": lambda s: s.deadlines("北京市技术创新中心"),
        "entity 市教委": lambda s: s.entity("市教委"),
        "rules_for 高精尖中心 报送": lambda s: s.rules_for("高精尖中心", "报送"),
        "clause": lambda s: s.clause(clause_id),
    }


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm: plan caches, JIT, alias table
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2)}


def latency_table(nx_store: Any, neo_store: Any, clause_id: str, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for name, q in queries(clause_id).items():
        a = timed(lambda: q(nx_store), repeat)
        b = timed(lambda: q(neo_store), repeat)
        rows.append({"query": name, "networkx": a, "neo4j": b, "ratio_p50": round(b["p50_ms"] / max(a["p50_ms"], 1e-3), 1)})
        print(
            f"  {name:36s} networkx p50 {a['p50_ms']:9.2f} ms p95 {a['p95_ms']:9.2f} | "
            f"neo4j p50 {b['p50_ms']:9.2f} ms p95 {b['p95_ms']:9.2f}  (x{rows[-1]['ratio_p50']})",
            flush=True,
        )
    return rows


def synthetic_graph(
    g: nx.MultiDiGraph, vectors: dict[str, list[float]], texts: dict[str, str], n_clauses: int, seed: int = 7
) -> tuple[nx.MultiDiGraph, dict[str, list[float]], dict[str, str]]:
    """Copies of the real documents/clauses/facts (new doc ids ``<doc>_<copy>``) over the shared entities."""
    real_clauses = sum(1 for _, d in g.nodes(data=True) if d.get("label") == S.CLAUSE)
    copies = math.ceil(n_clauses / real_clauses)
    rng = np.random.default_rng(seed)
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        if not per_copy(d):
            out.add_node(n, **d)
    syn_vectors: dict[str, list[float]] = {}
    syn_texts: dict[str, str] = {}
    for c in range(copies):

        def doc(x: str) -> str:
            return f"{x}_{c}"

        def cid(x: str) -> str:
            head, _, rest = x.partition(":")
            return f"{doc(head)}:{rest}"

        def nid(n: str) -> str:
            label = g.nodes[n].get("label")
            if not per_copy(g.nodes[n]):
                return n
            if label == S.DOCUMENT:
                return S.document_node_id(doc(g.nodes[n]["doc_id"]))
            if label == S.CLAUSE:
                return S.clause_node_id(cid(g.nodes[n]["clause_id"]))
            return f"{n}#{c}"

        def moved(d: dict[str, Any]) -> dict[str, Any]:
            """Properties with the copy's document and clause ids."""
            props = dict(d)
            if props.get("doc_id"):
                props["doc_id"] = doc(props["doc_id"])
            if props.get("clause_id"):
                props["clause_id"] = cid(props["clause_id"])
            return props

        for n, d in g.nodes(data=True):
            if not per_copy(d):
                continue
            props = moved(d)
            out.add_node(nid(n), **props)
            if d.get("label") == S.CLAUSE and d["clause_id"] in vectors:
                syn_vectors[props["clause_id"]] = _perturb(np.asarray(vectors[d["clause_id"]], np.float32), rng).tolist()
            if d.get("label") == S.DOCUMENT and d["doc_id"] in texts:
                syn_texts[props["doc_id"]] = texts[d["doc_id"]]
        for u, v, k, d in g.edges(keys=True, data=True):
            if not per_copy(g.nodes[u]) and not per_copy(g.nodes[v]):
                if c == 0:
                    out.add_edge(u, v, key=k, **d)
                continue
            out.add_edge(nid(u), nid(v), key=k, **moved(d))
    return out, syn_vectors, syn_texts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=Path("test-artifacts/neo4j-data"),
        help="data dir ingested with --backend neo4j, its neo4j-dev server running",
    )
    ap.add_argument(
        "--bench-data",
        type=Path,
        default=Path("/tmp/policykg-bench-neo4j"),
        help="data dir of the separate server the synthetic corpus is loaded into",
    )
    ap.add_argument("--clauses", type=int, default=100_000, help="synthetic corpus size (0: skip it)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    report: dict[str, Any] = {"machine": "2 cores, 24 GB, shared", "neo4j": "5.26 Community (neo4j-dev, -Xmx1g/2g)"}
    store_dir = current_store(args.data)
    g = read_graph(store_dir / GRAPH_FILE)
    nx_store = NxGraphStore(store_dir)
    neo_store = N.open_neo4j_store(args.data)
    some_clause = next(d["clause_id"] for _, d in g.nodes(data=True) if d.get("label") == S.CLAUSE)
    print(f"real corpus: {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships; {args.repeat} runs per query")
    report["real"] = {
        "nodes": g.number_of_nodes(),
        "relationships": g.number_of_edges(),
        "latency": latency_table(nx_store, neo_store, some_clause, args.repeat),
    }
    neo_store.close()
    if args.clauses <= 0:  # --clauses 0: the real corpus only
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        return

    texts = {d["doc_id"]: d.get("text", "") for d in read_documents(store_dir)}
    t0 = time.perf_counter()
    syn, vectors, syn_texts = synthetic_graph(g, N.embeddings_of(store_dir), texts, args.clauses)
    n_clauses = sum(1 for _, d in syn.nodes(data=True) if d.get("label") == S.CLAUSE)
    print(
        f"synthetic corpus: {n_clauses} clauses, {syn.number_of_nodes()} nodes, {syn.number_of_edges()} relationships, "
        f"{len(vectors)} vectors (built in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )

    before = neo4j_dev.status(args.bench_data)
    neo4j_dev.start(args.bench_data, heap="2g", pagecache_mb=1024)
    try:
        driver = N.connect(neo4j_dev.resolve_connection(args.bench_data))
        progress_every = max(1, syn.number_of_nodes() // 2000 // 10)
        seen = {"batches": 0}

        def progress(what: str, n: int) -> None:
            seen["batches"] += 1
            if seen["batches"] % progress_every == 0:
                print(f"    … {what} ({seen['batches']} batches)", flush=True)

        load = N.load_graph(driver, syn, texts=syn_texts, embeddings=vectors, progress=progress)
        print(
            f"bulk load: {load['nodes']} nodes in {load['node_seconds']} s ({load['nodes_per_second']:.0f} nodes/s), "
            f"{load['relationships']} relationships in {load['relationship_seconds']} s "
            f"({load['relationships_per_second']:.0f} rels/s); total with schema, checks, switch, cleanup {load['seconds']} s"
        )
        by_label = load["seconds_by_label"]
        clause_s = by_label.get(S.CLAUSE, 0.0)
        other_nodes = load["nodes"] - n_clauses
        other_s = sum(v for k, v in by_label.items() if k != S.CLAUSE)
        print(
            f"  of which Clause nodes (with {load['vectors']} vectors into the HNSW index and text into the full-text index): "
            f"{n_clauses} in {clause_s} s ({n_clauses / max(clause_s, 1e-9):.0f}/s); "
            f"other nodes: {other_nodes} in {other_s:.1f} s ({other_nodes / max(other_s, 1e-9):.0f}/s)"
        )
        again = N.load_graph(driver, syn, texts=syn_texts, embeddings=vectors)
        print(f"re-load of the same graph: unchanged={again['unchanged']} in {again['seconds']} s")
        syn_nx = NxGraphStore(store_dir, graph=syn)
        syn_neo = N.Neo4jGraphStore(driver)
        syn_clause = next(d["clause_id"] for _, d in syn.nodes(data=True) if d.get("label") == S.CLAUSE)
        repeat = max(5, args.repeat // 4)
        print(f"synthetic corpus latency ({repeat} runs per query)")
        report["synthetic"] = {
            "clauses": n_clauses,
            "nodes": syn.number_of_nodes(),
            "relationships": syn.number_of_edges(),
            "load": load,
            "reload_unchanged_seconds": again["seconds"],
            "latency": latency_table(syn_nx, syn_neo, syn_clause, repeat),
        }
        qvec = vectors[next(iter(vectors))]
        report["synthetic"]["vector_search_k10"] = timed(lambda: syn_neo.vector_search(qvec, 10), repeat)
        report["synthetic"]["fulltext_search_k10"] = timed(lambda: syn_neo.fulltext_search("国际同行评估", 10), repeat)
        print(
            f"  in-database vector search k=10: {report['synthetic']['vector_search_k10']}, "
            f"full-text k=10: {report['synthetic']['fulltext_search_k10']}"
        )
        driver.close()
    finally:
        if not before["running"]:
            neo4j_dev.stop(args.bench_data)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
