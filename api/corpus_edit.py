"""Writes behind the API: change a copy of the corpus, ingest it, swap both in.

The corpus the live store was built from is ``DATA/corpus`` (a symlink to a
full copy under ``DATA/corpora/``), or, before the first write, the corpus
directory the server was started with. A write never touches either:

1. copy the live corpus to a new ``DATA/corpora/<stamp>/``;
2. apply the change there and validate the document exactly as ingest will
   (strict UTF-8, not empty, parseable, id not taken);
3. run the full ingest from that copy; it builds a new store and swaps
   ``DATA/current`` atomically, or fails leaving the old store live;
4. only then point ``DATA/corpus`` at the copy (again one ``os.replace``).

Any failure before step 4 deletes the copy, so a failed upload changes
nothing. The caller serialises writes and reloads the in-memory services.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from ingest.document import Document
from ingest.errors import DuplicateDocumentError, EncodingError, NotFoundError

CORPORA = "corpora"
CORPUS_LINK = "corpus"
MANIFEST = "sources.yaml"


@dataclass(frozen=True)
class NewDocument:
    """A validated upload: the manifest entry fields and the raw bytes."""

    doc_id: str
    title: str
    data: bytes
    metadata: dict[str, Any]


def live_corpus(data_dir: Path, base_corpus: Path) -> Path:
    """The corpus the live store was built from."""
    link = Path(data_dir) / CORPUS_LINK
    return link.resolve() if link.exists() else Path(base_corpus)


def text_bytes(text: str) -> bytes:
    """UTF-8 bytes of uploaded text; a string that cannot be UTF-8 is an encoding error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise EncodingError(f"the text cannot be encoded as UTF-8 (character {err.start})",
                            hint="send the document as UTF-8 text") from err


def _read_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    from ingest.loaders import read_manifest

    return [dict(e) for e in read_manifest(corpus_dir)]


def _write_manifest(corpus_dir: Path, entries: list[dict[str, Any]]) -> None:
    header = "# The corpus manifest as edited through the policykg API (see the repository's corpus/sources.yaml).\n"
    body = yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False)
    (corpus_dir / MANIFEST).write_text(header + body, "utf-8")


def _find(entries: list[dict[str, Any]], doc_id: str) -> int | None:
    return next((i for i, e in enumerate(entries) if str(e["id"]) == doc_id), None)


def _not_found(doc_id: str, entries: list[dict[str, Any]]) -> NotFoundError:
    return NotFoundError(f"no document with id {doc_id!r}", suggestions=[str(e["id"]) for e in entries][:10])


def put_document(corpus_dir: Path, doc: NewDocument, *, replace: bool) -> Document:
    """Add (or, with ``replace``, overwrite) ``doc`` in ``corpus_dir``; returns it parsed.

    Validates before anything else runs: an id already taken (add) or unknown
    (replace), bytes that are not UTF-8 text, or an empty text raise the
    ingest error that says so.
    """
    from ingest.loaders import load_document

    entries = _read_manifest(corpus_dir)
    at = _find(entries, doc.doc_id)
    if at is not None and not replace:
        raise DuplicateDocumentError(f"a document with id {doc.doc_id!r} already exists",
                                     hint=f"choose another id, or PUT /documents/{doc.doc_id} to replace it")
    if at is None and replace:
        raise _not_found(doc.doc_id, entries)
    file_name = f"{doc.doc_id}_{hashlib.sha256(doc.data).hexdigest()[:16]}.txt"
    entry = {"id": doc.doc_id, "file": file_name, "title": doc.title, **doc.metadata}
    (corpus_dir / file_name).write_bytes(doc.data)
    parsed = load_document(corpus_dir, entry)  # strict UTF-8, not empty, parseable
    if at is None:
        entries.append(entry)
    else:
        old = corpus_dir / entries[at]["file"]
        if old.name != file_name:
            old.unlink(missing_ok=True)
        entries[at] = entry
    _write_manifest(corpus_dir, entries)
    return parsed


def delete_document(corpus_dir: Path, doc_id: str) -> None:
    """Remove ``doc_id`` and its file from ``corpus_dir``."""
    entries = _read_manifest(corpus_dir)
    at = _find(entries, doc_id)
    if at is None:
        raise _not_found(doc_id, entries)
    (corpus_dir / entries.pop(at)["file"]).unlink(missing_ok=True)
    _write_manifest(corpus_dir, entries)


def write_through(data_dir: Path, base_corpus: Path, change: Callable[[Path], Any],
                  ingest: Callable[[Path], Any]) -> tuple[Path, Any, Any]:
    """Copy the live corpus, ``change`` the copy, ``ingest`` it, then publish the copy.

    Returns (published corpus, change's result, ingest's result). On any
    error the copy is removed and nothing that is live has changed.
    """
    data_dir = Path(data_dir)
    source = live_corpus(data_dir, base_corpus)
    staging = data_dir / CORPORA / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, staging)
    try:
        changed = change(staging)
        built = ingest(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(data_dir, staging)
    return staging, changed, built


def _publish(data_dir: Path, corpus: Path) -> None:
    """Point DATA/corpus at ``corpus`` atomically; keep one previous copy."""
    link = data_dir / CORPUS_LINK
    previous = link.resolve() if link.exists() else None
    tmp = data_dir / f".corpus.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path(CORPORA) / corpus.name)
    os.replace(tmp, link)
    keep = {corpus.name} | ({previous.name} if previous else set())
    for old in (data_dir / CORPORA).iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
