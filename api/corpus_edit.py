"""Writes behind the API: change a copy of the corpus, ingest it, swap both in.

The corpus the live store was built from is ``DATA/corpus`` (a symlink to a
full copy under ``DATA/corpora/``), or, before the first write, the corpus
directory the server was started with. A write never touches either:

1. copy the live corpus to a new ``DATA/corpora/<stamp>/``; with ``--backend
   neo4j``, when Neo4j's live graph is not the one this data directory last
   loaded (another server over the same Neo4j wrote since, or this directory
   holds only the model), rebuild it there from the live graph instead
   (:func:`catch_up`), so the write keeps what the others added;
2. apply the change there and validate the document exactly as ingest will
   (a supported format, decodable, not empty, parseable, id not taken);
3. run the full ingest from that copy; it builds a new store and swaps
   ``DATA/current`` atomically, or fails leaving the old store live;
4. only then point ``DATA/corpus`` at the copy (again one ``os.replace``).

Any failure before step 4 deletes the copy, so a failed upload changes
nothing. The caller serialises writes and reloads the in-memory services.
The API's POST/PUT/DELETE /documents and the CLI's `policykg add` / `remove`
both go through :func:`prepare`, :func:`put_document` / :func:`delete_document`
and :func:`write_through`.

A file that is not UTF-8 plain text (a web page, Word, PDF, GB18030 text) is
converted once here: the corpus keeps the original bytes
(``<id>_<hash>.orig.<ext>``, named as ``source_file`` in the manifest with its
format and encoding) beside the UTF-8 text every offset refers to
(``<id>_<hash>.txt``, the entry's ``file``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import yaml

from ingest.convert import Converted, convert
from ingest.corpus_record import restore_corpus
from ingest.document import Document
from ingest.errors import DuplicateDocumentError, EncodingError, NotFoundError, PolicyKGError

if TYPE_CHECKING:
    from graph.neo4j_store import CorpusRecord

CORPORA = "corpora"
CORPUS_LINK = "corpus"
MANIFEST = "sources.yaml"


@dataclass(frozen=True)
class NewDocument:
    """An upload: the bytes as supplied, their file name, and what the manifest
    entry states (``doc_id`` and ``title`` may be left to the text)."""

    doc_id: str | None
    title: str | None
    data: bytes
    metadata: dict[str, Any]
    filename: str = "upload.txt"
    converted: Converted | None = None


def prepare(doc: NewDocument) -> NewDocument:
    """``doc`` converted (once) and with its id: the given one, else the stable
    id ingest would generate (from its 文号, else its bytes)."""
    from ingest.loaders import generated_id
    from ingest.metadata import read_metadata

    converted = doc.converted or convert(doc.data, doc.filename)
    doc_id = doc.doc_id
    if not doc_id:
        doc_no = doc.metadata.get("doc_no") or getattr(read_metadata(converted.text).get("doc_no"), "value", None)
        doc_id = generated_id(doc.filename, doc_no, converted.sha256)
    return dataclasses.replace(doc, doc_id=doc_id, converted=converted)


def live_corpus(data_dir: Path, base_corpus: Path) -> Path:
    """The corpus the live store was built from: the one writes published, else
    the one the last ingest recorded, else ``base_corpus``."""
    from ingest.steps import CORPUS_RECORD

    link = Path(data_dir) / CORPUS_LINK
    if link.exists():
        return link.resolve()
    if (Path(data_dir) / "current").exists():
        record = (Path(data_dir) / "current").resolve() / CORPUS_RECORD  # readable even if the store is damaged
        recorded = Path(json.loads(record.read_text("utf-8"))["corpus"]) if record.exists() else None
        if recorded is not None and recorded.is_dir():
            return recorded
    return Path(base_corpus)


def text_bytes(text: str) -> bytes:
    """UTF-8 bytes of uploaded text; a string that cannot be UTF-8 is an encoding error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise EncodingError(f"the text cannot be encoded as UTF-8 (character {err.start})", hint="send the document as UTF-8 text") from err


