"""Chinese (and English) tokenization for lexical search: the only jieba user.

Why one module: BM25 only works when clauses and queries are cut the same
way, so indexing, querying, the baselines and the benchmarks all call
:class:`Tokenizer` here, and the domain dictionary (the alias table's surface
forms, e.g. 高精尖中心, 北京市技术创新中心) is loaded in one place.

Choices, measured on the dev set (see search/evaluate.py):

* ``cut_for_search`` rather than ``cut``: it also emits the dictionary words
  inside a long word (北京市 → 北京, 京市, 北京市), so a query saying
  技术创新中心 still matches a clause saying 北京市技术创新中心;
* NFKC first, so full-width letters, digits and punctuation equal their
  half-width forms, then lower case for English;
* punctuation, whitespace, one-character function words and question words
  are dropped: they carry no topic and only add noise to BM25.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

import jieba
import numpy as np

from ingest.aliases import Translation, t2s_table

# Function words and question words with no topical content. Kept short on
# purpose: words such as 应当/负责/报送 carry the legal force and the action
# and must stay searchable.
ZH_STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 等 是 在 对 为 将 把 被 由 从 向 以 于 之 其 而 并 也 都 就 还 又 个 这 那 该 此
    吗 呢 吧 啊 么 呀 嘛 哪 谁 啥 什么 哪些 哪个 哪里 怎么 怎样 怎么样 如何 是否 有没有 能不能 可不可以
    要不要 会不会 多少 几 多久 我 我们 你 你们 他 他们 她 它 咱们 自己 一下 一些 有 没有 没 不 可以 能
    会 要 得 想 打算 请问 应该
    """.split()
)
EN_STOPWORDS = frozenset(
    """
    a an the of to in on for and or is are was were be been being by with as at from that this these those
    it its what which who whom whose when where why how do does did can could should would will shall may might
    must i we you he she they my our your their me us them there here any some all no not if then than so
    about into under over up down out
    """.split()
)

_KEEP = re.compile(r"[\w]", re.UNICODE)
_LOG_LOCK = threading.Lock()


_RUBY = re.compile(r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
"""A pinyin reading after its character, 國(guó)家: ruby annotations that a web copy
flattened into the text (a toned vowel tells them from a bracketed letter)."""


@functools.lru_cache(maxsize=1)
def _simplified() -> Translation:
    return Translation(t2s_table())


def search_form(text: str) -> str:
    """What search reads of a text: simplified characters, flattened ruby readings dropped.

    Why: sources arrive in traditional characters too (the same 经费 as 經費) and
    questions are asked in simplified ones; both lists, BM25 and dense, must see
    one form. Character by character (ingest.aliases' OpenCC table), so cheap
    enough for every clause."""
    return _RUBY.sub("", _simplified()(text))


def normalize(text: str) -> str:
    """Search form, NFKC and lower case: full-width ＡＢＣ１２３ and half-width forms compare equal."""
    return unicodedata.normalize("NFKC", search_form(text)).lower()


class GeneralIdf:
    """How rare each word is in general Chinese: the IDF table jieba ships for its
    keyword extractor (jieba/analyse/idf.txt, 270,000 words); a word it does not
    list gets the table's median, as jieba gives it.

    Why general and not the corpus's own IDF: a question's most telling words are
    the ones rare in the language (公积金, 门诊, 伦理审查), whether or not the
    corpus holds them; the corpus's IDF cannot weigh a word it has never seen.
    Kept as the words' sorted 64-bit hashes beside float32 values (3 MB; a dict of
    270,000 strings took 36 MB), looked up by binary search; the hashes are this
    process's (str hashing is salted per process), and the table is never stored."""

    def __init__(self, entries: Iterable[tuple[str, float]]) -> None:
        keys, values = array("q"), array("f")
        for word, value in entries:
            keys.append(hash(word))
            values.append(value)
        order = np.argsort(np.frombuffer(keys, dtype=np.int64), kind="stable")
        self._keys = np.frombuffer(keys, dtype=np.int64)[order]
        self._values = np.frombuffer(values, dtype=np.float32)[order]
        self.median = float(np.median(self._values)) if self._values.size else 1.0

    def __len__(self) -> int:
        return int(self._keys.size)

    def weight(self, word: str) -> float:
        """The word's IDF, or the median when the table does not list it."""
        key = hash(word)
        k = int(np.searchsorted(self._keys, key))
        return float(self._values[k]) if k < self._keys.size and self._keys[k] == key else self.median


@functools.lru_cache(maxsize=1)
def general_idf() -> GeneralIdf:
    """The general IDF table (:class:`GeneralIdf`), read once, from the file and not by
    importing jieba.analyse, which would build its extractor at import."""
    path = Path(jieba.__file__).with_name("analyse") / "idf.txt"

    def entries() -> Iterable[tuple[str, float]]:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                word, _, value = line.strip().partition(" ")
                if word and value:
                    yield word, float(value)

    return GeneralIdf(entries())


class Tokenizer:
    """jieba segmentation with the domain dictionary and stopword removal.

    ``user_words`` are surface forms that must stay whole (platform types,
    agencies, programs, center names); they are added to a private
    ``jieba.Tokenizer`` so two tokenizers with different dictionaries never
    interfere through jieba's global default instance.
    """

    def __init__(self, user_words: Iterable[str] = (), *, stopwords: frozenset[str] | None = None) -> None:
        self.user_words = tuple(sorted({normalize(w).strip() for w in user_words if w and w.strip()}))
        self.stopwords = stopwords if stopwords is not None else ZH_STOPWORDS | EN_STOPWORDS
        with _LOG_LOCK:
            jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        if jieba.dt.initialized:
            # ingest's part-of-speech tagger has read jieba's dictionary into the default
            # tokenizer already, and nothing adds words to that one: a copy of its table
            # costs a fraction of reading the same cache again (about a second)
            self._jieba.FREQ, self._jieba.total = dict(jieba.dt.FREQ), jieba.dt.total
            self._jieba.initialized = True
        else:
            self._jieba.initialize()
        for word in self.user_words:
            # A high frequency makes jieba keep the word whole in `cut`; the
            # search mode still emits its dictionary sub-words.
            self._jieba.add_word(word, freq=200_000)

    def tokenize(self, text: str) -> list[str]:
        """The BM25 tokens of ``text`` (order kept, duplicates kept)."""
        out: list[str] = []
        for token in self._jieba.cut_for_search(normalize(text)):
            token = token.strip()
            if not token or token in self.stopwords or not _KEEP.search(token):
                continue
            out.append(token)
        return out

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def words(self, text: str) -> list[str]:
        """Plain jieba words (``cut``), stopwords kept: for matching phrases, not BM25."""
        return [w for w in self._jieba.cut(normalize(text)) if w.strip()]
