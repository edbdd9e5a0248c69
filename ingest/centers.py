"""Load, validate and normalize the center records (``corpus/centers.csv``, or
a user's own list as ``centers.csv`` / ``centers.xlsx``).

The records are compiled by hand from news items, mirror sites and paper
affiliations, so they are messy: traditional characters, stray pinyin glosses
(``創(chuàng)新``), full-width letters, names only in English, notes in
parentheses after host names. This module turns each usable row into one
:class:`CenterRecord` whose every derived value carries the row's provenance
(file, row, source URL, confidence), and reports each unusable row as a
:class:`RejectedRow` with a reason instead of dropping it silently.

Nothing here is keyed to particular record ids or names: new rows load without
code changes, and so does another file: its columns are found by their header
names, English or Chinese, in any order (``ingest/lexicon/centers.yaml``),
columns not known are kept on each record as ``extra``, and the columns a
file lacks take their defaults (:data:`COLUMN_DEFAULTS`; a name is the one
thing every file needs). Everything is a pure function of the file's
bytes, so the ingest step (``load_centers``, order 20) can call
:func:`load_centers` and write ``centers.json`` from :meth:`CenterLoad.to_dict`.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ingest.errors import CenterRecordError, EncodingError

#: Columns a row must fill when the file has them (one of ``name`` /
#: ``name_in_source`` may be empty); a file needs only a name column, the
#: others it lacks take :data:`COLUMN_DEFAULTS` (``record_id`` is generated).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "name",
    "name_in_source",
    "platform_type",
    "record_kind",
    "source_url",
    "confidence",
)
#: Columns read when present; a file without them loads with empty values.
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "host",
    "field",
    "category",
    "year_or_batch",
    "director",
    "snippet",
    "source2_url",
    "snippet2",
    "notes",
)
CONFIDENCE_VALUES: frozenset[str] = frozenset({"high", "medium", "low"})
RECORD_KINDS: frozenset[str] = frozenset({"center", "program"})

# --- name normalization -------------------------------------------------------

#: Full-width forms that are the standard punctuation of Chinese text (GB/T 15834);
#: turning them into ASCII would make Chinese text look wrong, so they stay.
#: Full-width brackets, letters, digits and symbols become ASCII so that
#: "（ＢＤＢＣ）" and "(BDBC)" are one name.
_KEEP_FULLWIDTH = frozenset("，；：！？")
_QUOTES = '“”„‟「」『』﹁﹂﹃﹄"'
_QUOTES_RE = re.compile("[" + re.escape(_QUOTES) + "]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE = re.compile(f"[{_HAN}]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_SYLLABLE = f"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*"
#: One or more "(chuàng)"-style glosses glued to the Han character before them.
#: A tone mark is required, so acronyms such as "(BDBC)" are never taken.
_PINYIN_GLOSS_RE = re.compile(f"(?<=[{_HAN}])(?:\\({_PINYIN_SYLLABLE}\\))+", re.IGNORECASE)
_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    """The OpenCC traditional→simplified converter, built once on first use."""
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC ``t2s``, repeated until stable.

    One pass is not always final (OpenCC maps 薴 → 苧 and 苧 → 苎), and a name
    must clean to the same form however often it is cleaned.
    """
    for _ in range(4):
        converted = _t2s().convert(text)
        if converted == text:
            break
        text = converted
    return text


def to_halfwidth(text: str) -> str:
    """Turn full-width ASCII forms and the ideographic space into ASCII.

    Only the Halfwidth and Fullwidth Forms block (U+FF00–U+FFEF) and U+3000 are
    touched (through NFKC), except the Chinese punctuation in ``_KEEP_FULLWIDTH``;
    other characters (、 “ ” 〔 〕 …) are left as they are.
    """
    out = []
    for ch in text:
        if ch == "\u3000" or ("\uff00" <= ch <= "\uffef" and ch not in _KEEP_FULLWIDTH):
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def strip_pinyin_glosses(text: str) -> str:
    """Remove pinyin glosses that mirror sites glue after Han characters.

    ``創(chuàng)新`` → ``創新``; ``批复(fù)`` → ``批复``. Combining tone marks are
    composed first (NFC) so decomposed input is caught too.
    """
    return _PINYIN_GLOSS_RE.sub("", unicodedata.normalize("NFC", text))


