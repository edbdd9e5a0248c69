"""The project's one lexicon: every cue word, verb list and glossary, as data.

Vocabulary changes every time a new kind of document arrives; grammar does
not.  So the words live in ``ingest/lexicon/*.yaml`` (one file per stage:
``extraction.yaml``, ``search.yaml``, ``overlap.yaml``), each stage reads them
through this module, and code keeps only the grammar that combines them.

A word class is addressed by a dotted path: ``words("extraction.modality.must")``
is the list under ``modality: must:`` in ``extraction.yaml``.  Regular
expressions are written in code with ``{class.path}`` placeholders and
compiled by :func:`compile_re`, which substitutes each class as an escaped
alternation, longest word first (so 应当 wins over 应)::

    compile_re(r"^(?:{extraction.modality.must})")

``{=class.path}`` keeps the file's order instead, for the few classes where a
regex must try an earlier word first.  A mapping of words to values (directive
→ modality) gives its words; :func:`mapping` gives the values.

An entry may also be a mapping ``{word: 应, not_in: [相应, 适应]}``: the word
is a cue except inside the listed longer words.  :func:`cue` builds a
:class:`Cue` matcher that honours those exclusions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any, Iterator

import yaml

from .errors import CorpusError

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_0-9]+)+)\}")
_ORDERED = re.compile(r"\{=([a-z_]+(?:\.[a-z_0-9]+)+)\}")


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """Every lexicon file, keyed by file stem (``extraction``, ``search`` …).

    Read with libyaml's parser where PyYAML has it (the same safe constructors
    build the same values): the pure-Python one took about 0.3 s of every
    ingest and every command that reads a text."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, Any] = {}
    for path in sorted(LEXICON_DIR.glob("*.yaml")):
        try:
            out[path.stem] = yaml.load(path.read_text("utf-8"), Loader=loader) or {}
        except yaml.YAMLError as err:
            raise CorpusError(f"lexicon {path.name} is not valid YAML: {err}") from err
    return out


def entry(path: str) -> Any:
    """The raw value at a dotted path (a list, a mapping or a scalar)."""
    node: Any = lexicon()
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"lexicon has no {path!r} (missing {key!r})")
        node = node[key]
    return node


def _flatten(value: Any) -> Iterator[Any]:
    """Words of a class; a mapping of sub-classes gives all their words, and a
    mapping of words to values (directive → modality) gives its words."""
    if isinstance(value, dict) and "word" not in value and value and all(isinstance(v, str) for v in value.values()):
        yield from value.keys()
    elif isinstance(value, dict) and "word" not in value:
        for sub in value.values():
            yield from _flatten(sub)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item) if isinstance(item, (list,)) else [item]
    elif value is not None:
        yield value


@functools.lru_cache(maxsize=None)
def words(path: str) -> tuple[str, ...]:
    """The words of a class (exclusions dropped), in file order, de-duplicated;
    cached, because extractors ask for the same class on every clause."""
    out = [str(w["word"]) if isinstance(w, dict) else str(w) for w in _flatten(entry(path))]
    return tuple(dict.fromkeys(out))


def mapping(path: str) -> dict[str, Any]:
    """A class that maps words to values (e.g. directive verb → modality)."""
    value = entry(path)
    if not isinstance(value, dict):
        raise KeyError(f"lexicon {path!r} is not a mapping")
    return value


def alternation(path: str) -> str:
    """The class as a regex alternation, longest first, escaped (no group)."""
    ws = sorted(words(path), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ws) if ws else "(?!)"


def ordered(path: str) -> str:
    """The class as a regex alternation in file order, escaped: for classes
    where an earlier word must win (a regex tries alternatives left to right)."""
    ws = words(path)
    return "|".join(re.escape(w) for w in ws) if ws else "(?!)"


def expand(pattern: str) -> str:
    """``pattern`` with each ``{class.path}`` replaced by ``(?:alternation)``
    (longest word first) and each ``{=class.path}`` by the file-order one."""
    pattern = _ORDERED.sub(lambda m: f"(?:{ordered(m.group(1))})", pattern)
    return _PLACEHOLDER.sub(lambda m: f"(?:{alternation(m.group(1))})", pattern)


