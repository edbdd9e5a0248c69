"""The one alias table: load it, find entity mentions in text, resolve names.

Every name a document, a center record or a user may use for an entity
(高精尖中心 = 高精尖创新中心 = 北京高等学校高精尖创新中心 = Beijing Advanced
Innovation Center) must land on one graph node, so all of them live in
``corpus/aliases.yaml`` and every consumer goes through this module:

* the extractors and ``graph/build.py`` link clauses to entities with
  :meth:`AliasTable.find_mentions` (longest match first, exact offsets);
* ``search/tokenize.py`` loads :func:`jieba_userdict_lines` so jieba keeps
  the names whole;
* the CLI / API resolve a user's name with :meth:`AliasTable.resolve`, which
  answers a clear :class:`NotFoundError` with the nearest known names.

Matching is on a normalized form (traditional → simplified, full-width ASCII →
half-width, ASCII case-folded) that keeps string length, so offsets found on
the normalized text are offsets into the original text.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

import yaml

from . import lexicon as L
from .errors import CorpusError, NotFoundError

ALIASES_FILE = Path(__file__).resolve().parent.parent / "corpus" / "aliases.yaml"
CORPUS_ALIASES = "aliases.yaml"
"""The name of a corpus directory's own alias table, read instead of the default one."""
FORMAT = "policykg-aliases/1"
KINDS = ("PlatformType", "Platform", "Program", "Place", "Organization", "Role", "Field", "Mechanism")
"""Node kinds the alias table may hold (labels of graph/schema.py)."""
TARGET_KINDS = ("PlatformType", "Program")
"""Kinds a rule can be written for: a fact applies to the platform types and
programs its clause names (see :meth:`AliasTable.rule_targets`)."""

_JIEBA_FREQ = 200000
"""Frequency written into the jieba user dictionary: high enough that jieba
never splits a known name, the usual setting for domain dictionaries."""


@dataclass(frozen=True)
class Entity:
    """One named thing with every surface form it goes by."""

    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    parent: str | None = None
    note: str = ""
    rule_target: bool = True
    """False for a strategy or talent pool the documents only cite
    (国家创新驱动发展战略): naming it does not make a clause's rules its rules."""
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return entity_id(self.kind, self.name)

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.english)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "aliases": list(self.aliases),
            "english": list(self.english),
        }
        if self.parent:
            d["parent"] = entity_id(self.kind, self.parent)
        if not self.rule_target:
            d["rule_target"] = False
        return d


@dataclass(frozen=True)
class Mention:
    """An entity named in a text at ``text[start:end] == surface``."""

    entity_id: str
    kind: str
    name: str
    surface: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "kind": self.kind,
            "name": self.name,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
        }


def entity_id(kind: str, name: str) -> str:
    """The node id of an entity: ``"<Kind>:<canonical name>"``."""
    return f"{kind}:{name}"


