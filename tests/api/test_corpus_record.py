"""A corpus rebuilt from its documents' texts and its record reads back as the same corpus.

What a server behind a shared Neo4j does before it writes (api/corpus_edit.catch_up,
ingest/corpus_record.py): here without Neo4j, from the same texts and files the
graph keeps (tests/neo4j/test_two_writers.py does it through Neo4j).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from api.corpus_edit import NewDocument, put_document
from ingest.corpus_record import read_record, record_files, restore_corpus, write_record
from ingest.loaders import load_corpus
from tests.api.test_writes import NEW_TEXT
from tests.conftest import CORPUS

PAGE = f"<html><head><meta charset='utf-8'><title>试验平台</title></head><body><p>{'</p><p>'.join(NEW_TEXT.splitlines())}</p></body></html>"


def _corpus(tmp_path: Path) -> Path:
    """The seed corpus plus a converted upload (original kept) and a GB18030 file the manifest does not name."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    put_document(corpus, NewDocument("w1", None, PAGE.encode("utf-8"), {}, "w1.html"), replace=False)
    (corpus / "w2_平台.txt").write_bytes(NEW_TEXT.replace("量子测绘", "类脑芯片").encode("gb18030"))
    return corpus


def test_a_rebuilt_corpus_reads_as_the_one_recorded(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    documents = load_corpus(corpus)
    files = record_files(corpus, documents)
    converted = next(d for d in documents if d.doc_id == "w1")
    # a file that is its text in UTF-8 is not recorded: the graph holds the text
    assert sorted(files) == sorted(["sources.yaml", "aliases.yaml", "centers.csv", converted.source_file, "w2_平台.txt"])

    write_record(tmp_path / "store", files)
    assert read_record(tmp_path / "store") == files
    assert read_record(tmp_path / "elsewhere") is None
    rebuilt = tmp_path / "rebuilt"
    restore_corpus(rebuilt, {d.file: d.text for d in documents}, files)

    again = load_corpus(rebuilt)
    assert [d.meta() for d in again] == [d.meta() for d in documents]
    assert [d.clauses for d in again] == [d.clauses for d in documents]  # same offsets
    for name in [*files, *(d.file for d in documents)]:
        assert (rebuilt / name).read_bytes() == (corpus / name).read_bytes(), name