def _read_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    """The manifest's entries plus the corpus's other files, each with its id
    (generated as ingest would), so a write can find, replace or remove any
    document and the rewritten manifest names them all."""
    from ingest.loaders import corpus_entries, read_bytes

    entries = [dict(e) for e in corpus_entries(corpus_dir)]
    for e in entries:
        if not e.get("id"):
            e["id"] = prepare(NewDocument(None, None, read_bytes(corpus_dir / e["file"]), {}, e["file"])).doc_id
    return entries


def _write_manifest(corpus_dir: Path, entries: list[dict[str, Any]]) -> None:
    header = "# The corpus manifest as edited through the policykg API (see the repository's corpus/sources.yaml).\n"
    body = yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False)
    (corpus_dir / MANIFEST).write_text(header + body, "utf-8")


def _find(entries: list[dict[str, Any]], doc_id: str) -> int | None:
    return next((i for i, e in enumerate(entries) if str(e["id"]) == doc_id), None)


def _not_found(doc_id: str, entries: list[dict[str, Any]]) -> NotFoundError:
    return NotFoundError(f"no document with id {doc_id!r}", suggestions=[str(e["id"]) for e in entries][:10])


def manifest_entry(doc: NewDocument) -> tuple[dict[str, Any], bytes]:
    """The manifest entry a write gives the prepared ``doc``, and the bytes of
    its ``file`` (the UTF-8 text); the original is its ``source_file`` unless
    it was UTF-8 text as it stands."""
    assert doc.doc_id is not None and doc.converted is not None, "prepare() the document first"
    stem = f"{doc.doc_id}_{doc.converted.sha256[:16]}"
    entry: dict[str, Any] = {"id": doc.doc_id, "file": f"{stem}.txt", **({"title": doc.title} if doc.title else {}), **doc.metadata}
    text = doc.converted.text.encode("utf-8")
    if text != doc.data:  # not UTF-8 text as it stands: keep the original beside its conversion
        entry.update(
            source_file=f"{stem}.orig.{doc.filename.rsplit('.', 1)[-1].lower()}",
            source_format=doc.converted.source_format,
            encoding=doc.converted.encoding,
        )
    return entry, text


def document_ids(corpus_dir: Path) -> list[str]:
    """The ids of the documents in ``corpus_dir`` (what a POST must not reuse, a PUT must name)."""
    return [str(e["id"]) for e in _read_manifest(corpus_dir)] if Path(corpus_dir).is_dir() else []


def put_document(corpus_dir: Path, doc: NewDocument, *, replace: bool | None) -> Document:
    """Add (``replace=False``), overwrite (``True``) or either (``None``) ``doc`` in
    ``corpus_dir``; returns it parsed.

    Validates before anything else runs: an id already taken (add) or unknown
    (replace), an unsupported or unreadable file, or an empty text raise the
    ingest error that says so.
    """
    from ingest.loaders import load_document

    doc = prepare(doc)
    assert doc.doc_id is not None and doc.converted is not None
    entries = _read_manifest(corpus_dir)
    at = _find(entries, doc.doc_id)
    if at is not None and replace is False:
        raise DuplicateDocumentError(
            f"a document with id {doc.doc_id!r} already exists", hint=f"choose another id, or PUT /documents/{doc.doc_id} to replace it"
        )
    if at is None and replace:
        raise _not_found(doc.doc_id, entries)
    entry, text = manifest_entry(doc)
    if entry.get("source_file"):
        (corpus_dir / entry["source_file"]).write_bytes(doc.data)
    (corpus_dir / entry["file"]).write_bytes(text)
    parsed = load_document(corpus_dir, entry)  # decodable, not empty, parseable
    if at is None:
        entries.append(entry)
    else:
        _remove_files(corpus_dir, entries[at], keep={entry["file"], entry.get("source_file")})
        entries[at] = entry
    _write_manifest(corpus_dir, entries)
    return parsed


def _remove_files(corpus_dir: Path, entry: dict[str, Any], keep: set[Any] = frozenset()) -> None:  # type: ignore[assignment]
    """Delete an entry's text and original (unless a new entry reuses the name)."""
    for name in (entry.get("file"), entry.get("source_file")):
        if name and name not in keep:
            (corpus_dir / name).unlink(missing_ok=True)


def delete_document(corpus_dir: Path, doc_id: str) -> None:
    """Remove ``doc_id`` and its file from ``corpus_dir``."""
    entries = _read_manifest(corpus_dir)
    at = _find(entries, doc_id)
    if at is None:
        raise _not_found(doc_id, entries)
    _remove_files(corpus_dir, entries.pop(at))
    _write_manifest(corpus_dir, entries)


