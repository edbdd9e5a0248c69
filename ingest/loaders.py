"""Read a corpus directory: every supported file, with what ``sources.yaml`` says about it.

``sources.yaml`` is optional. Each file is converted once to the UTF-8 text
every offset refers to (:mod:`ingest.convert`: text in any common Chinese
encoding, web pages, Word, PDF); its metadata comes from the manifest entry
where there is one and is read from the text otherwise (:mod:`ingest.metadata`),
each read value listed in ``inferred``. A file that cannot be read is refused
with a message naming it and what was found, never guessed at: a silently
mis-decoded policy text would poison every fact derived from it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from .convert import FORMATS, MAX_SOURCE_BYTES, Converted, convert, is_supported
from .document import Document
from .errors import CorpusError, DuplicateDocumentError, PayloadTooLargeError
from .metadata import resolve
from .parallel import map_items
from .parse import parse_document
from .text_checks import check_text

MANIFEST = "sources.yaml"
REQUIRED_KEYS = ("file",)
_SEED_ID = re.compile(r"^(\d{3})_")


def read_bytes(path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of ``path``, refusing a missing or oversized file before reading it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PayloadTooLargeError(
                f"{path} is {size} bytes; the limit is {max_bytes}", hint="split the document, or supply only its text"
            )
        return path.read_bytes()
    except OSError as err:
        raise CorpusError(f"cannot read {path}: {err.strerror or err}", hint="check the path and its permissions") from err


def read_text(path: Path) -> str:
    """The text of ``path`` converted from whatever supported format and encoding it has."""
    return convert(read_bytes(path), path.name).text


def read_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    """The validated entries of ``corpus_dir/sources.yaml`` ([] when there is none)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist or is not a directory", hint="pass --corpus DIR")
    path = corpus_dir / MANIFEST
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(read_bytes(path).decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CorpusError(f"{path} is not valid UTF-8 YAML: {err}") from err
    entries = (data or {}).get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(
            f"{path} has no `documents:` list", hint="add one, or delete the file to read every document's metadata from its text"
        )
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        missing = [k for k in REQUIRED_KEYS if not (isinstance(entry, dict) and entry.get(k))]
        if missing:
            raise CorpusError(f"{path}: document #{i + 1} lacks {', '.join(missing)}")
        doc_id = str(entry.get("id") or "")
        if doc_id and doc_id in seen:
            raise DuplicateDocumentError(
                f"{path}: documents {seen[doc_id]} and {entry['file']} share the id {doc_id}",
                hint="give each document its own id",
            )
        if doc_id:
            seen[doc_id] = entry["file"]
    return entries


def corpus_entries(corpus_dir: Path) -> list[dict[str, Any]]:
    """The manifest's entries, then one bare entry for every supported file it does not name."""
    entries = read_manifest(corpus_dir)
    named = {e["file"] for e in entries} | {e["source_file"] for e in entries if e.get("source_file")}
    extra = sorted(
        p.name
        for p in Path(corpus_dir).iterdir()
        if p.is_file() and not p.name.startswith(".") and is_supported(p.name) and p.name not in named
    )
    return [*entries, *({"file": name} for name in extra)]


def generated_id(file: str, doc_no: str | None, sha256: str) -> str:
    """A stable id for a document the manifest does not name: a seed file's
    three-digit prefix, else a hash of its 文号 (the same document keeps its id
    across corrected copies), else of its bytes."""
    seed = _SEED_ID.match(file)
    if seed:
        return seed.group(1)
    if doc_no:
        return "n" + hashlib.sha256(doc_no.encode("utf-8")).hexdigest()[:10]
    return "h" + sha256[:10]


def _source_of(entry: dict[str, Any], converted: Converted, original: bytes | None) -> dict[str, Any]:
    """Where the text came from: the original beside a stored conversion
    (``source_file``, as `policykg add` keeps it), else the file itself."""
    if original is None:
        return {
            "source_format": converted.source_format,
            "encoding": converted.encoding,
            "source_sha256": converted.sha256,
            "source_file": entry["file"],
        }
    return {
        "source_format": entry.get("source_format") or FORMATS.get(Path(entry["source_file"]).suffix.lower(), ""),
        "encoding": entry.get("encoding"),
        "source_sha256": hashlib.sha256(original).hexdigest(),
        "source_file": entry["source_file"],
    }


def load_document(corpus_dir: Path, entry: dict[str, Any]) -> Document:
    """Read, convert and parse one entry; metadata the entry lacks is read from the text."""
    data = read_bytes(Path(corpus_dir) / entry["file"])
    original = read_bytes(Path(corpus_dir) / entry["source_file"]) if entry.get("source_file") else None
    return document_from(entry, data, original)


def document_from(entry: dict[str, Any], data: bytes, original: bytes | None = None) -> Document:
    """One manifest entry parsed from the bytes of its ``file`` (and of its
    ``source_file``, when it keeps one), held in memory: what
    :func:`load_document` reads from a corpus directory, for a document not
    written anywhere yet (the API's preview of an upload)."""
    converted = convert(data, entry["file"])
    warnings = check_text(converted.text, entry["file"])  # refuses junk, names what looks damaged
    source = _source_of(entry, converted, original)
    meta = resolve(entry, converted.text, default_title=Path(entry["file"]).stem)
    doc_id = str(entry.get("id") or generated_id(entry["file"], meta.get("doc_no"), source["source_sha256"]))
    doc = Document(
        doc_id=doc_id,
        file=str(entry["file"]),
        text=converted.text,
        url=str(entry.get("url") or ""),
        kind=str(entry.get("kind") or ""),
        scope=[str(x) for x in entry.get("scope") or []],
        **meta,
        **source,
    )
    doc.clauses = parse_document(doc_id, converted.text)
    doc.warnings = [w.to_dict() for w in warnings]
    return doc


def _size(corpus_dir: Path, entry: dict[str, Any]) -> int:
    """About how much text an entry holds (its file's bytes; 0 when it cannot be read: that error comes later)."""
    try:
        return (Path(corpus_dir) / entry["file"]).stat().st_size
    except OSError:
        return 0


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the corpus, parsed into clauses: manifest order, then file name order."""
    entries = corpus_entries(corpus_dir)
    if not entries:
        raise CorpusError(
            f"{corpus_dir} holds no documents", hint="add files of a supported format (" + ", ".join(sorted(set(FORMATS))) + ")"
        )
    docs = map_items(lambda e: load_document(corpus_dir, e), entries, [_size(corpus_dir, e) for e in entries])
    seen: dict[str, str] = {}
    for doc in docs:
        if doc.doc_id in seen:
            raise DuplicateDocumentError(
                f"{seen[doc.doc_id]} and {doc.file} get the same id {doc.doc_id}",
                hint="the same document twice? remove one, or give ids in sources.yaml",
            )
        seen[doc.doc_id] = doc.file
    return docs
