"""Load, validate and normalize the center records (``corpus/centers.csv``).

The records are compiled by hand from news items, mirror sites and paper
affiliations, so they are messy: traditional characters, stray pinyin glosses
(``創(chuàng)新``), full-width letters, names only in English, notes in
parentheses after host names. This module turns each usable row into one
:class:`CenterRecord` whose every derived value carries the row's provenance
(file, row, source URL, confidence), and reports each unusable row as a
:class:`RejectedRow` with a reason instead of dropping it silently.

Nothing here is keyed to particular record ids or names: new rows in the same
columns load without code changes. Everything is a pure function of the file's
bytes, so the ingest step (``load_centers``, order 20) can call
:func:`load_centers` and write ``centers.json`` from :meth:`CenterLoad.to_dict`.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import CenterRecordError

#: Columns a file must have; a row must fill all of them except that one of
#: ``name`` / ``name_in_source`` may be empty.
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
_QUOTES = "“”„‟「」『』﹁﹂﹃﹄\""
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
    pieces, depth, current = [], 0, []
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
    return bool(head) and head.start() > 0 and len(text.split()) >= 4


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
    ``{"file", "row", "source_url", "confidence"}``; ``row`` is the line of the
    file where the record starts (the header is line 1).
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
    """Everything :func:`load_centers` read from one file."""

    file: str
    records: list[CenterRecord] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "records": [r.to_dict() for r in self.records],
            "rejected": [r.to_dict() for r in self.rejected],
        }


def row_problems(row: dict[str, str]) -> list[str]:
    """Why a row cannot be used (empty list when it can)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in ("name", "name_in_source") and not row.get(c)]
    if not row.get("name") and not row.get("name_in_source"):
        missing.insert(1, "name/name_in_source")
    problems = [f"missing required field(s): {', '.join(missing)}"] if missing else []
    confidence = row.get("confidence", "").lower()
    if confidence and confidence not in CONFIDENCE_VALUES:
        problems.append(
            f"unknown confidence {row['confidence']!r} (expected one of {', '.join(sorted(CONFIDENCE_VALUES))})"
        )
    kind = row.get("record_kind", "").lower()
    if kind and kind not in RECORD_KINDS:
        problems.append(f"unknown record_kind {row['record_kind']!r} (expected one of {', '.join(sorted(RECORD_KINDS))})")
    return problems


def build_record(row: dict[str, str], *, file: str, line: int) -> CenterRecord:
    """Turn one validated row (values stripped) into a :class:`CenterRecord`."""
    confidence = row["confidence"].lower()
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
    return CenterRecord(
        record_id=row["record_id"],
        name=name,
        name_in_source=row["name_in_source"],
        english_names=names.english_names,
        aliases=names.aliases,
        acronyms=names.acronyms,
        name_notes=names.notes,
        platform_type=normalize_name(row["platform_type"]),
        record_kind=row["record_kind"].lower(),
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
        source={"file": file, "row": line, "source_url": row["source_url"], "confidence": confidence},
    )


# --- file ---------------------------------------------------------------------


def decode_records_file(path: Path) -> str:
    """Read the file as UTF-8 text, or raise :class:`CenterRecordError` saying why.

    A non-UTF-8 file is refused, naming the encoding charset-normalizer finds,
    rather than guessed at: a wrong guess would silently corrupt every name.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CenterRecordError(
            f"cannot read center records file {path}: {exc.strerror or exc}",
            hint="check that the path exists and is a readable file",
        ) from None
    if not data.strip():
        raise CenterRecordError(f"center records file {path} is empty", hint="it needs a header row and records")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or b"\x00" in data:
        raise CenterRecordError(
            f"center records file {path} is not UTF-8 text (it looks binary)",
            hint="the center records must be a UTF-8 CSV file",
        )
    raise CenterRecordError(
        f"center records file {path} is not UTF-8 (encoding found: {best.encoding})",
        hint=f"convert it, e.g. `iconv -f {best.encoding} -t UTF-8 {path.name} > {path.stem}.utf8.csv`",
    )


def load_centers(path: Path) -> CenterLoad:
    """Load a center records CSV file: usable rows as records, the rest rejected.

    Raises :class:`CenterRecordError` when the file as a whole is unusable
    (unreadable, empty, not UTF-8, not CSV, a required column missing); a bad
    row never stops the others from loading.
    """
    path = Path(path)
    text = decode_records_file(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        raw_rows = []
        line = reader.line_num
        for values in reader:
            raw_rows.append((line + 1, values))
            line = reader.line_num
    except csv.Error as exc:
        raise CenterRecordError(f"center records file {path} is not valid CSV: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CenterRecordError(
            f"center records file {path} lacks required column(s): {', '.join(missing)}",
            hint=f"the header must contain {', '.join(REQUIRED_COLUMNS)}",
        )
    load = CenterLoad(file=path.name)
    first_row: dict[str, int] = {}
    for line, values in raw_rows:
        row = {h: v.strip() for h, v in zip(header, values)}
        record_id = row.get("record_id", "")
        if not any(v.strip() for v in values):
            load.rejected.append(RejectedRow(line, "", "blank row"))
            continue
        if len(values) != len(header):
            reason = f"row has {len(values)} fields but the header has {len(header)} (unquoted comma or missing cells?)"
            load.rejected.append(RejectedRow(line, record_id, reason))
            continue
        problems = row_problems(row)
        if record_id in first_row:
            problems.append(f"duplicate record_id {record_id!r} (first at row {first_row[record_id]})")
        if problems:
            load.rejected.append(RejectedRow(line, record_id, "; ".join(problems)))
            continue
        first_row[record_id] = line
        load.records.append(build_record(row, file=path.name, line=line))
    return load
