"""jieba tokenization with the alias dictionary (real jieba, real alias table)."""

from __future__ import annotations

import pytest

from search.intent import domain_words
from search.tokenize import Tokenizer, normalize, search_form


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer(domain_words())


def test_domain_words_stay_whole(tok: Tokenizer) -> None:
    words = tok.words("北京市技术创新中心依托单位向市教委报送年度报告")
    assert "北京市技术创新中心" in words
    assert "市教委" in words


def test_search_mode_also_emits_subwords(tok: Tokenizer) -> None:
    tokens = tok.tokenize("高精尖创新中心")
    assert "高精尖创新中心" in tokens and "创新" in tokens


def test_stopwords_and_punctuation_dropped(tok: Tokenizer) -> None:
    tokens = tok.tokenize("高精尖中心的经费是多少？")
    assert "的" not in tokens and "？" not in tokens and "多少" not in tokens
    assert "经费" in tokens


def test_fullwidth_and_case_normalized(tok: Tokenizer) -> None:
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert tok.tokenize("The Host University") == ["host", "university"]


def test_empty_text_gives_no_tokens(tok: Tokenizer) -> None:
    assert tok.tokenize("") == []
    assert tok.tokenize("？！，。") == []


def test_traditional_and_ruby_readings_meet_simplified(tok: Tokenizer) -> None:
    # a web copy in traditional characters with its pinyin readings flattened into the text
    assert search_form("國(guó)家級(jí)創(chuàng)新平臺(tái)") == "国家级创新平台"
    assert tok.tokenize("申報經費") == tok.tokenize("申报经费")


def test_bracketed_letters_are_not_readings() -> None:
    assert search_form("附件(a)和第(1)项") == "附件(a)和第(1)项"


def test_copying_the_loaded_dictionary_cuts_as_reading_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # ingest's tagger loads jieba's default tokenizer first; the search tokenizer then copies its table
    import jieba

    jieba.dt.initialize()
    copied = Tokenizer(domain_words())
    monkeypatch.setattr(jieba.dt, "initialized", False)
    read = Tokenizer(domain_words())
    monkeypatch.undo()
    text = "各高精尖中心应于每年11月30日前向市教委报送年度报告，考核不合格的平台须进行为期半年的整改。"
    assert copied.tokenize(text) == read.tokenize(text) and copied.words(text) == read.words(text)
    assert copied._jieba.FREQ is not jieba.dt.FREQ  # user words go into the copy only
