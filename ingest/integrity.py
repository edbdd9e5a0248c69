"""Is a store on disk whole? Sizes and SHA-256 of its files, recorded at ingest, checked at load.

A store is written once and never changed, so a file whose size or checksum
differs from what the ingest recorded in ``manifest.json`` was damaged
afterwards (a truncated copy, a bad disk, a hand edit). Readers find out at
load, with the file named, instead of serving a graph that lost half its
nodes or failing later inside a JSON parser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .errors import StoreCorruptError

MANIFEST = "manifest.json"
CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def file_digests(store: Path) -> dict[str, dict[str, Any]]:
    """``{relative path: {"bytes", "sha256"}}`` of every file of ``store`` but its manifest."""
    return {
        p.relative_to(store).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(store.rglob("*"))
        if p.is_file() and p != store / MANIFEST
    }


def verify(store: Path, recorded: dict[str, dict[str, Any]] | None) -> None:
    """Raise StoreCorruptError naming the first file that is missing, truncated or changed.

    Stores written before checksums were recorded (``recorded`` is None) pass.
    """
    for rel, want in (recorded or {}).items():
        path = store / rel
        if not path.is_file():
            raise StoreCorruptError(f"store {store.name}: {rel} is missing", hint=_HINT)
        size = path.stat().st_size
        if size != want["bytes"]:
            raise StoreCorruptError(f"store {store.name}: {rel} is {size} bytes, the ingest wrote {want['bytes']} (truncated?)", hint=_HINT)
        if _sha256(path) != want["sha256"]:
            raise StoreCorruptError(f"store {store.name}: {rel} does not match the checksum the ingest recorded (garbled?)", hint=_HINT)


_HINT = "re-run `policykg ingest`; until then the previous store, if one is whole, is used"