@functools.lru_cache(maxsize=1)
def t2s_table() -> dict[int, int]:
    """Traditional → simplified, character by character, from OpenCC's own
    TSCharacters dictionary: length-preserving by construction and fast enough
    to run on every clause (OpenCC's phrase segmentation is 100× slower, and
    phrase rewrites could change lengths, which matching must not)."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, int] = {}
    for line in path.read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            first = parts[1].split(" ")[0]
            if len(first) == 1 and first != parts[0]:
                table[ord(parts[0])] = ord(first)
    return table


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_KEEP_FULLWIDTH = {ord(c): ord(c) for c in "（），：；！？"}
"""Full-width punctuation that is part of the corpus's names (科研计划（自然科学类）…)
is kept; only full-width letters and digits are folded."""


class Translation:
    """``str.translate`` by a one-character-for-one table, skipping a text that
    holds none of the characters the table changes (most clause text).

    ``str.translate`` looks every character up in the table (about 15 µs for
    a 60-character clause piece); a regex finds out whether there is anything
    to change in a tenth of that, and the text is then returned as it is."""

    def __init__(self, table: dict[int, int]) -> None:
        self.table = table
        changed = "".join(sorted(chr(k) for k, v in table.items() if k != v and k <= 0xFFFF))
        # characters beyond the BMP would make the class a list scanned per character: any of them
        # sends the text to translate, which is exact whatever the table says about it
        self._changes = re.compile(f"[{re.escape(changed)}]|[\U00010000-\U0010ffff]" if changed else "[\U00010000-\U0010ffff]")

    def __call__(self, text: str) -> str:
        return text.translate(self.table) if self._changes.search(text) else text


@functools.lru_cache(maxsize=1)
def _fold() -> Translation:
    return Translation({**t2s_table(), **_FULLWIDTH, **_KEEP_FULLWIDTH})


def normalize(text: str) -> str:
    """A length-preserving matching form: simplified, half-width letters, lower case.

    Every step maps one character to one character (lower-casing keeps the
    original where it would not), so an index into the result is always an
    index into ``text``.
    """
    out = _fold()(text)
    lowered = out.lower()
    return lowered if len(lowered) == len(out) else out


_ASCII_WORD = re.compile(r"[0-9a-z]")


class AliasTable:
    """Entities and their surface forms, with longest-match mention finding."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: dict[str, Entity] = {}
        self._surface: dict[str, str] = {}
        self.conflicts: list[tuple[str, str, str]] = []
        """(surface, kept entity id, dropped entity id): a surface two entities claim."""
        self._root: AliasTable | None = None
        """the table this one is derived from (extend, elsewhere), whose automaton it reuses"""
        for ent in entities:
            self._add(ent)
        self._reset()

    # -- construction ---------------------------------------------------
    def _add(self, ent: Entity) -> None:
        if ent.kind not in KINDS:
            raise CorpusError(f"alias table: unknown kind {ent.kind!r} for {ent.name!r}", hint=f"use one of {', '.join(KINDS)}")
        if ent.id in self._entities:
            old = self._entities[ent.id]
            ent = replace(
                old,
                aliases=tuple(dict.fromkeys(old.aliases + ent.aliases)),
                english=tuple(dict.fromkeys(old.english + ent.english)),
                attrs={**ent.attrs, **old.attrs},
            )
        self._entities[ent.id] = ent
        for surface in ent.surfaces:
            key = normalize(surface.strip())
            if not key:
                continue
            owner = self._surface.get(key)
            if owner is None or owner == ent.id:
                self._surface[key] = ent.id
            else:
                self.conflicts.append((surface, owner, ent.id))

    def _reset(self) -> None:
        """Forget what was made from the surfaces (they changed); it is made again on first use."""
        self._finders: tuple[list[Any], bool] | None = None  # made by find_mentions on first use
        self._elsewhere: AliasTable | None = None  # made by elsewhere on first use

    def extend(self, entities: Iterable[Entity]) -> "AliasTable":
        """A new table with ``entities`` added (center records at ingest time).

        Names already in the table keep their entity: a record cannot take a
        surface form away from the curated table.
        """
        return self._derived(AliasTable([*self._entities.values(), *entities]))

    def _derived(self, table: "AliasTable") -> "AliasTable":
        """``table``, marked as derived from this one's root: it finds mentions with the
        root's automaton and one over the surfaces the root lacks."""
        table._root = self._root or self
        return table

    def rebound(self, owner: Entity) -> "AliasTable":
        """This table as read inside a document that introduces ``owner`` (a new
        platform type or program, 沧州市技术创新中心): a surface of another entity
        that ``owner``'s name ends with (技术创新中心, 创新中心) means ``owner``
        there, not the corpus's entity of that name (北京市技术创新中心). The
        same table when nothing changes."""
        key = normalize(owner.name)
        moved = {k: owner.id for k, eid in self._surface.items() if eid != owner.id and len(k) >= 2 and key.endswith(k) and k != key}
        if not moved or owner.id not in self._entities:
            return self
        table = copy.copy(self)
        table._surface = {**self._surface, **moved}
        table._elsewhere = None
        return table

    def without(self, surfaces: Iterable[str]) -> "AliasTable":
        """This table without the given surfaces (a text's bare head words for entities it
        never names, see ingest.extract.unnamed_generic_aliases); the same table when none is one."""
        drop = {normalize(s) for s in surfaces} & self._surface.keys()
        if not drop:
            return self
        table = copy.copy(self)
        table._surface = {k: v for k, v in self._surface.items() if k not in drop}
        table._reset()  # its mentions: the root's automaton, without the dropped surfaces
        return self._derived(table)

    def elsewhere(self) -> "AliasTable":
        """This table as read in a document of another place than the corpus's
        home (a 石家庄市 notice): the names a home-place entity goes by without
        its place (市科委, 市级技术创新中心, 技术创新中心 for 北京市…) name that
        place's own body or type there, so they are no aliases of it (and a
        type the document introduces under such a name keeps it)."""
        if self._elsewhere is None:
            self._elsewhere = self._read_elsewhere()
        return self._elsewhere

    def _read_elsewhere(self) -> "AliasTable":
        """:meth:`elsewhere`, made once per table (every stage reading a document asks for it)."""
        home = tuple(L.words("extraction.home_place"))

        def placeless(alias: str) -> bool:
            return _has_cjk(alias) and not normalize(alias).startswith(home)

        homed = [e for e in self._entities.values() if not placeless(e.name) or any(not placeless(a) for a in e.aliases if _has_cjk(a))]
        if not homed:
            return self
        trimmed = {e.id: replace(e, aliases=tuple(a for a in e.aliases if not placeless(a))) for e in homed}
        table = self._derived(AliasTable([trimmed.get(e.id, e) for e in self._entities.values()]))
        for e in homed:
            if placeless(e.name) and table._surface.get(normalize(e.name)) == e.id:
                del table._surface[normalize(e.name)]  # 市科委 itself, when it is the home city's
        table._reset()
        table._elsewhere = table
        return table

    # -- reading --------------------------------------------------------
    def fingerprint(self) -> str:
        """SHA-256 of every entity with all its fields, in table order: equal
        fingerprints read any text the same way (a key for cached extraction)."""
        rows = [(e.kind, e.name, e.aliases, e.english, e.parent, e.note, e.rule_target, e.attrs) for e in self._entities.values()]
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()

    def entities(self, kind: str | None = None) -> list[Entity]:
        return [e for e in self._entities.values() if kind is None or e.kind == kind]

    def get(self, eid: str) -> Entity | None:
        return self._entities.get(eid)

    def surface_forms(self, *, chinese_only: bool = False) -> list[str]:
        """Every surface form, longest first (for tokenizer dictionaries)."""
        forms = {s for e in self._entities.values() for s in e.surfaces if s.strip()}
        if chinese_only:
            forms = {s for s in forms if _has_cjk(s)}
        return sorted(forms, key=lambda s: (-len(s), s))

    def jieba_userdict_lines(self) -> list[str]:
        """Lines ``"<word> <freq> nz"`` for ``jieba.load_userdict``.

        Only Chinese forms without spaces (jieba's dictionary format splits
        on spaces); English names are matched by :meth:`find_mentions`.
        """
        return [f"{s} {_JIEBA_FREQ} nz" for s in self.surface_forms(chinese_only=True) if " " not in s]

    def lookup(self, name: str) -> Entity | None:
        """The entity ``name`` exactly names (after normalization), or None."""
        key = normalize(_strip_quotes(name.strip()))
        eid = self._surface.get(key)
        return self._entities[eid] if eid else None

    def find_mentions(self, text: str, kinds: Iterable[str] | None = None) -> list[Mention]:
        """Non-overlapping entity mentions, scanning left to right, longest first.

        English surfaces only match on word boundaries (so "AI" is not found
        inside "maintain").  With ``kinds``, mentions of other kinds are still
        consumed (so 高精尖计划领导小组 is not also read as 高精尖计划) but not
        returned.
        """
        wanted = set(kinds) if kinds is not None else None
        if not self._surface:
            return []
        norm = normalize(text)
        automata, foreign = self._automata()
        # every surface found (Aho-Corasick, overlapping), then the longest that
        # starts at each position; scanning left to right, a mention resumes
        # the scan at its end and a position with none moves it one character on
        longest: dict[int, int] = {}
        for automaton in automata:
            for last, (length, english) in automaton.iter(norm):
                start = last + 1 - length
                if english and not _word_bounded(norm, start, last + 1):
                    continue
                if foreign and norm[start : last + 1] not in self._surface:
                    continue  # a surface of the root this table does not have (elsewhere)
                if longest.get(start, 0) < length:
                    longest[start] = length
        out: list[Mention] = []
        i = 0
        for start in sorted(longest):
            if start < i:
                continue
            i = start + longest[start]
            eid = self._surface[norm[start:i]]
            ent = self._entities[eid]
            if wanted is None or ent.kind in wanted:
                out.append(Mention(eid, ent.kind, ent.name, text[start:i], start, i))
        return out

    def _automata(self) -> tuple[list[Any], bool]:
        """Automata that together find every surface of this table, and whether
        they find surfaces it does not have.

        A corpus reads each document with a table of its own (extended with
        what the documents introduce, or read elsewhere); one automaton over
        all of a table's thousands of surfaces made for each was an eighth of
        the extraction time of a corpus of small documents.  A derived table
        reuses its root's and adds one over the few surfaces the root lacks."""
        if self._finders is None:
            if self._root is None:
                self._finders = ([_automaton(self._surface)] if self._surface else [], False)
            else:
                base, _ = self._root._automata()
                extra = [k for k in self._surface if k not in self._root._surface]
                foreign = any(k not in self._surface for k in self._root._surface)
                self._finders = ([*base, _automaton(extra)] if extra else base, foreign)
        return self._finders

    def rule_targets(self, text: str) -> list[Mention]:
        """The platform types and programs ``text`` names that rules can be
        written for, in text order (cited strategies left out)."""
        return [m for m in self.find_mentions(text, TARGET_KINDS) if self._entities[m.entity_id].rule_target]

    def resolve(self, name: str, kinds: Iterable[str] | None = None) -> Entity:
        """The entity ``name`` stands for, or :class:`NotFoundError` with the nearest names.

        Exact (normalized) surface match first; then a name that is one known
        surface plus only punctuation or a 北京/北京市 prefix; then a close
        fuzzy match (rapidfuzz ratio >= 92) so small typos and variant
        punctuation still resolve.
        """
        wanted = set(kinds) if kinds is not None else None
        cleaned = _strip_quotes((name or "").strip())
        if not cleaned:
            raise NotFoundError("empty name", hint="give a name, e.g. 高精尖创新中心 or 市教委")
        candidates = [cleaned]
        for prefix in L.words("extraction.home_place"):
            if cleaned.startswith(prefix):
                candidates.append(cleaned[len(prefix) :])
            else:
                candidates.append(prefix + cleaned)
        for cand in candidates:
            ent = self.lookup(cand)
            if ent and (wanted is None or ent.kind in wanted):
                return ent
        contained = self._by_containment(cleaned, wanted)
        if contained is not None:
            return contained
        from rapidfuzz import fuzz, process

        best = process.extractOne(normalize(cleaned), self._keys(wanted), scorer=fuzz.ratio, score_cutoff=92)
        if best:
            return self._entities[self._surface[best[0]]]
        raise NotFoundError(f"unknown name {name!r}", suggestions=self.suggest(cleaned, wanted))

    def _keys(self, kinds: Iterable[str] | None) -> list[str]:
        wanted = set(kinds) if kinds is not None else None
        return [k for k, eid in self._surface.items() if wanted is None or self._entities[eid].kind in wanted]

    def suggest(self, name: str, kinds: Iterable[str] | None = None, limit: int = 5) -> list[str]:
        """Canonical names nearest to ``name`` (rapidfuzz WRatio over every
        surface form of ``kinds``), for "did you mean" in a not-found error."""
        from rapidfuzz import fuzz, process

        near = process.extract(normalize(_strip_quotes((name or "").strip())), self._keys(kinds), scorer=fuzz.WRatio, limit=None)
        out: list[str] = []
        for key, _score, _idx in near:
            canon = self._entities[self._surface[key]].name
            if canon not in out:
                out.append(canon)
                if len(out) == limit:
                    break
        return out

    def _by_containment(self, name: str, wanted: set[str] | None) -> Entity | None:
        """ "清华大学结构生物学高精尖创新中心": one named thing plus only other
        names (its host, a place) or punctuation around it → that thing.

        The main mention must cover most of the name, so a long unknown name
        that merely contains a platform type is not taken for the type.
        """
        ms = self.find_mentions(name)
        if not ms:
            return None
        main = max(ms, key=lambda m: m.end - m.start)
        if wanted is not None and main.kind not in wanted:
            return None
        covered = sum(m.end - m.start for m in ms)
        rest = re.sub(r"[\s\W_]", "", name)
        others_ok = all(m.kind in ("Organization", "Place") for m in ms if m is not main)
        if others_ok and len(rest) - covered <= 1 and (main.end - main.start) >= 0.5 * len(rest):
            return self._entities[main.entity_id]
        return None


