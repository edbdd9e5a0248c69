"""The abstention features of issue 14 (item 3): how much of what a question names
the best clauses say, weighed by how rare each word is in general Chinese, and how
much of it the corpus never says (search/answer.py question_units,
weighted_coverage, unseen_share). Made-up questions and clauses, no model."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from search.answer import question_units, unseen_share, weighted_coverage
from search.index import Row
from search.intent import analyze
from search.tokenize import general_idf


@dataclass
class StubSearcher:
    rows: list[Row]
    vocabulary: frozenset[str] = frozenset()

    def row(self, i: int) -> Row:
        return self.rows[i]

    def in_corpus(self, token: str) -> bool:
        return token in self.vocabulary


def _row(text: str, path: tuple[str, ...] = (), title: str = "某某管理办法") -> Row:
    return Row("x:1", "x", title, path, text, 0, len(text), "item")


def test_words_rare_in_general_chinese_weigh_more() -> None:
    idf = general_idf()
    assert len(idf) > 100_000
    assert idf.weight("公积金") > idf.weight("办理") > idf.weight("如何") > 0
    assert idf.weight("公积金") == pytest.approx(8.36334338496)  # jieba/analyse/idf.txt
    assert idf.weight("没有这个词语") == idf.median > idf.weight("门诊")  # a word jieba does not list counts as rare, as in jieba


def test_coverage_is_weighted_and_reads_headings_titles_and_traditional_characters() -> None:
    units = [(10.0, ("公积金",)), (1.0, ("办理",))]
    s = StubSearcher(
        [_row("按规定办理。"), _row("提取住房公積金。"), _row("按规定提出。", path=("公积金提取",)), _row("无关。", title="公积金管理条例")]
    )
    assert weighted_coverage(s, units, 0) == pytest.approx(1 / 11)
    for i in (1, 2, 3):  # traditional characters, a heading, the document's title
        assert weighted_coverage(s, units, i) == pytest.approx(10 / 11)


def test_unseen_share_counts_what_no_clause_says() -> None:
    units = [(10.0, ("公积金",)), (1.0, ("办理",)), (1.0, ())]  # a word the dictionary does not know is said by nothing
    s = StubSearcher([], frozenset({"办理"}))
    assert unseen_share(s, units) == pytest.approx(11 / 12)
    assert unseen_share(s, []) == 0.0


def test_an_english_question_is_one_unit_per_content_word_said_by_its_chinese_words() -> None:
    a = analyze("How is the Fraunhofer network funded?")
    units = question_units(StubSearcher([]), a)
    assert len(units) == 3 and all(weight == 1.0 for weight, _ in units)  # fraunhofer, network, funded
    assert units[0] == (1.0, ())  # Fraunhofer: no Chinese word says it
    assert "网络" in units[1][1]
