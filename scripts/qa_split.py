"""Assemble the QA set from its writers' files and split it once, by document section.

Run once, when the set was written (see tests/search/qa/README.md):

    python scripts/qa_split.py WRITER.jsonl ... --corpus tests/search/qa/corpus \
        --out tests/search/qa/qa_set.jsonl

A writer added later joins with ``--keep tests/search/qa/qa_set.jsonl``: the
questions already there keep their split, and only the new ones are split
(by the same rule, among themselves).

Each question's gold span is located in its document, and the top-level
heading of the clause holding it is its *section*; questions of one section
go to one split, so a test question never shares its clause's section with a
train question (no near-duplicate leaks). Unanswerable questions form one
group each and are split apart from the answerable ones, so each split gets
its share of both. Groups are taken largest first (ties by a hash of their
key) and each goes to the split furthest below its 60 / 20 / 20 per cent. Prints counts only: the test split
is never printed item by item.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.loaders import corpus_entries, load_document  # noqa: E402
from ingest.parse import parse_document  # noqa: E402

SHARES = (("train", 0.6), ("dev", 0.2), ("test", 0.2))


def sections(corpus: Path) -> dict[str, list[tuple[int, int, str]]]:
    """doc_id -> (start, end, top-level heading) of each clause."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for entry in corpus_entries(corpus):
        doc = load_document(corpus, entry)
        out[doc.doc_id] = [(c.start, c.end, (c.path[0] if c.path else "")) for c in parse_document(doc.doc_id, doc.text)]
        out[doc.doc_id + "#text"] = [(0, 0, doc.text)]
    return out


def section_of(item: dict, secs: dict[str, list[tuple[int, int, str]]]) -> str:
    if not item["gold_spans"]:
        return f"none:{item['id']}"
    doc = item["gold_doc"]
    text = secs[doc + "#text"][0][2]
    at = text.find(item["gold_spans"][0])
    if at < 0:
        raise SystemExit(f"{item['id']}: gold span not in document {doc}")
    heads = [h for s, e, h in secs[doc] if s <= at < e]
    return f"{doc}:{heads[-1] if heads else ''}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("writers", nargs="+", type=Path)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--keep", type=Path, default=None, help="An existing set whose questions keep their split.")
    args = ap.parse_args()
    kept = [json.loads(line) for line in args.keep.read_text("utf-8").splitlines() if line.strip()] if args.keep else []
    items = []
    for path in args.writers:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                item["writer"] = item["id"].split("-")[0]
                items.append(item)
    secs = sections(args.corpus)
    groups: dict[str, list[dict]] = {}
    for item in items:
        item["section"] = section_of(item, secs)
        groups.setdefault(item["section"], []).append(item)
    for answerable in (True, False):
        keys_ = [k for k in groups if (not k.startswith("none:")) == answerable]
        order = sorted(keys_, key=lambda k: (-len(groups[k]), hashlib.sha256(k.encode()).hexdigest()))
        total, filled = sum(len(groups[k]) for k in keys_), Counter()
        for key in order:
            split = min(SHARES, key=lambda s: filled[s[0]] / total - s[1])[0]
            for item in groups[key]:
                item["split"] = split
            filled[split] += len(groups[key])
    items += kept
    keys = ("id", "split", "type", "style", "question", "gold_doc", "gold_spans", "answer", "section", "writer", "notes")
    with args.out.open("w", encoding="utf-8") as fh:
        for item in sorted(items, key=lambda i: i["id"]):
            fh.write(json.dumps({k: item.get(k) for k in keys}, ensure_ascii=False) + "\n")
    print(f"{len(items)} questions in {len(groups)} groups:", dict(Counter(i["split"] for i in items)))
    for split, _ in SHARES:
        sub = [i for i in items if i["split"] == split]
        print(split, "types", dict(Counter(i["type"] for i in sub)), "styles", dict(Counter(i["style"] for i in sub)))


if __name__ == "__main__":
    main()