def normalize_name(text: str) -> str:
    """Clean one name: half-width ASCII, simplified Chinese, no quotes or glosses.

    Steps, in an order that makes the function idempotent: full-width → half-width,
    traditional → simplified (OpenCC t2s), quotes removed, pinyin glosses removed,
    whitespace collapsed.
    """
    text = to_halfwidth(unicodedata.normalize("NFC", text))
    text = to_simplified(text)
    text = _QUOTES_RE.sub("", text)
    text = strip_pinyin_glosses(text)
    return _SPACES_RE.sub(" ", text).strip()


def has_han(text: str) -> bool:
    """True when the text contains at least one Han character."""
    return bool(_HAN_RE.search(text))


# --- splitting list-valued cells ----------------------------------------------

_OPEN, _CLOSE = "(（", ")）"
_TRAILING_NOTE_RE = re.compile(r"^(?P<head>.*?)\s*[(（](?P<note>[^()（）]*)[)）]\s*$", re.S)
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,11}$")
_ELLIPSIS_RE = re.compile(r"\s*(?:\.{3,}|…+)\s*$")


def split_outside_parens(text: str, separators: str) -> list[str]:
    """Split on any of ``separators`` that is not inside (…) or （…）.

    Keeps "北汽新能源 (牵头, 北京经济技术开发区)" in one piece.
    """
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in separators and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def split_trailing_note(text: str) -> tuple[str, str]:
    """Split "清华大学 (联合牵头)" into ("清华大学", "联合牵头").

    Only a parenthetical at the very end is a note; one inside a name
    ("中持新兴环境技术中心(北京)有限公司") stays. Returns (text, "") when none.
    """
    m = _TRAILING_NOTE_RE.match(text.strip())
    if not m or not m.group("head").strip():
        return text.strip(), ""
    return m.group("head").strip(), m.group("note").strip()


@dataclass(frozen=True)
class Entry:
    """One host, field or director of a record, with the note that followed it.

    ``name`` is normalized; ``note`` is the parenthetical or marker removed from
    it ("联合牵头", "per paper affiliation", "truncated in source").
    """

    name: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def parse_entries(cell: str, item_separators: str) -> list[Entry]:
    """Parse a list-valued cell such as a host or field column.

    Groups are separated by ``;`` / ``；``; a group's trailing parenthetical
    applies to every item of the group ("北京信息科技大学, 中科院物理研究所
    (co-builders)"); items inside a group are split on ``item_separators`` and
    may carry their own note ("某某大学 (牵头)、另一大学").
    """
    entries: list[Entry] = []
    for group in split_outside_parens(cell, ";；"):
        head, group_note = split_trailing_note(group)
        for piece in split_outside_parens(head, item_separators):
            item, item_note = split_trailing_note(piece)
            notes = [n for n in (item_note, group_note) if n]
            if _ELLIPSIS_RE.search(item):
                item = _ELLIPSIS_RE.sub("", item)
                notes.append("truncated in source")
            name = normalize_name(item)
            if name:
                entries.append(Entry(name=name, note="; ".join(notes)))
    return entries


# --- names of a record --------------------------------------------------------

_HEAD_NOUN_RE = re.compile(r"\b(?:Cent(?:er|re)|Laborator(?:y|ies)|Lab|Institute|Base|Programm?e?)\b", re.I)
_QUOTED_LATIN_RE = re.compile(r"'([^'\n]+)'|\"([^\"\n]+)\"|“([^”\n]+)”|‘([^’\n]+)’")


