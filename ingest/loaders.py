"""Read the corpus manifest and the source files, refusing bad input clearly.

Offsets everywhere refer to the decoded text of the file as received, so a
file is decoded exactly once, here, strictly as UTF-8 (a UTF-8 BOM is kept as
part of the text so offsets still match a byte-for-byte copy). Anything else
is rejected with a message that names the file and the encoding found, rather
than guessed at: a silently mis-decoded policy text would poison every fact
derived from it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .document import Document
from .errors import CorpusError, DuplicateDocumentError, EmptyDocumentError, EncodingError
from .parse import parse_document
from .text_checks import check_text

MANIFEST = "sources.yaml"
REQUIRED_KEYS = ("id", "file", "title")


def read_text(path: Path) -> str:
    """Decode ``path`` as UTF-8 or raise an error naming the encoding found."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CorpusError(f"cannot read {path}: {err.strerror or err}", hint="check the path and its permissions") from err
    if not raw.strip():
        raise EmptyDocumentError(f"{path} is empty", hint="remove it from the manifest or supply its text")
    if b"\x00" in raw[:4096]:
        raise EncodingError(f"{path} looks binary (contains NUL bytes), not a text document", hint="supply the document as UTF-8 plain text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        found = _guess_encoding(raw)
        raise EncodingError(
            f"{path} is not valid UTF-8 (byte {err.start}); the encoding found is {found}",
            hint=f"convert it first, e.g. `iconv -f {found} -t UTF-8 {path.name} > {path.stem}.utf8.txt`",
        ) from err


def _guess_encoding(raw: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return "unknown (binary?)"
    name = best.encoding.lower()
    # charset-normalizer reports Simplified Chinese legacy files as gb18030 or gbk.
    return {"gb2312": "gbk"}.get(name, name)


def read_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    """The validated manifest entries of ``corpus_dir/sources.yaml``."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist or is not a directory", hint="pass --corpus DIR")
    path = corpus_dir / MANIFEST
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as err:
        raise CorpusError(f"{path} is not valid YAML: {err}") from err
    entries = (data or {}).get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path} lists no documents", hint="add a `documents:` list")
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        missing = [k for k in REQUIRED_KEYS if not (isinstance(entry, dict) and entry.get(k))]
        if missing:
            raise CorpusError(f"{path}: document #{i + 1} lacks {', '.join(missing)}")
        doc_id = str(entry["id"])
        if doc_id in seen:
            raise DuplicateDocumentError(
                f"{path}: documents {seen[doc_id]} and {entry['file']} share the id {doc_id}",
                hint="give each document its own id",
            )
        seen[doc_id] = entry["file"]
    return entries


def load_document(corpus_dir: Path, entry: dict[str, Any]) -> Document:
    """Read, decode and parse one manifest entry."""
    text = read_text(Path(corpus_dir) / entry["file"])
    warnings = check_text(text, entry["file"])  # refuses junk, names what looks damaged
    doc_id = str(entry["id"])
    year = entry.get("year")
    doc = Document(
        doc_id=doc_id,
        title=str(entry["title"]),
        file=str(entry["file"]),
        text=text,
        issuers=[str(x) for x in entry.get("issuers") or []],
        kind=str(entry.get("kind") or ""),
        year=int(year) if year is not None else None,
        status=str(entry.get("status") or "final"),
        scope=[str(x) for x in entry.get("scope") or []],
        inferred=[str(x) for x in entry.get("inferred") or []],
        url=str(entry.get("url") or ""),
    )
    doc.clauses = parse_document(doc_id, text)
    doc.warnings = [w.to_dict() for w in warnings]
    return doc


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the corpus, parsed into clauses, in manifest order."""
    return [load_document(corpus_dir, e) for e in read_manifest(corpus_dir)]
