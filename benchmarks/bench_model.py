"""Benchmark the embedding model: rebuild time, load time, encode throughput.

    .venv/bin/python benchmarks/bench_model.py                 # all three
    .venv/bin/python benchmarks/bench_model.py --skip-build    # load + encode only
    .venv/bin/python benchmarks/bench_model.py --texts 256 --batch-size 16

The rebuild goes into a temporary directory (about 20 s and 1.7 GB of memory);
load and encode use the model set-up built in ``--data`` (default .policykg).
Texts are clause-like lines of corpus/*.txt (at most 400 characters each, as
clauses are). The machine is shared, so the load average is printed with the
numbers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def clause_like_texts(corpus: Path, limit: int) -> list[str]:
    """Non-trivial corpus lines, cut to 400 characters, cycled up to ``limit``."""
    lines: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 10:
                lines.append(line[:400])
    if not lines:
        raise SystemExit(f"no clause-like lines in {corpus}/*.txt")
    return [lines[i % len(lines)] for i in range(limit)]


def machine() -> str:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
        platform.processor(),
    )
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), load average {load:.1f}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO / ".policykg")
    parser.add_argument("--texts", type=int, default=128, help="how many texts to encode")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip-build", action="store_true", help="do not time a rebuild")
    args = parser.parse_args()
    print(f"machine: {machine()}")

    t0 = time.perf_counter()
    import sentence_transformers  # noqa: F401
    import torch  # timed separately: imports dominate a cold start

    import_s = time.perf_counter() - t0

    if not args.skip_build:
        from tools.model_build import ensure_model

        with tempfile.TemporaryDirectory(prefix="bench-model-") as tmp:
            t0 = time.perf_counter()
            result = ensure_model(Path(tmp) / "model", log=lambda _m: None)
            print(f"build: {time.perf_counter() - t0:.1f} s into a fresh directory ({result.verification.describe()})")

    from search.dense import EmbeddingCache, Encoder, encode_passages_cached
    from search.model_home import model_dir_for

    t0 = time.perf_counter()
    encoder = Encoder(model_dir_for(args.data), batch_size=args.batch_size)
    load_s = time.perf_counter() - t0
    print(f"load: imports {import_s:.1f} s + model {load_s:.1f} s; torch threads {torch.get_num_threads()}")

    texts = clause_like_texts(REPO / "corpus", args.texts)
    mean_chars = sum(map(len, texts)) / len(texts)
    encoder.encode_passages(texts[:4])  # warm-up
    t0 = time.perf_counter()
    encoder.encode_passages(texts)
    dt = time.perf_counter() - t0
    print(
        f"encode passages: {len(texts)} texts, mean {mean_chars:.0f} chars, batch {args.batch_size}: "
        f"{dt:.1f} s = {len(texts) / dt:.1f} sentences/s"
    )
    queries = [t[:30] for t in texts[:32]]
    t0 = time.perf_counter()
    encoder.encode_queries(queries)
    dt = time.perf_counter() - t0
    print(f"encode queries: 32 texts of <= 30 chars: {dt:.2f} s = {32 / dt:.1f} queries/s")

    with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp, EmbeddingCache(tmp) as cache:
        unique = list(dict.fromkeys(texts))
        encode_passages_cached(encoder, cache, unique)
        t0 = time.perf_counter()
        _, n = encode_passages_cached(encoder, cache, unique)
        dt = time.perf_counter() - t0
        print(f"cached re-encode: {len(unique)} texts, {n} encoded, {dt * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