def looks_like_english_name(text: str) -> bool:
    """True for a full English platform name rather than a fragment or a remark.

    Latin script only, starts with a capital letter, has at least four words,
    names a platform (Center, Laboratory, Institute …) after some qualifier, and
    carries no editorial brackets ("Future [chip] … Center").
    """
    text = text.strip()
    if not text or has_han(text) or "[" in text or not text[0].isupper():
        return False
    head = _HEAD_NOUN_RE.search(text)
    return head is not None and head.start() > 0 and len(text.split()) >= 4


def trim_affiliation(text: str) -> tuple[str, str]:
    """Split "… Center for X, Beihang University" into the name and the rest.

    Affiliation strings append the host after a comma; the name ends with the
    last comma-separated part that holds the platform noun, so a comma inside
    the name ("high-grade, precision and advanced Innovation Center") is kept.
    """
    parts = [p.strip() for p in text.split(",")]
    last = max((i for i, p in enumerate(parts) if _HEAD_NOUN_RE.search(p)), default=len(parts) - 1)
    return ", ".join(parts[: last + 1]), ", ".join(parts[last + 1 :])


def split_acronym(name: str) -> tuple[str, str]:
    """Split "…高精尖创新中心(BDBC)" into the name and the acronym "BDBC".

    Returns (name, "") when the name does not end with an acronym.
    """
    head, note = split_trailing_note(name)
    return (head, note) if note and _ACRONYM_RE.match(note) else (name, "")


