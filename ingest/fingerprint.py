"""What an ingest's result depends on, as one digest: the basis of "nothing changed, nothing to do".

A store is a pure function of (the corpus files' bytes, the code and
vocabulary that read them, the options, the backend, and whatever a step
declares beside these, such as the embedding model's identity). When the
live store was built from the same digest, an ingest has nothing to do and
returns it as it is: re-ingesting an unchanged corpus costs one hashing pass
over the corpus and the code, not a rebuild.

Code is hashed by package (every file of the packages whose modules
registered a step: ``.py`` sources and the vocabulary files beside them), so
an edited cue word or rule rebuilds, without anyone keeping a version
number in step.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

CHUNK = 1 << 20
_SKIP_DIRS = frozenset({"__pycache__"})
_SKIP_SUFFIXES = frozenset({".pyc", ".pyo"})


def _update_with_file(digest: "hashlib._Hash", path: Path) -> None:
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in _SKIP_SUFFIXES and not _SKIP_DIRS.intersection(p.parts))


def tree_digest(root: Path) -> str:
    """SHA-256 over every file under ``root``: relative names and bytes, in name order."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in _files_under(root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\x00")
        _update_with_file(digest, path)
        digest.update(b"\x01")
    return digest.hexdigest()


@lru_cache(maxsize=None)
def package_digest(package: str) -> str:
    """:func:`tree_digest` of an imported top-level package's directory (code never changes within a process)."""
    module = sys.modules.get(package)
    file = getattr(module, "__file__", None)
    if not file:
        return "unknown:" + package
    return tree_digest(Path(file).parent)


def code_digest(modules: Iterable[str]) -> str:
    """One digest for the top-level packages of ``modules`` (dotted module names)."""
    packages = sorted({m.split(".")[0] for m in modules})
    return hashlib.sha256("\n".join(f"{p}:{package_digest(p)}" for p in packages).encode("utf-8")).hexdigest()


def input_fingerprint(corpus_dir: Path, *, code: str, settings: dict[str, Any]) -> str:
    """The digest of an ingest's inputs: corpus bytes, ``code`` (:func:`code_digest`) and ``settings``
    (backend, options and step declarations; anything JSON can show, unserializable values by type)."""
    digest = hashlib.sha256()
    digest.update(tree_digest(Path(corpus_dir)).encode("ascii"))
    digest.update(code.encode("ascii"))
    digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=lambda v: type(v).__name__).encode("utf-8"))
    return digest.hexdigest()
