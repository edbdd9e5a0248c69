"""Re-ingest costs: what `policykg ingest` takes when nothing, one document, or
everything changed, against a cold first ingest in the same run.

Runs the CLI as a user would (one subprocess per ingest, so start-up and
imports count) on a copy of corpus/ in a fresh data directory that has its own
empty ``cache/`` (cold embedding and extraction caches) and links the built
model. Steps, in order:

1. cold: first ingest, every clause embedded, every document extracted;
2. unchanged: the same corpus again (issue 11 target: under 3 s);
3. one changed: one sentence appended to one document;
4. one added: a sixth document (a seed with every 北京 made 上海);
5. forced: ``--force`` on the unchanged corpus (warm caches, nothing skipped).

    python benchmarks/bench_reingest.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _ingest(corpus: Path, data: Path, *extra: str) -> dict:
    cli = Path(sys.executable).with_name("policykg")
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(cli), "ingest", "--corpus", str(corpus), "--data", str(data), "--json", *extra], capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(f"ingest failed ({out.returncode}): {out.stdout[-2000:]}{out.stderr[-2000:]}")
    wall = time.perf_counter() - t0
    result = json.loads(out.stdout)
    return {
        "seconds": round(wall, 2),
        "unchanged": bool(result["summary"].get("unchanged")),
        "documents": result["summary"].get("documents"),
        "encoded": (result["summary"].get("search") or {}).get("encoded"),
        "timings": result.get("timings"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    from search.model_home import model_dir_for

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        data = Path(tmp) / "data"
        (data / "cache").mkdir(parents=True)
        (data / "model").symlink_to(model_dir_for(REPO / ".policykg"))
        runs = {"cold": _ingest(corpus, data), "unchanged": _ingest(corpus, data)}
        doc = sorted(corpus.glob("00*.txt"))[-1]
        doc.write_text(doc.read_text("utf-8") + "\n承担单位应当每年12月31日前报送年度工作报告。\n", "utf-8")
        runs["one changed"] = _ingest(corpus, data)
        seed = sorted(corpus.glob("00*.txt"))[0]
        (corpus / "extra_shanghai.txt").write_text(seed.read_text("utf-8").replace("北京", "上海"), "utf-8")
        runs["one added"] = _ingest(corpus, data)
        runs["forced"] = _ingest(corpus, data, "--force")
    cold = runs["cold"]["seconds"]
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "runs": runs,
        "ratio_to_cold": {k: round(v["seconds"] / cold, 3) for k, v in runs.items()},
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(f"re-ingest of corpus/ ({report['machine']}), CLI wall time")
    print(f"{'run':<12} {'documents':>9} {'seconds':>8} {'x cold':>7} {'embedded':>9}  unchanged")
    for name, r in runs.items():
        print(
            f"{name:<12} {r['documents']:>9} {r['seconds']:>8.2f} {report['ratio_to_cold'][name]:>7.3f} "
            f"{str(r['encoded']):>9}  {r['unchanged']}"
        )


if __name__ == "__main__":
    main()