def _name_key(text: str) -> str:
    """Comparison key: case and everything but letters and digits ignored."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def dedupe(names: list[str]) -> list[str]:
    """Drop empty names and repeats (by :func:`_name_key`), keeping first order."""
    seen: set[str] = set()
    out = []
    for n in names:
        key = _name_key(n)
        if key and key not in seen:
            seen.add(key)
            out.append(n)
    return out


def drop_fragments(names: list[str]) -> list[str]:
    """Drop names that are part of a longer name in the list.

    Snippets are excerpts and may hold only the tail of a name ("Innovation
    Center for Genomics"); the complete form is kept.
    """
    keys = [_name_key(n) for n in names]
    return [n for n, k in zip(names, keys) if not any(k != o and k in o for o in keys)]


@dataclass(frozen=True)
class NameParse:
    """The names read off one row: cleaned variants, English names, acronyms, notes."""

    aliases: list[str]
    english_names: list[str]
    acronyms: list[str]
    notes: list[str]


def parse_names(name: str, name_in_source: str, texts: list[str], quoted_texts: list[str]) -> NameParse:
    """Collect every cleaned name variant of a row.

    ``name`` and the " / "-separated pieces of ``name_in_source`` are names;
    a trailing non-acronym parenthetical in a piece is a note ("(中国教育报
    2016-10-18, …)"). English names also come from ``texts`` (snippets) when a
    whole text is a full name, and from quoted phrases in ``quoted_texts``
    (notes) that are full names.
    """
    aliases: list[str] = []
    english: list[str] = []
    acronyms: list[str] = []
    notes: list[str] = []
    for raw in [name, *name_in_source.split(" / ")]:
        piece = normalize_name(raw)
        if not piece:
            continue
        base, acronym = split_acronym(piece)
        if not acronym:
            piece, note = split_trailing_note(piece)
            base = piece
            notes.extend([note] if note else [])
        if not has_han(piece):
            piece, rest = trim_affiliation(piece)
            base = split_acronym(piece)[0]
            if rest:
                notes.append(rest)
            english.append(piece)
        aliases.extend([piece, base])
        if acronym:
            acronyms.append(acronym)
    for text in texts:
        if looks_like_english_name(normalize_name(text)):
            english.append(normalize_name(text))
    for text in quoted_texts:
        for m in _QUOTED_LATIN_RE.finditer(text):
            phrase = normalize_name(next(g for g in m.groups() if g))
            if looks_like_english_name(phrase):
                english.append(phrase)
    english = drop_fragments(dedupe(english))
    return NameParse(
        aliases=dedupe(aliases + english),
        english_names=english,
        acronyms=dedupe(acronyms),
        notes=dedupe(notes),
    )


# --- records ------------------------------------------------------------------

_LEADING_YEAR_RE = re.compile(r"^\s*((?:19|20)\d{2})(?!\d)")
_URL_RE = re.compile(r"^https?://\S+$", re.I)
_LEAD_RE = re.compile(r"牵头|\blead\b|\bled\b", re.I)


def parse_year(text: str) -> int | None:
    """The year a cell starts with ("2016 (2016-05 批复)" → 2016), else None.

    A year that only appears later ("before 2018-01", "新一期第一个 (before
    2022-02-19)") is not the founding year, so it is not taken.
    """
    m = _LEADING_YEAR_RE.match(text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Snippet:
    """A short quotation from a cited source, kept verbatim as evidence."""

    text: str
    source_url: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class CenterRecord:
    """One usable row of the center records, cleaned.

    ``source`` is the provenance every fact derived from this record carries:
    ``{"file", "row", "source_url", "confidence"}`` (and ``"sheet"`` for a
    workbook); ``row`` is the line of a CSV file where the record starts (the
    header is line 1), or the row number a spreadsheet shows. ``source_url``
    is empty for a list without a source column: the file and row are then
    the provenance. ``extra`` holds the non-empty cells of columns that match
    no known column, keyed by their header as written.
    """

    record_id: str
    name: str
    name_in_source: str
    english_names: list[str]
    aliases: list[str]
    acronyms: list[str]
    name_notes: list[str]
    platform_type: str
    record_kind: str
    hosts: list[Entry]
    lead_hosts: list[str]
    fields: list[Entry]
    category: str
    year: int | None
    batch: str
    directors: list[Entry]
    source_url: str
    source_is_url: bool
    source2_url: str
    snippets: list[Snippet]
    confidence: str
    notes: str
    source: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``centers.json``)."""
        return asdict(self)


@dataclass(frozen=True)
class RejectedRow:
    """A row that could not be used, and why (shown to the user, never dropped)."""

    row: int
    record_id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CenterLoad:
    """Everything :func:`load_centers` read from one file.

    ``columns`` maps each header of the file to the column it was read as
    (``None`` for one kept as an extra attribute); ``encoding`` is the text
    encoding of a CSV file, ``sheet`` the worksheet of a workbook.
    """

    file: str
    records: list[CenterRecord] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)
    encoding: str = ""
    sheet: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "encoding": self.encoding,
            "columns": self.columns,
            "records": [r.to_dict() for r in self.records],
            "rejected": [r.to_dict() for r in self.rejected],
        }


def row_problems(row: dict[str, str], columns: Iterable[str] = REQUIRED_COLUMNS) -> list[str]:
    """Why a row cannot be used (empty list when it can).

    A row needs a name (``name`` or ``name_in_source``) and a value in every
    other required column the file has (``columns``); a required column the
    file lacks takes its default in :func:`complete_row` instead.
    """
    present = set(columns)
    missing = [c for c in REQUIRED_COLUMNS if c in present and c not in ("name", "name_in_source") and not row.get(c)]
    if not row.get("name") and not row.get("name_in_source"):
        missing.insert(1, "name/name_in_source")
    problems = [f"missing required field(s): {', '.join(missing)}"] if missing else []
    confidence = coded_value("confidence", row.get("confidence", ""))
    if confidence and confidence not in CONFIDENCE_VALUES:
        problems.append(f"unknown confidence {row['confidence']!r} (expected one of {', '.join(sorted(CONFIDENCE_VALUES))})")
    kind = coded_value("record_kind", row.get("record_kind", ""))
    if kind and kind not in RECORD_KINDS:
        problems.append(f"unknown record_kind {row['record_kind']!r} (expected one of {', '.join(sorted(RECORD_KINDS))})")
    return problems


