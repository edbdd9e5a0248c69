"""Ingest time and peak memory for one synthetic policy document of 0.1, 1, 5 and 10 MB.

How the text is made (so the figures can be judged): the five seed documents
of corpus/ are concatenated, copy after copy, until the UTF-8 size is
reached; in copy *k* every 北京 becomes the *k*-th of 60 other Chinese place
names, so clause texts stay policy-like and mostly distinct (the embedding
cache cannot answer for a whole copy). Copies are grouped into documents of
at most ``--per-document`` MB (default 1 MB, one document for 0.1 and 1 MB:
the worst case for the per-document steps; ingest/bounds.py refuses a single
document over 1,000,000 characters, about 3 MB).

Each size runs in a fresh subprocess (``--one``) on an empty data directory
that links only the built model and has an empty cache/ of its own (no facts
or embedding cache of an earlier run), so the peak resident
memory (``ru_maxrss``) is that ingest's own (the largest worker it forks,
ingest/parallel.py, is shown apart). Embedding is timed apart by a
proxy around the encoder; "text MB/s" is size / (total − embedding) and the
issue 12 target is ≥ 0.5 MB/s with a peak under 1.5 GB at 10 MB.
``--embed stub`` replaces the model by zero vectors to measure the text
pipeline alone at large sizes (embedding is then not measured).

    python benchmarks/bench_ingest.py --sizes 0.1 1           # what the README quotes
    python benchmarks/bench_ingest.py --sizes 5 10 --embed stub
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PLACES = (
    "上海 天津 重庆 广州 深圳 南京 杭州 武汉 成都 西安 合肥 长沙 郑州 济南 青岛 沈阳 大连 长春 哈尔滨 石家庄 太原 "
    "呼和浩特 南昌 福州 厦门 南宁 海口 贵阳 昆明 拉萨 兰州 西宁 银川 乌鲁木齐 苏州 无锡 宁波 温州 佛山 东莞 珠海 "
    "泉州 烟台 潍坊 洛阳 襄阳 宜昌 株洲 柳州 绵阳 宝鸡 唐山 保定 徐州 常州 南通 扬州 嘉兴 绍兴 金华"
).split()


def synthetic_texts(megabytes: float, per_document: float) -> list[str]:
    """Seed documents, copy after copy with a new place name, cut at ``megabytes`` of UTF-8 (on a line),
    grouped into documents of at most ``per_document`` MB."""
    seeds = [p.read_text("utf-8").strip() for p in sorted((REPO / "corpus").glob("00*.txt"))]
    target = int(megabytes * 1_000_000)
    copies: list[str] = []
    total = 0
    while total < target:
        k = len(copies)
        place = "北京" if k == 0 else PLACES[(k - 1) % len(PLACES)]
        copies.append(seeds[k % len(seeds)].replace("北京", place) + "\n")
        total += len(copies[-1].encode("utf-8"))
    last = copies[-1].encode("utf-8")[: len(copies[-1].encode("utf-8")) - (total - target)].decode("utf-8", "ignore")
    copies[-1] = last[: last.rfind("\n") + 1]
    docs: list[list[str]] = [[]]
    for copy in filter(None, copies):
        if docs[-1] and len("".join([*docs[-1], copy]).encode("utf-8")) > per_document * 1_000_000:
            docs.append([])
        docs[-1].append(copy)
    return ["".join(d) for d in docs]


class TimedEncoder:
    """The encoder, with the time spent encoding passages counted."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self.seconds = 0.0
        self.passages = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return self._encoder.encode_passages(texts)
        finally:
            self.seconds += time.perf_counter() - t0
            self.passages += len(texts)


class StubEncoder:
    """Zero vectors at no cost: the text pipeline alone."""

    model_id = "stub"
    dim = 384

    def prompt(self, kind: str) -> str:
        return ""

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), self.dim), np.float32)


def run_one(megabytes: float, per_document: float, embed: str, model_dir: Path) -> dict[str, Any]:
    """Ingest the synthetic corpus in this process; the figures as a dict."""
    import yaml

    from api.commands_corpus import register_steps
    from ingest.pipeline import run_ingest
    from search.dense import Encoder

    texts = synthetic_texts(megabytes, per_document)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        corpus, data = Path(tmp) / "corpus", Path(tmp) / "data"
        corpus.mkdir()
        data.mkdir()
        entries = []
        for i, text in enumerate(texts):
            name = f"{900 + i}_synthetic.txt"
            (corpus / name).write_text(text, "utf-8")
            entries.append({"id": str(900 + i), "file": name, "title": f"合成政策文本{i + 1}", "kind": "实施方案"})
        (corpus / "sources.yaml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), "utf-8")
        (data / "model").symlink_to(model_dir)
        # a cache of its own: the user cache (ingest.cache.cache_root) would answer the
        # facts and vectors of an earlier run of the same size
        (data / "cache").mkdir()
        encoder = TimedEncoder(Encoder(model_dir) if embed == "real" else StubEncoder())
        register_steps()
        t0 = time.perf_counter()
        build = run_ingest(corpus, data, options={"encoder": encoder})
        total = time.perf_counter() - t0
    size = sum(len(t.encode("utf-8")) for t in texts)
    text_seconds = total - encoder.seconds
    return {
        "mb": round(size / 1e6, 3),
        "documents": len(texts),
        "chars": sum(map(len, texts)),
        "clauses": sum(build.summary["clauses"].values()),
        "seconds": round(total, 2),
        "embed_seconds": round(encoder.seconds, 2) if embed == "real" else None,
        "passages": encoder.passages,
        "text_seconds": round(text_seconds, 2),
        "text_mb_per_s": round(size / 1e6 / text_seconds, 3),
        "timings": build.timings,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # the largest forked worker (ingest/parallel.py); it shares the parent's pages until it writes them
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 5, 10], help="Document sizes in MB.")
    parser.add_argument("--per-document", type=float, default=1.0, help="Largest synthetic document, MB.")
    parser.add_argument("--embed", choices=["real", "stub"], default="real")
    parser.add_argument("--model", type=Path, default=None, help="The built model (default: the shared model folder).")
    parser.add_argument("--timeout", type=float, default=3600, help="Seconds allowed per size.")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.model is None:
        from search.model_home import shared_model_dir

        args.model = shared_model_dir()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.per_document, args.embed, args.model.resolve())))
        return
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"embedding: {args.embed}"
    )
    print(
        f"{'MB':>6} {'docs':>4} {'clauses':>8} {'total s':>8} {'embed s':>8} {'text s':>8} {'text MB/s':>9} {'peak MB':>8} {'worker MB':>9}"
        "  steps (s)"
    )
    for mb in args.sizes:
        cmd = [
            sys.executable,
            __file__,
            "--one",
            str(mb),
            "--per-document",
            str(args.per_document),
            "--embed",
            args.embed,
            "--model",
            str(args.model),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=REPO)
        except subprocess.TimeoutExpired:
            print(f"{mb:>6} did not finish within {args.timeout:.0f} s")
            continue
        if done.returncode != 0:
            print(f"{mb:>6} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['mb']:>6} {r['documents']:>4} {r['clauses']:>8} {r['seconds']:>8} {str(r['embed_seconds']):>8} {r['text_seconds']:>8} "
            f"{r['text_mb_per_s']:>9} {r['peak_rss_mb']:>8} {r.get('worker_peak_rss_mb', 0):>9}  {r['timings']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
