"""bm25s against the reference rank_bm25, on the real clauses (after bm25s's
own tests/comparison/test_rank_bm25.py), plus the index's own behaviour."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest
import rank_bm25

from ingest.aliases import load_aliases
from search.bm25 import BM25Index, corpus_stats, stats_scores
from search.index import index_tokens, rows_of
from search.intent import domain_words
from search.tokenize import Tokenizer

QUERIES = [
    "高精尖中心多久要组织一次国际同行评估",
    "技术创新中心 年度报告 报送",
    "市属高校 科研计划 一般项目",
    "经费 预算 调整 备案",
    "北京实验室 建设",
    "学术不端 诚信 机制",
    "怀柔科学城 大科学装置",
]


@pytest.fixture(scope="module")
def corpus(documents):
    tok = Tokenizer(domain_words())
    rows = rows_of(documents, load_aliases())
    return tok, [index_tokens(tok, r) for r in rows]


def test_scores_match_rank_bm25(corpus) -> None:
    tok, docs = corpus
    ours = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="robertson")
    ours.index(docs, show_progress=False)
    ref = rank_bm25.BM25Okapi(docs, k1=1.5, b=0.75, epsilon=0.0)
    for q in QUERIES:
        qt = [t for t in tok.tokenize(q) if t in ours.vocab_dict]
        assert np.allclose(ours.get_scores(qt), ref.get_scores(qt), atol=1e-4), q


def test_index_ranks_matching_clause_first(corpus) -> None:
    tok, docs = corpus
    idx = BM25Index.build(docs)
    scores = idx.scores(tok.tokenize("国际同行评估"))
    best = int(np.argmax(scores))
    assert "国际同行评估" in "".join(docs[best])


def test_unknown_tokens_score_zero(corpus) -> None:
    _, docs = corpus
    idx = BM25Index.build(docs)
    assert not idx.scores(["完全不存在的词xyz"]).any()
    assert not idx.scores([]).any()


def test_save_load_roundtrip(corpus, tmp_path) -> None:
    tok, docs = corpus
    idx = BM25Index.build(docs)
    idx.save(tmp_path / "bm25")
    again = BM25Index.load(tmp_path / "bm25")
    q = tok.tokenize("年度绩效目标")
    assert np.allclose(idx.scores(q), again.scores(q))


def test_scores_from_statistics_equal_the_index_bit_for_bit(corpus) -> None:
    """What a search over Neo4j alone scores with (a clause's length and term counts, the
    corpus statistics; search/neo4j_index.py) gives the bm25s index's float32 scores exactly,
    repeated query terms and unknown ones included, so both backends rank alike."""
    from collections import Counter

    tok, docs = corpus
    index = BM25Index.build(docs)
    stats = corpus_stats(docs)
    lengths = [len(d) if d else 1 for d in docs]
    counts = [Counter(d) for d in docs]
    for q in [*QUERIES, "评估 评估 评估 中心", "没有这个词语zzz 经费"]:
        qt = tok.tokenize(q)
        assert np.array_equal(stats_scores(qt, stats, lengths, counts), index.scores(qt)), q


def test_headings_cut_once_give_the_tokens_of_the_whole_line(corpus, documents) -> None:
    """index_tokens with a heading memo (what the index build uses) equals cutting
    "headings text" whole: a space ends every jieba block."""
    tok, whole = corpus
    headings: dict[str, list[str]] = {}
    rows = rows_of(documents, load_aliases())
    assert [index_tokens(tok, r, headings) for r in rows] == whole
    assert len(headings) < len(rows)  # the memo was used