def build_record(row: dict[str, str], *, file: str, line: int, extra: dict[str, str] | None = None, sheet: str = "") -> CenterRecord:
    """Turn one validated, completed row (values stripped) into a :class:`CenterRecord`."""
    confidence = coded_value("confidence", row["confidence"])
    names = parse_names(
        row["name"],
        row["name_in_source"],
        texts=[row.get("snippet", ""), row.get("snippet2", "")],
        quoted_texts=[row.get("notes", "")],
    )
    name = names.aliases[0] if row["name"] else next((a for a in names.aliases if has_han(a)), names.aliases[0])
    hosts = parse_entries(row.get("host", ""), ",，、")
    snippets = [
        Snippet(text=text, source_url=url)
        for text, url in ((row.get("snippet", ""), row["source_url"]), (row.get("snippet2", ""), row.get("source2_url", "")))
        if text
    ]
    source = {"file": file, "row": line, "source_url": row["source_url"], "confidence": confidence}
    return CenterRecord(
        record_id=row["record_id"] or generated_record_id(name),
        name=name,
        name_in_source=row["name_in_source"],
        english_names=names.english_names,
        aliases=names.aliases,
        acronyms=names.acronyms,
        name_notes=names.notes,
        platform_type=normalize_name(row["platform_type"]),
        record_kind=coded_value("record_kind", row["record_kind"]),
        hosts=hosts,
        lead_hosts=[h.name for h in hosts if _LEAD_RE.search(h.note)],
        fields=parse_entries(row.get("field", ""), ",，、/"),
        category=row.get("category", ""),
        year=parse_year(row.get("year_or_batch", "")),
        batch=row.get("year_or_batch", ""),
        directors=parse_entries(row.get("director", ""), "，、"),
        source_url=row["source_url"],
        source_is_url=bool(_URL_RE.match(row["source_url"])),
        source2_url=row.get("source2_url", ""),
        snippets=snippets,
        confidence=confidence,
        notes=row.get("notes", ""),
        source={**source, "sheet": sheet} if sheet else source,
        extra=dict(extra or {}),
    )


# --- columns ------------------------------------------------------------------

#: The columns a record can have, in the order of ``corpus/centers.csv``.
COLUMNS: tuple[str, ...] = (
    "record_id",
    "name",
    "name_in_source",
    "platform_type",
    "record_kind",
    "host",
    "field",
    "category",
    "year_or_batch",
    "director",
    "source_url",
    "snippet",
    "source2_url",
    "snippet2",
    "confidence",
    "notes",
)
#: What a required column the file does not have stands for. ``record_id``
#: is generated from the name (:func:`generated_record_id`); ``source_url``
#: stays empty, the file and row being the provenance; ``confidence`` is
#: ``medium``: the list is the keeper's own word, not checked against a cited
#: source (the graph scores medium as 0.7, the same as an unknown level).
COLUMN_DEFAULTS: dict[str, str] = {"record_kind": "center", "confidence": "medium", "source_url": "", "platform_type": ""}
#: How many rows above the header (titles, notes) a file may have.
MAX_HEADER_ROW = 20
_HEADER_NOISE_RE = re.compile(r"[\s_\-*]+")
_HEADER_END_RE = re.compile(r"[:：]+$")


def header_key(text: str) -> str:
    """A header in comparison form: full-width → ASCII, simplified, case-folded,
    without spaces, underscores, hyphens, asterisks or a trailing colon."""
    text = to_simplified(to_halfwidth(unicodedata.normalize("NFC", text))).casefold().strip()
    return _HEADER_NOISE_RE.sub("", _HEADER_END_RE.sub("", text))


