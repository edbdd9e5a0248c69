"""The lexical index: BM25 over jieba tokens, backed by the ``bm25s`` library.

Why bm25s and not rank_bm25 (measured by benchmarks/bench_search.py on the
real clauses and on the synthetic 100k-clause corpus; figures in the report):

* same scores: with ``method="atire", idf_method="robertson"`` bm25s gives
  rank_bm25's ``BM25Okapi(epsilon=0)`` scores to float tolerance (the test
  tests/search/test_bm25.py checks this on the real clauses, after bm25s's
  own comparison test);
* it precomputes the scores into a sparse matrix, so scoring a query is a
  sum of a few sparse rows instead of a Python loop over every document:
  at 100k clauses that is milliseconds against rank_bm25's hundreds;
* it saves and memory-maps its index (numpy files + JSON vocabulary), so the
  store loads fast and needs no pickle.

The production configuration is bm25s's default Lucene variant (its idf is
never negative, so a term found in most clauses cannot push a clause down).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

DEFAULT_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}


class BM25Index:
    """A BM25 index over token lists; :meth:`scores` gives every document a score."""

    def __init__(self, model: bm25s.BM25, n_docs: int) -> None:
        self._model = model
        self.n_docs = n_docs

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]], **params: object) -> "BM25Index":
        """Index ``corpus_tokens`` (one token list per clause, in clause order)."""
        merged = {**DEFAULT_PARAMS, **params}
        model = bm25s.BM25(**merged)  # type: ignore[arg-type]
        # bm25s wants every document to have a token; an empty clause gets
        # none of the query's tokens anyway.
        docs = [list(toks) if toks else [""] for toks in corpus_tokens]
        model.index(docs, show_progress=False)
        return cls(model, len(docs))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query, float32, 0 when nothing matches."""
        vocab = self._model.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._model.save(str(directory), show_progress=False)
        (directory / "policykg_bm25.json").write_text(json.dumps({"n_docs": self.n_docs}), "utf-8")

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False) -> "BM25Index":
        directory = Path(directory)
        meta = json.loads((directory / "policykg_bm25.json").read_text("utf-8"))
        model = bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False, verbosity=0)
        return cls(model, int(meta["n_docs"]))
