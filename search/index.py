"""The ingest step ``index_clauses`` (order 40): BM25 + embedding indexes of the clauses.

Writes ``<store>/search/``:

* ``rows.jsonl``     — the searchable clauses, one per line, in matrix row order
  (clause_id, doc_id, doc_title, path, text, start, end, kind);
* ``bm25/``          — the bm25s index over :func:`index_tokens` of each row;
* ``tokens.jsonl``   — those tokens, one JSON list per row, and
  ``bm25_stats.json`` — their clause count, mean length and document
  frequencies (bm25.corpus_stats): what the Neo4j loader writes into the
  database, so a search over Neo4j alone finds clauses with its full-text
  index and scores them as the bm25s index does;
* ``embeddings.npy`` — ``[n, 384]`` float32 unit vectors of :func:`passage_text`;
* ``pieces.npy`` / ``piece_rows.npy`` — vectors of each clause's sentences
  (:func:`pieces_of`, headings in front) and the row each belongs to,
  grouped by row; a clause's dense score is the best of its own vector and
  its sentences';
* ``manifest.json``  — row and sentence counts, model id, what was encoded,
  BM25 parameters.

Only ``item`` and ``paragraph`` clauses are searchable: titles, headings and
attachment labels are not rules, and their words still count because each
row's section path is part of what is indexed and embedded.

Clause vectors go through the content-hash cache in ``<data>/cache/embeddings``
so a re-ingest encodes only the clauses whose text changed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, overload

import numpy as np

from ingest.aliases import AliasTable, Mention
from ingest.document import Clause, Document
from ingest.parallel import map_items, workers
from ingest.parse import LABELS, sentences
from ingest.pipeline import Build, step

from .bm25 import DEFAULT_PARAMS, BM25Index, corpus_stats
from .intent import ENTITY_KINDS_FOR_SCOPE, domain_words
from .tokenize import Tokenizer, search_form

SEARCH_DIR = "search"
SEARCHABLE_KINDS = frozenset({"item", "paragraph"})
INDEX_FORMAT = "policykg-search/1"
TOKENS_FILE = "tokens.jsonl"
STATS_FILE = "bm25_stats.json"


@dataclass(frozen=True)
class Row:
    """One searchable clause as the search index keeps it."""

    clause_id: str
    doc_id: str
    doc_title: str
    path: tuple[str, ...]
    text: str
    start: int
    end: int
    kind: str
    entities: tuple[str, ...] = ()
    """Entity ids named in the clause or its headings (alias table, longest match)."""
    scope: tuple[str, ...] = ()
    """Whose rule it is: platform types / programs / centers the clause names,
    else those its document is about (the manifest's ``scope``)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "doc_title": self.doc_title,
            "path": list(self.path),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "entities": list(self.entities),
            "scope": list(self.scope),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Row":
        return cls(
            d["clause_id"],
            d["doc_id"],
            d.get("doc_title", ""),
            tuple(d["path"]),
            d["text"],
            int(d["start"]),
            int(d["end"]),
            d.get("kind", "paragraph"),
            tuple(d.get("entities", ())),
            tuple(d.get("scope", ())),
        )


_KEYS = re.compile(r'^\{"clause_id": "((?:[^"\\]|\\.)*)", "doc_id": "((?:[^"\\]|\\.)*)", "doc_title": "((?:[^"\\]|\\.)*)"')


def _unescape(value: str) -> str:
    return json.loads(f'"{value}"') if "\\" in value else value


class LazyRows(Sequence[Row]):
    """The rows of ``rows.jsonl``, each parsed on first access.

    Why: parsing all 100,000 lines into :class:`Row` objects took 1-3 s of a
    server's start, and a search only ever reads its candidates. The file is
    read as bytes and its line starts found with numpy; the keys every row has
    (clause id, document id and title) are read on first need with one regular
    expression per line (:meth:`keys`), since :meth:`Row.to_dict` writes them
    first; a line that does not match is parsed whole.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        if not data.endswith(b"\n") and data.strip():
            ends = np.append(ends, len(data))
        starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64) if ends.size else np.zeros(0, np.int64)
        keep = np.array([bool(data[a:b].strip()) for a, b in zip(starts.tolist(), ends.tolist())], dtype=bool)  # blank lines hold no row
        self._starts, self._ends = starts[keep], ends[keep].astype(np.int64)
        self._parsed: dict[int, Row] = {}
        self._keys: tuple[list[str], list[str], list[str]] | None = None

    @classmethod
    def read(cls, path: Path) -> "LazyRows":
        return cls(Path(path).read_bytes())

    def _line(self, i: int) -> str:
        return self._data[self._starts[i] : self._ends[i]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        row = self._parsed.get(i)
        if row is None:
            row = self._parsed[i] = Row.from_dict(json.loads(self._line(i)))
        return row

    def keys(self) -> tuple[list[str], list[str], list[str]]:
        """(clause ids, document ids, document titles) of every row, in order."""
        if self._keys is None:
            ids: list[str] = []
            docs: list[str] = []
            titles: list[str] = []
            for i in range(len(self)):
                line = self._line(i)
                m = _KEYS.match(line)
                if m is not None:
                    cid, doc, title = (_unescape(v) for v in m.groups())
                else:
                    d = json.loads(line)
                    cid, doc, title = d["clause_id"], d["doc_id"], d.get("doc_title", "")
                ids.append(cid)
                docs.append(doc)
                titles.append(title)
            self._keys = (ids, docs, titles)
        return self._keys


def row_keys(rows: Sequence[Row]) -> tuple[list[str], list[str], list[str]]:
    """(clause ids, document ids, document titles) of ``rows``, without parsing lazy rows."""
    if isinstance(rows, LazyRows):
        return rows.keys()
    return [r.clause_id for r in rows], [r.doc_id for r in rows], [r.doc_title for r in rows]


def rows_of(documents: Iterable[Document], table: AliasTable) -> list[Row]:
    """The searchable clauses of ``documents`` in document, then text, order."""
    rows: list[Row] = []
    for doc in documents:
        doc_scope = _doc_scope(doc, table)
        in_headings: dict[str, list[Mention]] = {}  # a section's clauses share their headings
        for c in doc.clauses:
            if c.kind in SEARCHABLE_KINDS:
                rows.append(_row(doc, c, table, doc_scope, in_headings))
    return rows


def _doc_scope(doc: Document, table: AliasTable) -> tuple[str, ...]:
    ids = []
    for name in doc.scope:
        ent = table.lookup(name)
        if ent is not None and ent.kind in ENTITY_KINDS_FOR_SCOPE:
            ids.append(ent.id)
    return tuple(dict.fromkeys(ids))


def _row(doc: Document, c: Clause, table: AliasTable, doc_scope: tuple[str, ...], in_headings: dict[str, list[Mention]]) -> Row:
    row = Row(c.clause_id, c.doc_id, doc.title, tuple(c.path), c.text, c.start, c.end, c.kind)
    headings = " ".join(context_path(row))
    if headings not in in_headings:
        in_headings[headings] = table.find_mentions(headings)
    in_path = in_headings[headings]
    in_text = table.find_mentions(c.text)
    entities = tuple(dict.fromkeys(m.entity_id for m in in_path + in_text))
    return replace(row, entities=entities, scope=_scope(in_text) or _scope(in_path) or doc_scope)


def _scope(mentions: Sequence[Mention]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.entity_id for m in mentions if m.kind in ENTITY_KINDS_FOR_SCOPE))


def context_path(row: Row) -> list[str]:
    """The section headings above the clause (the item's own number and 序言 dropped)."""
    return [p for p in row.path if p and not p.isdigit() and p not in (LABELS["preamble"], LABELS["title"])]


def passage_text(row: Row) -> str:
    """What the dense model sees for a clause: its headings, then its text.

    The headings say whose duty a numbered item is (（二）依托高校主要职责 > 5.
    向…报送…), which the item itself often leaves out.
    """
    return piece_text(row, row.text)


MIN_PIECE_CHARS = 6


def pieces_of(text: str) -> list[str]:
    """The sentences of a clause (split at 。；！？ and before 一是/二是 … enumerations).

    Why: a clause such as "第五章考核评估共6条，一是…二是…三是实行年度报告制度，
    每年年底前报送相关材料…" holds several rules; one vector for all of them
    matches none of them well. Scoring a clause by its best sentence (and its
    whole text) lets the sentence that answers carry the clause. A clause of
    one sentence has no pieces (its own vector already is that sentence).
    """
    parts = [text[a:b].strip() for a, b in sentences(text)]
    parts = [p for p in parts if len(p) >= MIN_PIECE_CHARS]
    return parts if len(parts) > 1 else []


def piece_text(row: Row, piece: str) -> str:
    """A sentence with the clause's headings in front, for the same reason as passage_text,
    in search form (simplified, as questions are asked)."""
    ctx = " > ".join(context_path(row))
    return search_form(f"{ctx}：{piece}" if ctx else piece)


def index_tokens(tokenizer: Tokenizer, row: Row, headings: dict[str, list[str]] | None = None) -> list[str]:
    """BM25 tokens of a clause: its headings plus its text (same reason as above).

    The headings and the text are cut apart: the space between them ends a
    jieba block, so the tokens are the same as those of "headings text" cut
    whole, and ``headings`` (tokens by heading line) lets the clauses of one
    section cut their shared headings once instead of once each."""
    path = " ".join(context_path(row))
    if headings is None:
        return tokenizer.tokenize(path + " " + row.text)
    if path not in headings:
        headings[path] = tokenizer.tokenize(path)
    return headings[path] + tokenizer.tokenize(row.text)


def index_token_lists(tokenizer: Tokenizer, rows: Sequence[Row]) -> list[list[str]]:
    """:func:`index_tokens` of every row, in row order; a large index is cut on every core."""
    step = max(1, -(-len(rows) // (4 * workers())))
    chunks = [rows[i : i + step] for i in range(0, len(rows), step)]

    def cut(chunk: Sequence[Row]) -> list[list[str]]:
        headings: dict[str, list[str]] = {}
        return [index_tokens(tokenizer, r, headings) for r in chunk]

    done = map_items(cut, chunks, [sum(len(r.text) for r in c) for c in chunks])
    return [tokens for part in done for tokens in part]


def piece_table(rows: Sequence[Row]) -> tuple[list[str], np.ndarray]:
    """Texts to embed for every row's pieces, and the row index of each piece."""
    texts: list[str] = []
    owners: list[int] = []
    for i, r in enumerate(rows):
        for p in pieces_of(r.text):
            texts.append(piece_text(r, p))
            owners.append(i)
    return texts, np.asarray(owners, dtype=np.int32)


def write_index(
    out_dir: Path,
    rows: Sequence[Row],
    tokenizer: Tokenizer,
    vectors: np.ndarray,
    *,
    model_id: str,
    encoded: int,
    piece_vectors: np.ndarray | None = None,
    piece_rows: np.ndarray | None = None,
) -> dict[str, Any]:
    """Write rows, BM25 and the embedding matrices into ``out_dir``; returns the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "rows.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    tokens = index_token_lists(tokenizer, rows)
    BM25Index.build(tokens).save(out_dir / "bm25")
    with (out_dir / TOKENS_FILE).open("w", encoding="utf-8") as fh:
        for toks in tokens:
            fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
    (out_dir / STATS_FILE).write_text(json.dumps(corpus_stats(tokens), ensure_ascii=False), "utf-8")
    np.save(out_dir / "embeddings.npy", np.ascontiguousarray(vectors, dtype=np.float32))
    if piece_vectors is None or piece_rows is None:
        piece_vectors, piece_rows = np.zeros((0, vectors.shape[1]), np.float32), np.zeros(0, np.int32)
    np.save(out_dir / "pieces.npy", np.ascontiguousarray(piece_vectors, dtype=np.float32))
    np.save(out_dir / "piece_rows.npy", np.asarray(piece_rows, dtype=np.int32))
    manifest = {
        "format": INDEX_FORMAT,
        "rows": len(rows),
        "pieces": int(len(piece_rows)),
        "dim": int(vectors.shape[1]) if vectors.ndim == 2 else 0,
        "model_id": model_id,
        "encoded": encoded,
        "bm25": DEFAULT_PARAMS,
        "user_words": len(tokenizer.user_words),
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    return manifest


def _model_identity(build: Build) -> str:
    from .model_home import model_identity

    return model_identity(build.data_dir)


@step("index_clauses", order=40, requires=("documents", "aliases"), assigns=("search",), identity=_model_identity)
def index_clauses(build: Build) -> None:
    """Build the search indexes of the staged store (needs the built model)."""
    from .dense import EmbeddingCache, encode_passages_cached
    from .model_home import embedding_cache_dir, open_encoder

    # the table the graph was built with: curated names plus what the documents introduced
    rows = rows_of(build.documents, build.artifacts["aliases"])
    tokenizer = Tokenizer(domain_words())
    # A caller that already holds the loaded model (the API on a write) passes it in the options;
    # otherwise the weights load only if some text is not in the cache.
    encoder = build.options.get("encoder") or open_encoder(build.data_dir, lazy=True)
    t0 = time.perf_counter()
    piece_texts, piece_rows = piece_table(rows)
    with EmbeddingCache(embedding_cache_dir(build.data_dir) / "embeddings") as cache:
        vectors, encoded = encode_passages_cached(encoder, cache, [passage_text(r) for r in rows] + piece_texts)
    manifest = write_index(
        Path(build.out_dir) / SEARCH_DIR,
        rows,
        tokenizer,
        vectors[: len(rows)],
        model_id=encoder.model_id,
        encoded=encoded,
        piece_vectors=vectors[len(rows) :],
        piece_rows=piece_rows,
    )
    build.summary["search"] = {"rows": manifest["rows"], "encoded": encoded, "encode_seconds": round(time.perf_counter() - t0, 2)}
    build.artifacts["search"] = manifest