@functools.lru_cache(maxsize=None)
def compile_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a grammar pattern whose word classes come from the lexicon."""
    return re.compile(expand(pattern), flags)


_MAX_REQUIRED = 64
"""A larger set of characters (a CJK range, ``\\d``) is no quick test."""


@functools.lru_cache(maxsize=None)
def required_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` holds at least one, or None
    when the pattern has no such small set (it may match without any literal).

    Most patterns are tried on texts that cannot hold them (a date pattern on a
    sentence without 年 or 月); a text without any of these characters is
    skipped without running the regex, which gives the same matches (none).
    Read from the parsed pattern, so it follows the pattern as written: a
    literal, a small character class, a group, a repeat of at least one, and
    each branch of an alternation each require characters; a sequence requires
    those of its most selective element."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _required(_sre_parser.parse(pattern.pattern, pattern.flags))


def _required(items: Any) -> frozenset[str] | None:
    """The smallest required set of any element of a parsed sequence."""
    best: frozenset[str] | None = None
    for op, av in items:
        got = _required_one(op, av)
        if got is not None and (best is None or len(got) < len(best)):
            best = got
    return best


def _required_one(op: Any, av: Any) -> frozenset[str] | None:
    """What one parsed element requires (None: nothing, or too much to test)."""
    if op is _sre.LITERAL:
        return frozenset(chr(av))
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < _MAX_REQUIRED:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:
                return None  # a negated set, a category (\d) or a wide range
        return frozenset(chars) if len(chars) <= _MAX_REQUIRED else None
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _required(sub)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _required(sub) if low >= 1 else None
    if op is _sre.ATOMIC_GROUP:
        return _required(av)
    if op is _sre.BRANCH:
        branches = [_required(b) for b in av[1]]
        if any(b is None for b in branches):
            return None
        union = frozenset().union(*branches)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_REQUIRED else None
    return None  # anchors, lookarounds, any character, back-references


@dataclass(frozen=True)
class CueMatch:
    word: str
    start: int
    end: int


class Cue:
    """Occurrences of a class's words, minus those inside an excluded longer
    word (应 is a modal, but not in 相应 or 应用)."""

    def __init__(self, path: str) -> None:
        items = list(_flatten(entry(path)))
        self.words = sorted({str(i["word"]) if isinstance(i, dict) else str(i) for i in items}, key=lambda w: (-len(w), w))
        self._re = re.compile("|".join(re.escape(w) for w in self.words) or "(?!)")
        self._not_in: dict[str, list[str]] = {}
        for i in items:
            if isinstance(i, dict) and i.get("not_in"):
                self._not_in[str(i["word"])] = [str(x) for x in i["not_in"]]

    def _excluded(self, text: str, m: re.Match[str]) -> bool:
        for longer in self._not_in.get(m.group(0), ()):
            k = longer.find(m.group(0))
            while k >= 0:
                a = m.start() - k
                if a >= 0 and text[a : a + len(longer)] == longer:
                    return True
                k = longer.find(m.group(0), k + 1)
        return False

    def finditer(self, text: str) -> Iterator[CueMatch]:
        for m in self._re.finditer(text):
            if not self._excluded(text, m):
                yield CueMatch(m.group(0), m.start(), m.end())

    def search(self, text: str) -> CueMatch | None:
        return next(self.finditer(text), None)

    def occurs_in(self, text: str) -> bool:
        """Whether any word of the class occurs in ``text``, excluded or not: when
        not, neither :meth:`finditer` on it nor on any part of it finds anything."""
        return self._re.search(text) is not None


@functools.lru_cache(maxsize=None)
def cue(path: str) -> Cue:
    """The (cached) matcher of a cue class."""
    return Cue(path)


class Either:
    """The first match of several matchers (a :class:`Cue` and a grammar
    pattern), so a class with exclusions and a rule with context read as one."""

    def __init__(self, *matchers: Cue | re.Pattern[str]) -> None:
        self.matchers = matchers

    def search(self, text: str) -> CueMatch | re.Match[str] | None:
        found = [m for m in (x.search(text) for x in self.matchers) if m is not None]
        return min(found, key=lambda m: m.start if isinstance(m, CueMatch) else m.start()) if found else None