@lru_cache(maxsize=1)
def _header_table() -> dict[str, tuple[str, int]]:
    """Comparison form of every accepted header → (column, rank in its list)."""
    from ingest import lexicon

    table: dict[str, tuple[str, int]] = {}
    for column, names in lexicon.entry("centers.headers").items():
        if column not in COLUMNS:
            raise CenterRecordError(
                f"ingest/lexicon/centers.yaml names an unknown column {column!r}", hint=f"the columns are {', '.join(COLUMNS)}"
            )
        for rank, name in enumerate([column, *names]):
            table.setdefault(header_key(str(name)), (column, rank))
    return table


def accepted_headers(column: str) -> list[str]:
    """The headers accepted for ``column``, as ``ingest/lexicon/centers.yaml`` writes them."""
    from ingest import lexicon

    return list(dict.fromkeys([column, *(str(h) for h in lexicon.entry("centers.headers").get(column, []))]))


def column_of(header: str) -> tuple[str, int] | None:
    """``(column, rank)`` a header stands for, or None; a trailing parenthetical
    ("依托单位（牵头）", "Year (founded)") is ignored when the whole does not match."""
    table = _header_table()
    key = header_key(header)
    if key in table:
        return table[key]
    head, note = split_trailing_note(header)
    return table.get(header_key(head)) if note else None


@lru_cache(maxsize=None)
def _value_words(column: str) -> dict[str, str]:
    from ingest import lexicon

    return {header_key(str(w)): str(v) for w, v in lexicon.mapping(f"centers.values.{column}").items()}


def coded_value(column: str, value: str) -> str:
    """The canonical value of a coded cell (``record_kind``, ``confidence``):
    canonical values and the words of ``centers.values`` in the lexicon."""
    key = header_key(value)
    return _value_words(column).get(key, key)


