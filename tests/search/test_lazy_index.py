"""The search index loads lazily (issue 16, item 4): rows parsed on access, vectors memory-mapped."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from search.index import LazyRows, Row, row_keys
from search.service import SearchIndex

ROWS = [
    Row("000:1", "000", "北京市“高精尖”中心办法", ("一、总则", "1"), "第一条　为了……，制定本办法。", 0, 14, "item", ("e1",), ("s1",)),
    Row("000:2", "000", "北京市“高精尖”中心办法", (), 'a "quoted" \\ line\twith tab', 15, 40, "paragraph"),
    Row("001:1", "001", 'Title with "quotes" \\ and a backslash', ("x",), "第二条\u2028分隔\x85", 0, 3, "item"),
]


def _write(path: Path, rows: list[Row], trailing_newline: bool = True) -> Path:
    text = "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in rows)
    path.write_text(text + ("\n\n" if trailing_newline else ""), encoding="utf-8")
    return path


def test_lazy_rows_equal_the_parsed_file(tmp_path: Path) -> None:
    for trailing in (True, False):
        rows = LazyRows.read(_write(tmp_path / "rows.jsonl", ROWS, trailing))
        assert len(rows) == len(ROWS)
        assert list(rows) == ROWS and rows[-1] == ROWS[-1] and rows[0:2] == ROWS[0:2]
        assert row_keys(rows) == row_keys(ROWS)  # the fast key reader agrees, escapes included


def test_lazy_rows_parse_only_what_is_read(tmp_path: Path) -> None:
    rows = LazyRows.read(_write(tmp_path / "rows.jsonl", ROWS))
    rows.keys()
    assert rows[1] == ROWS[1]
    assert sorted(rows._parsed) == [1]


def test_index_vectors_are_memory_mapped(tmp_path: Path) -> None:
    from search.bm25 import BM25Index

    out = tmp_path / "search"
    out.mkdir()
    _write(out / "rows.jsonl", ROWS)
    vectors = np.eye(3, 384, dtype=np.float32)
    np.save(out / "embeddings.npy", vectors)
    np.save(out / "pieces.npy", vectors[:2])
    np.save(out / "piece_rows.npy", np.array([0, 0], np.int32))
    BM25Index.build([["总则"], ["quoted"], ["第二条"]]).save(out / "bm25")
    (out / "manifest.json").write_text(json.dumps({"rows": 3}), "utf-8")
    index = SearchIndex.load(out)
    for matrix in (index.vectors, index.pieces):  # views of the read-only file mapping, not copies
        assert not matrix.flags.owndata and not matrix.flags.writeable
    assert index.by_id == {"000:1": 0, "000:2": 1, "001:1": 2}
    scores = index.dense(vectors[2])
    assert int(np.argmax(scores)) == 2