def _automaton(surfaces: Iterable[str]) -> Any:
    """An Aho-Corasick automaton over the surface forms, each giving
    ``(length, whether it opens with an English letter or digit)``."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for key in surfaces:
        auto.add_word(key, (len(key), _ASCII_WORD.match(key[0]) is not None))
    auto.make_automaton()
    return auto


def _has_cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def _strip_quotes(s: str) -> str:
    return s.strip("“”\"'‘’《》「」 \t")


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_ASCII_WORD.match(before) or _ASCII_WORD.match(after))


# -- loading ---------------------------------------------------------------
def parse_aliases(data: Any, source: str = "aliases.yaml") -> list[Entity]:
    """Entities from the parsed YAML document, with clear errors for bad entries."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CorpusError(f"{source}: expected `format: {FORMAT}`", hint="see the header of corpus/aliases.yaml")
    groups = data.get("entities")
    if not isinstance(groups, dict):
        raise CorpusError(f"{source}: `entities` must map kinds to lists")
    out: list[Entity] = []
    for kind, entries in groups.items():
        for i, entry in enumerate(entries or []):
            if not isinstance(entry, dict) or not entry.get("name"):
                raise CorpusError(f"{source}: {kind} entry #{i + 1} has no name")
            out.append(
                Entity(
                    kind=str(kind),
                    name=str(entry["name"]),
                    aliases=tuple(str(a) for a in entry.get("aliases") or ()),
                    english=tuple(str(a) for a in entry.get("english") or ()),
                    parent=entry.get("parent"),
                    note=str(entry.get("note") or ""),
                    rule_target=entry.get("rule_target", True) is not False,
                )
            )
    return out