@dataclass(frozen=True)
class HeaderRow:
    """The header of a records table: which position is which column.

    ``headers`` are the cells as written (stripped); ``columns`` maps positions
    to the known columns they match; every other position is an extra column,
    named by its header (or ``column N`` when the header cell is empty).
    """

    headers: list[str]
    columns: dict[int, str]

    @classmethod
    def match(cls, cells: list[str]) -> HeaderRow:
        best: dict[str, tuple[int, int]] = {}  # column -> (rank, position); the better-ranked header wins
        for pos, cell in enumerate(cells):
            hit = column_of(cell) if cell.strip() else None
            if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
                best[hit[0]] = (hit[1], pos)
        return cls([c.strip() for c in cells], {pos: column for column, (_, pos) in best.items()})

    @property
    def has_name(self) -> bool:
        return bool({"name", "name_in_source"} & set(self.columns.values()))

    def extra_names(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for pos, header in enumerate(self.headers):
            if pos not in self.columns:
                name = header or f"column {pos + 1}"
                out[pos] = name if name not in out.values() else f"{name} (column {pos + 1})"
        return out

    def describe(self) -> dict[str, str | None]:
        extras = self.extra_names()
        return {self.headers[p] or extras[p]: self.columns.get(p) for p in range(len(self.headers)) if p in self.columns or self.headers[p]}

    def read(self, cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        """``(row, extra)``: the known columns' values (stripped) and the
        non-empty values of the extra columns."""
        row = {column: (cells[pos].strip() if pos < len(cells) else "") for pos, column in self.columns.items()}
        extra = {name: cells[pos].strip() for pos, name in self.extra_names().items() if pos < len(cells) and cells[pos].strip()}
        return row, extra


def find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """Index in ``rows`` of the header, or None: the first of the first
    :data:`MAX_HEADER_ROW` rows that names a name column and either another
    known column or few others (at least half its cells are known headers: a
    list of names alone). Rows above it (titles, notes) are not records."""
    for i, (_, cells) in enumerate(rows[:MAX_HEADER_ROW]):
        header = HeaderRow.match(cells)
        if header.has_name and (len(header.columns) >= 2 or 2 * len(header.columns) >= sum(1 for c in cells if c.strip())):
            return i
    return None


def complete_row(row: dict[str, str]) -> dict[str, str]:
    """The row with every column, those the file lacks at their default."""
    return {c: row[c] if c in row else COLUMN_DEFAULTS.get(c, "") for c in COLUMNS}


def generated_record_id(name: str) -> str:
    """A stable id for a record of a file without a record_id column: from the
    name (case, spacing and punctuation ignored), so it survives re-ingest,
    re-ordered rows and new rows."""
    return "auto-" + hashlib.sha256(_name_key(name).encode("utf-8")).hexdigest()[:10]


# --- file ---------------------------------------------------------------------

#: The center records of a corpus folder, in either form; a folder holding
#: both is refused (:func:`find_centers_file`), as either could be the stale one.
CENTER_FILE_NAMES: tuple[str, ...] = ("centers.csv", "centers.xlsx")


def find_centers_file(corpus_dir: Path) -> Path | None:
    """The corpus's center records file (``centers.csv`` or ``centers.xlsx``), or None."""
    found = [Path(corpus_dir) / n for n in CENTER_FILE_NAMES if (Path(corpus_dir) / n).exists()]
    if len(found) > 1:
        raise CenterRecordError(
            f"{corpus_dir} holds both {' and '.join(p.name for p in found)}: which are the center records is unclear",
            hint="keep one of them (remove or rename the other)",
        )
    return found[0] if found else None


def read_records_file(path: Path) -> bytes:
    """The file's bytes, or :class:`CenterRecordError` saying why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CenterRecordError(
            f"cannot read center records file {path}: {exc.strerror or exc}",
            hint="check that the path exists and is a readable file",
        ) from None
    if not data.strip():
        raise CenterRecordError(f"center records file {path} is empty", hint="it needs a header row and records")
    return data


def decode_records_file(path: Path, data: bytes | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of a CSV file, or :class:`CenterRecordError` saying why not.

    UTF-8 (with or without BOM), UTF-16 with a BOM and the legacy Chinese
    encodings (GBK/GB18030, Big5) are read the way documents are
    (:func:`ingest.convert.decode_text`); a binary file, one whose encoding
    cannot be told and one that mixes encodings are refused.
    """
    from ingest.convert import decode_text

    data = read_records_file(path) if data is None else data
    try:
        return decode_text(data, path.name)
    except EncodingError as err:
        raise CenterRecordError(
            f"center records file {path} cannot be read as text: {err.message}",
            hint="save the center records as a UTF-8 CSV file or an .xlsx workbook",
        ) from None


def csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """``(line, cells)`` of every row of a CSV text; ``line`` is the file line the row starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        line = 1
        for values in reader:
            rows.append((line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CenterRecordError(f"center records file {path} is not valid CSV: {exc}") from None
    return rows


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person reads in the cell: 2022 not
    2022.0, a date as 2022-02-19, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def sheet_rows(sheet: Any) -> list[tuple[int, list[str]]]:
    """``(row number, cells)`` of the non-empty rows of a worksheet.

    A cell merged down a column (a host shared by several centers) gives its
    value to every row it spans; a row whose only content is one cell merged
    across columns is a heading ("一、国家级平台") and is left out, like empty rows.
    """
    fill: dict[tuple[int, int], Any] = {}
    headings: set[tuple[int, int]] = set()
    for rng in sheet.merged_cells.ranges:
        anchor = sheet.cell(rng.min_row, rng.min_col).value
        if rng.max_col > rng.min_col:
            headings.add((rng.min_row, rng.min_col))
        elif rng.max_row > rng.min_row:
            fill.update({(r, rng.min_col): anchor for r in range(rng.min_row + 1, rng.max_row + 1)})
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = [cell_text(fill.get((number, col), v)) for col, v in enumerate(values, 1)]
        filled = [col for col, c in enumerate(cells, 1) if c]
        if not filled or (len(filled) == 1 and (number, filled[0]) in headings):
            continue
        rows.append((number, cells))
    return rows


def workbook_rows(path: Path) -> tuple[str, list[tuple[int, list[str]]]]:
    """``(sheet title, rows)`` of the first worksheet that has a header row
    (:func:`find_header`), else of the first worksheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for a damaged file
        raise CenterRecordError(
            f"center records file {path} is not a readable .xlsx workbook: {type(exc).__name__}: {exc}",
            hint="save it again as an Excel workbook (.xlsx) or as a UTF-8 CSV file",
        ) from None
    try:
        sheets = [(ws.title, sheet_rows(ws)) for ws in book.worksheets]
    finally:
        book.close()
    if not sheets:
        raise CenterRecordError(f"center records file {path} has no worksheet")
    return next(((t, rows) for t, rows in sheets if find_header(rows) is not None), sheets[0])


def load_centers(path: Path) -> CenterLoad:
    """Load a center records file (CSV or XLSX): usable rows as records, the rest rejected.

    The header row is found by its names (:func:`find_header`, any order,
    English or Chinese, ``ingest/lexicon/centers.yaml``); columns it does not
    know are kept on each record as ``extra``. Raises
    :class:`CenterRecordError` when the file as a whole is unusable
    (unreadable, empty, undecodable, not CSV or XLSX, no name column); a bad
    row never stops the others from loading.
    """
    from ingest.convert import sniff

    path = Path(path)
    data = read_records_file(path)
    if sniff(data) == "xlsx":
        sheet, rows = workbook_rows(path)
        load = CenterLoad(file=path.name, sheet=sheet)
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise CenterRecordError(
            f"center records file {path} is not an .xlsx workbook",
            hint="save it as an Excel workbook (.xlsx; not the old .xls) or as a CSV file",
        )
    else:
        text, encoding = decode_records_file(path, data)
        rows = csv_rows(path, text)
        load = CenterLoad(file=path.name, encoding=encoding)
    at = find_header(rows)
    if at is None:
        found = next((cells for _, cells in rows if any(c.strip() for c in cells)), [])
        raise CenterRecordError(
            f"center records file {path} has no name column (headers found: {', '.join(c.strip() for c in found if c.strip()) or 'none'})",
            hint=f"name the column of center names with one of: {', '.join(accepted_headers('name'))} "
            "(other columns: ingest/lexicon/centers.yaml)",
        )
    header = HeaderRow.match(rows[at][1])
    load.columns = header.describe()
    load.records, load.rejected = read_rows(load, header, rows[at + 1 :], ragged=not load.sheet)
    return load


def read_rows(
    load: CenterLoad, header: HeaderRow, rows: list[tuple[int, list[str]]], *, ragged: bool
) -> tuple[list[CenterRecord], list[RejectedRow]]:
    """Records and rejected rows of the rows below the header; ``ragged``:
    a row whose cell count differs from the header's is refused (CSV)."""
    records: list[CenterRecord] = []
    rejected: list[RejectedRow] = []
    first_row: dict[str, int] = {}
    present = set(header.columns.values())
    for line, values in rows:
        row, extra = header.read(values)
        record_id = row.get("record_id", "")
        if not any(v.strip() for v in values):
            rejected.append(RejectedRow(line, "", "blank row"))
            continue
        if ragged and len(values) != len(header.headers):
            reason = f"row has {len(values)} fields but the header has {len(header.headers)} (unquoted comma or missing cells?)"
            rejected.append(RejectedRow(line, record_id, reason))
            continue
        problems = row_problems(row, present)
        record = None if problems else build_record(complete_row(row), file=load.file, line=line, extra=extra, sheet=load.sheet)
        key = record.record_id if record else record_id
        if key in first_row:
            what = f"record_id {key!r}" if record_id or record is None else f"name {record.name!r}"
            problems.append(f"duplicate {what} (first at row {first_row[key]})")
        if problems or record is None:
            rejected.append(RejectedRow(line, record_id, "; ".join(problems)))
            continue
        first_row[key] = line
        records.append(record)
    return records, rejected
