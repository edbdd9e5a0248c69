"""Load test of the HTTP API: N concurrent clients for D seconds on 127.0.0.1.

Starts ``policykg serve`` on a free port over a data directory (or targets
``--url``), waits until /health answers, then runs ``--clients`` asyncio
clients (httpx, one connection each) that loop over GET /search, /ask and
/obligations with a mix of Chinese and English questions and checklist
queries, until ``--seconds`` have passed. Prints p50/p95/max latency per
endpoint and overall, requests per second, and every error; exits 1 if any
request failed (non-200 or a transport error).

``--fresh`` makes every query text unique (a numbered suffix), so the
searcher's memo of query embeddings never hits and every /search and /ask
request encodes its question: the worst case for the model.

    .venv/bin/python benchmarks/bench_load.py --data .policykg --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "高精尖中心多久要组织一次国际同行评估？",
    "技术创新中心什么情况下会被摘牌？",
    "依托高校要履行哪些职责？",
    "高精尖中心的年度报告报给谁？",
    "高精尖中心每年经费支持多少？",
    "北京实验室的考核周期是多久？",
    "青年科学家的年龄要求",
    "中期评估不合格会怎样",
    "市教委负责什么",
    "经费中用于人才的比例",
    "揭榜挂帅",
    "基础研究 人才培养",
    "How often is an advanced innovation center evaluated?",
    "Who approves the annual budget adjustment?",
    "What happens if a technology innovation center fails its evaluation?",
    "funding per center per year",
]
CHECKLISTS = [
    {"platform_type": "高精尖创新中心"},
    {"platform_type": "高精尖中心", "role": "依托高校"},
    {"platform_type": "北京实验室"},
    {"platform_type": "北京市技术创新中心"},
]
ENDPOINTS = ("/search", "/ask", "/obligations")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, corpus: Path, backend: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="policykg-serve-", suffix=".log")[1])
    script = Path(sys.executable).with_name("policykg")
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]
    env = {k: v for k, v in os.environ.items() if k != "POLICYKG_API_KEY"}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                *cmd,
                "serve",
                "--port",
                str(port),
                "--data",
                str(data),
                "--corpus",
                str(corpus),
                "--backend",
                backend,
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return proc, f"http://127.0.0.1:{port}", log


def wait_until_up(url: str, proc: subprocess.Popen | None, log: Path | None, timeout: float = 300) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            sys.exit(f"policykg serve exited with {proc.returncode}:\n{log.read_text('utf-8', 'replace') if log else ''}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit(f"{url} did not answer /health within {timeout} s")


class Requests:
    """An endless, shuffled stream of (endpoint, params); unique texts with ``fresh``."""

    def __init__(self, seed: int, fresh: bool) -> None:
        self.rng = random.Random(seed)
        self.fresh = fresh
        self.counter = itertools.count()

    def next(self, i: int) -> tuple[str, dict[str, str]]:
        endpoint = ENDPOINTS[i % len(ENDPOINTS)]
        if endpoint == "/obligations":
            return endpoint, dict(self.rng.choice(CHECKLISTS))
        q = self.rng.choice(QUESTIONS)
        if self.fresh:
            q = f"{q} {next(self.counter)}"
        return endpoint, ({"q": q, "k": "10"} if endpoint == "/search" else {"q": q})


async def client(n: int, url: str, until: float, fresh: bool, latencies: dict[str, list[float]], errors: list[str]) -> None:
    stream = Requests(seed=n, fresh=fresh)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=1)) as http:
        i = n  # clients start on different endpoints
        while time.monotonic() < until:
            endpoint, params = stream.next(i)
            i += 1
            t0 = time.perf_counter()
            try:
                r = await http.get(endpoint, params=params)
                ok = r.status_code == 200
                if not ok:
                    errors.append(f"{endpoint} {params} -> {r.status_code} {r.text[:200]}")
            except httpx.HTTPError as err:
                ok = False
                errors.append(f"{endpoint} {params} -> {type(err).__name__}: {err}")
            if ok:
                latencies[endpoint].append(time.perf_counter() - t0)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run(url: str, clients: int, seconds: float, fresh: bool) -> tuple[dict[str, list[float]], list[str], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    t0 = time.monotonic()
    await asyncio.gather(*(client(n, url, t0 + seconds, fresh, latencies, errors) for n in range(clients)))
    return latencies, errors, time.monotonic() - t0


def report(latencies: dict[str, list[float]], errors: list[str], wall: float, args: argparse.Namespace) -> None:
    total = sum(len(v) for v in latencies.values())
    print(
        f"load: {args.clients} concurrent clients for {args.seconds:.0f} s against {args.target} "
        f"({'unique queries' if args.fresh else 'repeating queries'}); wall {wall:.1f} s"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'endpoint':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = [(e, latencies.get(e, [])) for e in ENDPOINTS] + [("all", [x for v in latencies.values() for x in v])]
    for name, values in rows:
        print(
            f"{name:<14}{len(values):>9}{len(values) / wall:>8.1f}{pct(values, 50) * 1000:>9.0f}"
            f"{pct(values, 95) * 1000:>9.0f}{(max(values) if values else float('nan')) * 1000:>9.0f}"
        )
    print(f"errors: {len(errors)} of {total + len(errors)} requests")
    for line in errors[:20]:
        print("  " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("POLICYKG_DATA", REPO / ".policykg")))
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus")
    ap.add_argument("--backend", default="networkx", choices=["networkx", "neo4j"])
    ap.add_argument("--url", help="Target a running server instead of starting one.")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--fresh", action="store_true", help="Make every query unique (no embedding memo hits).")
    args = ap.parse_args()
    proc = log = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        proc, url, log = start_server(args.data, args.corpus, args.backend)
    args.target = url
    try:
        startup = wait_until_up(url, proc, log)
        if proc is not None:
            print(f"server: policykg serve --data {args.data} up in {startup:.1f} s (model and indexes loaded once)")
        latencies, errors, wall = asyncio.run(run(url, args.clients, args.seconds, args.fresh))
        report(latencies, errors, wall, args)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
