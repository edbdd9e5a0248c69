"""How much text one ingest takes: a per-document and a corpus limit, refused before any work.

Ingest time grows with the text (about 10 s per MB for parse, extraction
and indexing on two cores, plus the embedding of every clause and sentence,
which is most of it: benchmarks/bench_ingest.py). Without a bound a pasted
archive or a runaway conversion occupies the machine for hours and the
writer's lock with it. The limits are far above real policy documents (the
seeds are 2,000–8,300 characters; a 200-page compilation is about 300,000)
and are checked on the converted text, before parsing or extraction starts,
so a refusal leaves the previous store as it was.
"""

from __future__ import annotations

from typing import Sequence

from .document import Document
from .errors import PayloadTooLargeError

MAX_DOCUMENT_CHARS = 1_000_000
"""Longest document text (about 3 MB of UTF-8 Chinese, some 3,500 clauses)."""
MAX_CORPUS_CHARS = 10_000_000
"""Most text in one corpus (about 35,000 clauses)."""


def check_document_size(text: str, name: str) -> None:
    """Refuse a document text over :data:`MAX_DOCUMENT_CHARS` characters."""
    limit = MAX_DOCUMENT_CHARS
    if len(text) > limit:
        raise PayloadTooLargeError(
            f"{name} has {len(text):,} characters of text; the limit per document is {limit:,}",
            hint="split it into its parts (each 办法, 通知 or 附件 as its own document)",
        )


def check_corpus_size(documents: Sequence[Document]) -> None:
    """Refuse a corpus whose documents hold more than :data:`MAX_CORPUS_CHARS` characters together."""
    limit = MAX_CORPUS_CHARS
    total = sum(len(d.text) for d in documents)
    if total > limit:
        largest = sorted(documents, key=lambda d: -len(d.text))[:3]
        raise PayloadTooLargeError(
            f"the corpus has {total:,} characters of text in {len(documents)} documents; the limit is {limit:,} "
            f"(largest: {', '.join(f'{d.file} {len(d.text):,}' for d in largest)})",
            hint="ingest fewer documents into this data directory, or split the corpus across data directories",
        )
