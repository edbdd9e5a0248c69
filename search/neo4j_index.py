"""The search index of a Neo4j store: what a Searcher reads when the local data directory holds only the model.

With ``--backend neo4j`` the CLI and ``policykg serve`` build their Searcher
over :class:`StoreIndex` instead of the files of ``<data>/current/search``:

* lexical candidates come from the database's full-text index over each
  clause's jieba tokens (written by the loader from the same ``index_tokens``
  the embedded BM25 index is built from; whitespace analyzer). Lucene picks
  the :data:`LEXICAL_POOL` best matches by its own BM25, and they are scored
  here exactly as the embedded bm25s index scores them (search/bm25.py
  stats_scores, from the generation's statistics stored beside it): Lucene's
  scores depend on its one-byte length norms and on index-wide statistics
  that still count the clauses of replaced generations until its segments
  merge, so they are used to find, not to rank. Up to LEXICAL_POOL matching
  clauses the BM25 list equals the embedded one;
* dense candidates from the vector index (clause vectors, exact cosine: the
  :data:`DENSE_POOL` nearest), rescored here as the embedded index scores
  them: the best of the clause's own vector and its sentences' vectors
  (stored on the Clause node). Up to DENSE_POOL clauses that is exact too;
  beyond, a clause whose sentence is near but whose whole text is not can be
  missed (the embedded index approximates there as well, by a projection);
* rows, vectors and the facts stated in a clause (the graph features and the
  rule fields of ``ask``) are read for the candidates only, by Cypher.

An index is pinned to the generation that was live when it was made: every
read names it, so one question never mixes two loads. :meth:`is_current`
says whether a newer generation has been switched in since (the API then
builds a new Searcher; see api/deps.py). Row positions (what the Searcher
calls row indices) are the clauses' positions in the search index the
generation was loaded from, so they equal the embedded index's row indices.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from graph.errors import BackendUnavailableError

from .bm25 import stats_scores
from .index import Row

DIM = 384
LEXICAL_POOL = 2_000
"""Matching clauses Lucene hands over for exact BM25 scoring (all of them when fewer match)."""
DENSE_POOL = 300
"""Nearest clauses (by their own vector) the vector index hands over for rescoring with their sentences."""


class StoreRows(Sequence[Row]):
    """The rows of one generation by position; a row is there once :meth:`StoreIndex.fetch` read it."""

    def __init__(self, total: int) -> None:
        self._rows: dict[int, Row] = {}
        self._total = total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            raise TypeError("a store index's rows are read by position only")
        try:
            return self._rows[int(i)]
        except KeyError:
            raise IndexError(f"row {i} was not fetched from the store") from None

    def fetched(self, i: int) -> bool:
        return i in self._rows

    def put(self, i: int, row: Row) -> None:
        self._rows[i] = row


class StoreIndex:
    """Candidates and candidate data from a graph store's search methods (graph/neo4j_store.py:
    ``search_lexical``, ``search_stats``, ``search_dense``, ``search_rows``, ``search_documents``,
    ``search_count``, ``search_facts``), for one generation. Score vectors are full length
    (one float per row, as SearchIndex's), so the Searcher picks candidates from them with
    the same code (hybrid.top_indices)."""

    remote = True
    dim = DIM

    def __init__(self, store: Any, generation: str | None = None) -> None:
        self.store = store
        self.generation = generation or store.generation()
        self._stats = store.search_stats(self.generation)
        self._documents = store.search_documents(self.generation)
        self.rows = StoreRows(store.search_count(self.generation))
        self._vectors: dict[int, np.ndarray] = {}
        self._pieces: dict[int, np.ndarray] = {}
        self._facts: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def is_current(self) -> bool:
        """Is this index's generation still the live one?"""
        return bool(self.store.generation() == self.generation)

    def doc_titles(self) -> list[tuple[str, str]]:
        """(document id, title) of every document with searchable clauses, in row order."""
        return list(self._documents)

    # -- lexical ---------------------------------------------------------------
    def has_term(self, term: str) -> bool:
        """Does some clause of this generation hold ``term``?"""
        return term in self._stats["df"]

    def lexical_scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, bool]:
        """BM25 of every row (0 where no query term is held) and whether that is all of them:
        False when more than LEXICAL_POOL clauses match, and the others were left at 0."""
        positions, scores = self._lexical(tokens, LEXICAL_POOL)
        full = np.zeros(len(self.rows), dtype=np.float32)
        full[positions] = scores
        return full, len(positions) < LEXICAL_POOL

    def lexical_of(self, tokens: Sequence[str], positions: np.ndarray) -> np.ndarray:
        """BM25 of the fetched rows at ``positions`` (0 for one that holds no query term)."""
        ids = [self.rows[int(i)].clause_id for i in positions]
        found, scores = self._lexical(tokens, len(ids), ids)
        by_pos = dict(zip(found.tolist(), scores.tolist()))
        return np.array([by_pos.get(int(i), 0.0) for i in positions], dtype=np.float32)

    def _lexical(self, tokens: Sequence[str], limit: int, ids: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The matching clauses' positions and their BM25, as the embedded index scores them."""
        df = self._stats["df"]
        terms = list(dict.fromkeys(t for t in tokens if t in df))
        matches = self.store.search_lexical(self.generation, terms, limit, ids) if terms else []
        scores = stats_scores(tokens, self._stats, [m[2] for m in matches], [dict(zip(terms, m[3])) for m in matches])
        return np.array([m[1] for m in matches], dtype=np.int64), scores

    # -- dense -----------------------------------------------------------------
    def dense_scores(self, qvec: np.ndarray) -> np.ndarray:
        """Cosine of every row: exact (best of clause and sentences) for the DENSE_POOL clauses
        nearest by their own vectors, -inf for the others (ranked below them)."""
        hits = self.store.search_dense(self.generation, [float(x) for x in qvec], DENSE_POOL)
        positions = np.array([h[1] for h in hits], dtype=np.int64)
        full = np.full(len(self.rows), -np.inf, dtype=np.float32)
        full[positions] = self.dense_of(qvec, positions)
        return full

    def dense_of(self, qvec: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of each row at ``positions``: the best of its whole text and its sentences
        (SearchIndex.dense's score, exact)."""
        from .service import one_blas_thread

        self.fetch(positions)
        rows = positions.tolist()
        if not rows:
            return np.zeros(0, dtype=np.float32)
        with one_blas_thread():  # the same products as SearchIndex.dense: a matrix of clause vectors, one of sentences
            scores = np.stack([self._vectors[i] for i in rows]) @ qvec
            with_pieces = [k for k, i in enumerate(rows) if len(self._pieces[i])]
            if with_pieces:
                lengths = np.array([len(self._pieces[rows[k]]) for k in with_pieces])
                offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
                best = np.maximum.reduceat(np.concatenate([self._pieces[rows[k]] for k in with_pieces]) @ qvec, offsets)
                scores[with_pieces] = np.maximum(scores[with_pieces], best)
        return scores.astype(np.float32)

    def sentence_vectors(self, i: int) -> np.ndarray:
        """The embeddings of row ``i``'s sentences (none for a clause of one sentence)."""
        return self._pieces[i]

    # -- candidate data --------------------------------------------------------
    def fetch(self, positions: np.ndarray) -> None:
        """Read the rows, vectors and facts of the rows at ``positions`` not read yet."""
        missing = [int(i) for i in positions if not self.rows.fetched(int(i))]
        if not missing:
            return
        found = self.store.search_rows(self.generation, missing)
        if len(found) < len(missing):  # a load switched in a newer generation and dropped this one meanwhile
            raise BackendUnavailableError(
                f"generation {self.generation} of the Neo4j graph was replaced during the search",
                hint="ask again: the next request reads the new generation",
            )
        facts = self.store.search_facts(self.generation, [r["clause_id"] for r in found])
        with self._lock:
            for r in found:
                pos = r["pos"]
                self._vectors[pos] = np.asarray(r["embedding"], dtype=np.float32)
                self._pieces[pos] = np.asarray(r["pieces"], dtype=np.float32).reshape(-1, DIM)
                self._facts[r["clause_id"]] = facts.get(r["clause_id"], [])
                self.rows.put(pos, Row.from_dict(r["row"]))

    def graph_facts(self, clause_id: str) -> list[dict[str, Any]]:
        """The facts stated in a fetched clause (rules_for rows, in its order)."""
        return self._facts.get(clause_id, [])
