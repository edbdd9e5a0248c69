"""What the corpus record costs a Neo4j load, and what reading it back (a writer's catch-up) costs.

Prints figures (not a test). Over an ingest made with ``--backend neo4j`` (its
store keeps ``corpus_files/``): the same store loaded with its corpus record and
without it (``corpus=None``, the load before the record), alternating, each a
new generation (the record is part of the hash), after one warm-up load of each;
then the record's write alone and its read (graph/neo4j_store.corpus_record:
the Document texts and the record's files), each timed ``--repeat`` times. It
switches generations on the server it is given: not while tests use it.

    .venv/bin/policykg ingest --backend neo4j --data DIR --neo4j-uri ... (or a neo4j-dev server under DIR)
    .venv/bin/python benchmarks/bench_corpus_record.py --data DIR --neo4j-data NEO4J_DATA
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graph import neo4j_store as N  # noqa: E402
from graph.neo4j_conn import resolve_connection  # noqa: E402
from graph.nx_store import GRAPH_FILE, read_graph  # noqa: E402
from ingest.corpus_record import read_record  # noqa: E402
from ingest.pipeline import current_store  # noqa: E402
from ingest.store_files import read_documents  # noqa: E402

SCRATCH_GEN = "bench-corpus-record"
"""The generation the record's write alone is timed under (deleted after each write; never live)."""


def _median_ms(times: list[float]) -> float:
    return round(1000 * statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data directory of an ingest made with --backend neo4j")
    parser.add_argument("--neo4j-data", type=Path, required=True, help="data directory of the neo4j-dev server to load into")
    parser.add_argument("--rounds", type=int, default=5, help="timed loads of each kind")
    parser.add_argument("--repeat", type=int, default=10, help="timed writes and reads of the record alone")
    args = parser.parse_args()

    store = current_store(args.data)
    record = read_record(store)
    if record is None:
        sys.exit(f"{store} keeps no corpus record: ingest it with --backend neo4j")
    g = read_graph(store / GRAPH_FILE)
    stats_file = store / "search" / "bm25_stats.json"
    common: dict[str, Any] = {
        "texts": {d["doc_id"]: d.get("text", "") for d in read_documents(store)},
        "embeddings": N.embeddings_of(store),
        "search": N.search_props_of(store),
        "search_stats": json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else None,
    }
    driver = N.connect(resolve_connection(args.neo4j_data))
    try:
        loads: dict[str, list[float]] = {"without the record": [], "with the record": []}
        for i in range(args.rounds + 1):  # round 0 warms up
            for name, corpus in (("without the record", None), ("with the record", record)):
                t0 = time.perf_counter()
                N.load_graph(driver, g, corpus=corpus, **common)
                if i:
                    loads[name].append(time.perf_counter() - t0)
        writes, reads = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            N._write_corpus_record(driver, SCRATCH_GEN, record, len(common["texts"]))
            writes.append(time.perf_counter() - t0)
            N._drop_generations(driver, N.live_generation(driver))
            t0 = time.perf_counter()
            assert N.corpus_record(driver, str(N.live_generation(driver))) is not None
            reads.append(time.perf_counter() - t0)
    finally:
        driver.close()
    print(
        json.dumps(
            {
                "store": str(store),
                "graph": {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges(), "documents": len(common["texts"])},
                "record_bytes": {name: len(data) for name, data in sorted(record.items())},
                "load_seconds_median": {name: round(statistics.median(times), 3) for name, times in loads.items()},
                "load_seconds": {name: [round(t, 3) for t in times] for name, times in loads.items()},
                "record_write_ms_median": _median_ms(writes),
                "record_read_ms_median": _median_ms(reads),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
