"""The corpus part of a store directory: documents.json and clauses.jsonl.

One reader and one writer for these files, so the ingest step, the
networkx store and any tool agree on their format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .document import Clause, Document

DOCUMENTS = "documents.json"
CLAUSES = "clauses.jsonl"


def write_corpus(store_dir: Path, documents: Iterable[Document]) -> None:
    """Write document metadata (with source text) and every clause."""
    docs = list(documents)
    payload = [{**d.meta(), "text": d.text} for d in docs]
    (store_dir / DOCUMENTS).write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    with (store_dir / CLAUSES).open("w", encoding="utf-8") as fh:
        for d in docs:
            for c in d.clauses:
                fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")


def read_documents(store_dir: Path) -> list[dict[str, Any]]:
    """Document metadata dicts, each with its full ``text``."""
    return json.loads((Path(store_dir) / DOCUMENTS).read_text("utf-8"))


def read_clauses(store_dir: Path) -> list[Clause]:
    with (Path(store_dir) / CLAUSES).open(encoding="utf-8") as fh:
        return [Clause.from_dict(json.loads(line)) for line in fh if line.strip()]
