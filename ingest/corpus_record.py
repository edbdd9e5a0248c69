"""A corpus directory as the files ingest reads from it: recorded beside a store, restored from one.

Why: with ``--backend neo4j`` several servers write to one graph, each from its
own corpus copy, and a server whose copy is behind the live graph (or has none:
a data directory that holds only the model) must start its write from the
graph's corpus, not its own (api/corpus_edit.py). The graph keeps every
document's converted text (its Document node's ``source_text``), which a
document file that is UTF-8 text as it stands is, byte for byte. What else
ingest read from the directory is not in the graph and is kept here verbatim:
the manifest as written (its ``notes`` and which values it states rather than
the text), the corpus's alias table and center records, the original bytes of
a converted document (``source_file``) and a document file that is not its
text in UTF-8 (another encoding, a web page). Texts and recorded files together
give back a directory from which ingest reads the same documents with the same
offsets.

Only files inside the corpus directory are recorded: a manifest may name a file
elsewhere by path, and the restored manifest still names it there.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

from .aliases import CORPUS_ALIASES
from .centers import CENTER_FILE_NAMES
from .document import Document
from .loaders import MANIFEST

RECORD_DIR = "corpus_files"
"""The directory of a store that holds its corpus record (written for a Neo4j ingest only)."""


def _inside(name: str) -> bool:
    """Whether a manifest's file name lies inside the corpus directory (relative, no ``..``)."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def record_files(corpus_dir: Path, documents: Iterable[Document]) -> dict[str, bytes]:
    """Name -> bytes of every file of ``corpus_dir`` ingest read for ``documents``,
    except a document's file whose bytes are its text in UTF-8 (the graph holds that text)."""
    corpus_dir = Path(corpus_dir)
    out = {
        name: (corpus_dir / name).read_bytes() for name in (MANIFEST, CORPUS_ALIASES, *CENTER_FILE_NAMES) if (corpus_dir / name).is_file()
    }
    for doc in documents:
        for name in {doc.file, doc.source_file} - {""}:
            if not _inside(name):
                continue
            data = (corpus_dir / name).read_bytes()
            if name != doc.file or data != doc.text.encode("utf-8"):
                out[name] = data
    return out


def write_record(store_dir: Path, files: Mapping[str, bytes]) -> None:
    """Keep ``files`` (:func:`record_files`) in ``store_dir``'s RECORD_DIR."""
    restore_corpus(Path(store_dir) / RECORD_DIR, {}, files)


def read_record(store_dir: Path) -> dict[str, bytes] | None:
    """The corpus record a store keeps, or None for a store that keeps none (an embedded one, or older)."""
    root = Path(store_dir) / RECORD_DIR
    if not root.is_dir():
        return None
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def restore_corpus(target: Path, texts: Mapping[str, str], files: Mapping[str, bytes]) -> None:
    """Write a corpus directory into ``target``: each document's text (file name -> text) as
    UTF-8, then the recorded ``files`` as they are (a recorded file is the bytes a text came from)."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    contents = {**{name: text.encode("utf-8") for name, text in texts.items()}, **files}
    for name, data in contents.items():
        if not _inside(name):
            continue
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
