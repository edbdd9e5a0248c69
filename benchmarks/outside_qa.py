"""Ranking outside the policy domain: STARD layperson questions over Chinese statutes.

Why: the learned ranker and the hand-set blend were shaped on policy text;
the issue's bar is that on *any* corpus the system ranks at least as well as
the better of its own BM25 and dense-only baselines over the same clauses.
STARD (THUIR, MIT licence, https://github.com/oneal2000/STARD) holds 1,543
questions written by laypeople, each with the statute articles that answer
it. Its corpus file is not in the repository as stored, so the corpus here
is every article some question cites (1,445 articles of 133 laws), one
document per law, articles as ``第X条 …`` lines.

    python benchmarks/outside_qa.py --queries PATH/TO/STARD/data/queries.json --work DIR

Prints the `policykg eval qa` report (system, hand-set weights, BM25, dense)
for the test split. A gold span is the first line of a cited article, cut to
40 characters (a clause holding an article's opening holds the article).

Splits (the ``split`` field of DIR/qa.jsonl): the first 400 questions are
``test`` (the outside check: only ever scored), the next 200 ``dev`` and the
other 943 ``train``; search/learn.py may learn from train and dev together
with the policy QA set, so the ranker is not fitted to one domain.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ARTICLE = re.compile(r"^(?P<law>.+?)(?P<art>第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?)$")
SPAN_CHARS = 40


TEST, DEV = 400, 200


def split_of(position: int) -> str:
    return "test" if position < TEST else "dev" if position < TEST + DEV else "train"


def build(queries_file: Path, out: Path) -> Path:
    """Write the corpus (one .txt per law plus sources.yaml) and the QA file; returns the QA path."""
    queries = json.loads(queries_file.read_text("utf-8"))
    laws: dict[str, dict[str, str]] = {}
    for q in queries:
        for name, text in q["相关法规"].items():
            m = ARTICLE.match(name)
            if m:
                laws.setdefault(m["law"], {})[m["art"]] = text
    corpus = out / "corpus"
    corpus.mkdir(parents=True)
    docs = []
    for k, (law, arts) in enumerate(sorted(laws.items())):
        body = "\n".join(f"{art} " + " ".join(line.strip() for line in text.splitlines() if line.strip()) for art, text in arts.items())
        file = f"law{k:03d}.txt"
        (corpus / file).write_text(f"{law}\n{body}\n", "utf-8")
        docs.append({"id": f"law{k:03d}", "file": file, "title": law, "issuers": [], "year": None})
    (corpus / "sources.yaml").write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True, sort_keys=False), "utf-8")
    qa = out / "qa.jsonl"
    with qa.open("w", encoding="utf-8") as fh:
        for position, q in enumerate(queries):
            spans = []
            for text in q["相关法规"].values():
                first = next((line.strip() for line in text.splitlines() if line.strip()), "")
                spans.append(first[:SPAN_CHARS])
            item = {
                "id": f"stard{q['query_id']}",
                "split": split_of(position),
                "type": "statute",
                "question": q["问题"],
                "gold_spans": spans,
            }
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return qa


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=Path, required=True, help="STARD data/queries.json")
    ap.add_argument("--work", type=Path, default=None, help="Keep the corpus and store here (default: a temporary folder).")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="outside-qa-"))
    qa = build(args.queries, work)
    data = work / "data"
    cli = [str(Path(sys.executable).with_name("policykg"))]
    subprocess.run([*cli, "ingest", "--corpus", str(work / "corpus"), "--data", str(data), "--json"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*cli, "eval", "qa", "--set", str(qa), "--split", "test", "--data", str(data)], check=True)


if __name__ == "__main__":
    main()
