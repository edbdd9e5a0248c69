"""Content-keyed caches shared by every data directory: where they live, and one for any picklable value.

Work whose result is a pure function of its inputs (a clause's vector, a
document's facts) is cached under the digest of those inputs, so a re-ingest
redoes only what changed. The caches live in the user cache
(``~/.cache/policykg/cache`` on Linux), or in a data directory's own
``cache/`` when it has one; keys include everything the value depends on, so
corpora never collide.

:class:`ValueCache` stores one pickle file per key, written atomically. It is
a private cache of this user's own results (never a file someone sent), and
an entry that cannot be read back is a miss, not an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("policykg.cache")


def cache_root(data_dir: Path | str) -> Path:
    """The data directory's own ``cache/`` if it has one, else the user cache's."""
    own = Path(data_dir) / "cache"
    return own if own.exists() else user_cache()


def user_cache() -> Path:
    """The per-user cache folder (after platformdirs), shared by every data directory."""
    import platformdirs

    return platformdirs.user_cache_path("policykg") / "cache"


def digest(*parts: str | bytes) -> str:
    """SHA-256 over ``parts``, each framed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class ValueCache:
    """Values on disk under ``directory/<key[:2]>/<key>.pickle``."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (absent or unreadable)."""
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception as err:  # a torn or stale entry is only a miss
            log.warning("cache entry %s unreadable (%s); recomputing", path.name, err)
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``; a cache that cannot be written is skipped with a warning."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as err:
            log.warning("cache not written (%s): %s", path.parent, err)
