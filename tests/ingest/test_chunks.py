"""One large document read in parts (ingest/chunks.py): the facts and bearers of a serial run."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingest.chunks as C
import ingest.parallel as P
from ingest.aliases import AliasTable, aliases_for_corpus
from ingest.document import Document
from ingest.extract import extract_with_entities, finish_document, read_document
from ingest.loaders import load_corpus
from ingest.scope import introduce

REPO = Path(__file__).resolve().parents[2]


def _read(corpus: Path) -> list[tuple[Document, AliasTable]]:
    """Each document with the table graph/build.py reads it with."""
    docs = load_corpus(corpus)
    table = aliases_for_corpus(corpus)
    out = []
    for doc in docs:
        table = introduce([doc], table)
        out.append((doc, table))
    return out


def _facts(extracted: tuple[list, list]) -> tuple[list[dict], list[tuple[str, dict]]]:
    facts, bearers = extracted
    return [f.to_dict() for f in facts], [(e.id, e.attrs) for e in bearers]


@pytest.mark.parametrize("corpus", ["corpus", "tests/extraction_dev/corpus", "tests/extraction_dev5/corpus"])
@pytest.mark.parametrize("every", [3, 11, 40])
def test_chunks_cut_anywhere_merge_to_the_serial_facts(corpus: str, every: int) -> None:
    """Cut at every ``every``-th clause, list items and headings included, so many
    chunks read a state an earlier chunk changed and are read again in the merge."""
    stale = 0
    for doc, table in _read(REPO / corpus):
        serial = _facts(extract_with_entities(doc, table))
        reading = read_document(doc, table)
        start = {name: getattr(reading.ctx, name) for name in C.CARRIED} | {"local": dict(reading.ctx.bearers.local)}
        cuts = [(lo, min(lo + every, len(reading.clauses))) for lo in range(0, len(reading.clauses), every)]
        chunks = [(lo, hi, C.read_chunk(reading, lo, hi)) for lo, hi in cuts]
        stale += sum(1 for _lo, _hi, c in chunks if c.read_first)
        assert not any(c.unknown for _lo, _hi, c in chunks), "extraction carries state ingest/chunks.py's CARRIED does not list"
        facts, signals = C.merge_chunks(reading, start, chunks)
        assert _facts(finish_document(reading, facts, signals)) == serial, doc.doc_id
    assert stale > 0  # the merge's second reading was exercised


def test_one_large_document_on_two_workers_equals_a_serial_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The seeds run together as one document, split in parts on two forked workers,
    against ``POLICYKG_WORKERS=1`` (no split, no fork)."""
    text = "\n".join(p.read_text("utf-8").strip() for p in sorted((REPO / "corpus").glob("00*.txt")))
    (tmp_path / "900_all.txt").write_text(text, "utf-8")
    items = _read(tmp_path)
    monkeypatch.setattr(P, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setattr(C, "MIN_CHUNK_CHARS", 5_000)
    monkeypatch.setenv("POLICYKG_WORKERS", "2")
    tasks: list[int] = []
    real_map = P.map_items
    monkeypatch.setattr(P, "map_items", lambda fn, xs, sizes: tasks.append(len(xs)) or real_map(fn, xs, sizes))
    parallel = [_facts(e) for e in C.extract_all(items)]
    assert tasks == [4]  # one document, in four parts
    monkeypatch.setenv("POLICYKG_WORKERS", "1")
    serial = [_facts(e) for e in C.extract_all(items)]
    assert parallel == serial and len(serial[0][0]) > 100
