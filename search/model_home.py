"""Where the embedding model lives: one folder every data directory shares.

The rebuilt model is about 470 MB and the same for every corpus, so it is
kept once per user (``~/.cache/policykg/model`` on Linux, after platformdirs)
rather than inside each data directory; ``policykg ingest --data /any/new/dir``
then finds it. ``POLICYKG_MODEL_DIR`` names another folder (a shared volume,
a read-only image). A data directory that has its own ``model/`` (set-ups
before this location existed, or a test's link) keeps using it. The
embedding cache is shared the same way.

When the folder holds no model, :func:`open_encoder` builds it on the spot
from the installed PyPI packages (offline, ``tools.model_build``), so any
command that needs the model works after ``pip install`` alone.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

MODEL_DIR_ENV = "POLICYKG_MODEL_DIR"
"""Environment variable naming the model folder, read here and nowhere else."""


def shared_model_dir() -> Path:
    """The configured model folder: ``$POLICYKG_MODEL_DIR``, else the user cache."""
    configured = os.environ.get(MODEL_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("policykg") / "model"


def model_dir_for(data_dir: Path | str | None) -> Path:
    """The model folder a data directory uses: the configured one when
    ``POLICYKG_MODEL_DIR`` is set, else the directory's own ``model/`` if it
    has one, else the shared user cache."""
    if not os.environ.get(MODEL_DIR_ENV) and data_dir is not None and (Path(data_dir) / "model").exists():
        return Path(data_dir) / "model"
    return shared_model_dir()


def model_identity(data_dir: Path | str | None) -> str:
    """What identifies the vectors ``data_dir``'s model gives (the weights' hash and
    builder version), read from its metadata without loading it; "absent" before a build."""
    from .dense import METADATA_FILE

    try:
        meta = json.loads((model_dir_for(data_dir) / METADATA_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return "absent"
    return f"{meta.get('name', 'model')}:{meta.get('weights', {}).get('sha256', 'unknown')}:b{meta.get('builder_version', 0)}"


def embedding_cache_dir(data_dir: Path | str) -> Path:
    """Where clause vectors are cached: :func:`ingest.cache.cache_root`, shared like the
    model (entries are keyed by model, prompt and text, so corpora never collide), so
    that a fresh data directory embeds only texts no corpus has embedded before."""
    from ingest.cache import cache_root

    return cache_root(data_dir)


def open_encoder(data_dir: Path | str | None, **options: Any) -> Any:
    """The :class:`search.dense.Encoder` for ``data_dir``, building the model first if it is missing."""
    from .dense import Encoder
    from .errors import ModelNotBuiltError

    target = model_dir_for(data_dir)
    try:
        return Encoder(target, **options)
    except ModelNotBuiltError:
        from tools.model_build import ensure_model  # raises with the install hint if the packages are absent

        logging.getLogger("policykg").warning("no embedding model at %s: building it (first use, offline)", target)
        ensure_model(target, log=lambda _msg: None)
        return Encoder(target, **options)