def load_aliases(path: Path | None = None) -> AliasTable:
    """The alias table at ``path`` (default ``corpus/aliases.yaml``), cached."""
    return _load(str(Path(path) if path else ALIASES_FILE))


@functools.lru_cache(maxsize=4)
def _load(path: str) -> AliasTable:
    p = Path(path)
    if not p.exists():
        raise CorpusError(f"alias table {p} not found", hint="restore corpus/aliases.yaml")
    try:
        data = yaml.safe_load(p.read_text("utf-8"))
    except yaml.YAMLError as err:
        raise CorpusError(f"{p} is not valid YAML: {err}") from err
    return AliasTable(parse_aliases(data, str(p)))


def aliases_for_corpus(corpus_dir: Path | None) -> AliasTable:
    """The table of a corpus directory (its own aliases.yaml if it has one)."""
    if corpus_dir is not None and (Path(corpus_dir) / CORPUS_ALIASES).exists():
        return load_aliases(Path(corpus_dir) / CORPUS_ALIASES)
    return load_aliases()


# -- module-level conveniences over the default table -------------------------
def surface_forms(*, chinese_only: bool = False) -> list[str]:
    """All surface forms of the default table, longest first."""
    return load_aliases().surface_forms(chinese_only=chinese_only)


def jieba_userdict_lines() -> list[str]:
    """The jieba user dictionary generated from the default table."""
    return load_aliases().jieba_userdict_lines()


def find_mentions(text: str, kinds: Iterable[str] | None = None) -> list[Mention]:
    """Entity mentions in ``text`` by the default table (longest match first)."""
    return load_aliases().find_mentions(text, kinds)


def resolve(name: str, kinds: Iterable[str] | None = None) -> Entity:
    """Resolve a name with the default table (see :meth:`AliasTable.resolve`)."""
    return load_aliases().resolve(name, kinds)