def neo4j_write_options(data_dir: Path, connection: dict[str, Any] | None) -> dict[str, Any]:
    """The Neo4j options of a write from ``data_dir``'s own corpus copy: the connection,
    and the generation the directory's live store was loaded as.

    Why: a write builds the whole graph from the corpus it starts from. When another
    server (another data directory over the same Neo4j) or an ingest switches in a
    generation after the write has started, that corpus lacks what the other one added,
    and the load refuses (graph.errors.GenerationConflictError, HTTP 409) instead of
    dropping it. A directory that never loaded Neo4j (or only the embedded store) states
    no expectation, and the embedded backend never reads one."""
    from ingest.pipeline import current_store, store_manifest

    try:
        manifest = store_manifest(current_store(data_dir))
    except (PolicyKGError, OSError, ValueError):
        manifest = {}
    loaded = (manifest.get("summary") or {}).get("neo4j") or {}
    return {**(connection or {}), "expect": loaded.get("generation")}


def catch_up(data_dir: Path, connection: dict[str, Any] | None, loaded: str | None) -> CorpusRecord | None:
    """The corpus of Neo4j's live graph when it is not ``loaded``, the generation ``data_dir``
    last loaded (None: it is, or Neo4j holds no graph, and the directory's own copy is the corpus).

    Why: a server whose data directory holds only the model, or whose copy another
    server's write has left behind, would otherwise build the whole graph from a corpus
    without the other server's documents and drop them. The live generation's corpus
    record (graph/neo4j_store.py) has every file ingest reads; a generation without one
    (loaded by an older version, or a graph loaded directly) cannot be caught up with,
    and the write is refused as a conflict, changing nothing."""
    from graph.errors import GenerationConflictError
    from graph.neo4j_conn import resolve_connection
    from graph.neo4j_store import connect, corpus_record, live_generation

    conn = connection or {}
    driver = connect(resolve_connection(Path(data_dir), conn.get("uri"), conn.get("user"), conn.get("password")))
    try:
        live = live_generation(driver)
        if live is None or live == loaded:
            return None
        record = corpus_record(driver, live)
    finally:
        driver.close()
    if record is None:
        raise GenerationConflictError(
            f"Neo4j's live graph (generation {live[:12]}) is not the one this data directory last loaded "
            f"({(loaded or 'none')[:12]}), and it keeps no corpus to catch up from (loaded without one, "
            "or replaced while it was read)",
            hint="nothing was changed; load the shared corpus with this version "
            "(`policykg ingest --corpus DIR --backend neo4j`), then write again",
        )
    return record


def write_through(
    data_dir: Path,
    base_corpus: Path,
    change: Callable[[Path], Any],
    ingest: Callable[[Path, dict[str, Any]], Any],
    *,
    backend: str = "networkx",
    connection: dict[str, Any] | None = None,
) -> tuple[Path, Any, Any]:
    """Copy the live corpus (with ``backend`` ``"neo4j"``: the live graph's, when this
    directory is behind it, :func:`catch_up`), ``change`` the copy, ``ingest`` it with the
    Neo4j options of its load (``connection`` and the generation the copy was taken from),
    then publish the copy.

    Returns (published corpus, change's result, ingest's result). On any
    error the copy is removed and nothing that is live has changed.
    """
    data_dir = Path(data_dir)
    staging = data_dir / CORPORA / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    neo4j = neo4j_write_options(data_dir, connection)
    try:
        record = catch_up(data_dir, connection, neo4j["expect"]) if backend == "neo4j" else None
        if record is not None:
            restore_corpus(staging, record.texts, record.files)
            neo4j["expect"] = record.generation
        else:
            _copy_live(live_corpus(data_dir, base_corpus), staging)
        changed = change(staging)
        built = ingest(staging, neo4j)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(data_dir, staging)
    return staging, changed, built


def _copy_live(source: Path, staging: Path) -> None:
    """``source`` copied to ``staging``; an empty ``staging`` when there is none (a new data directory)."""
    if source.is_dir():
        shutil.copytree(source, staging)
    else:
        staging.mkdir()


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
