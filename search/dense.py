"""Dense sentence embeddings: the e5 encoder and an on-disk embedding cache.

``Encoder`` loads the folder that ``tools/model_build.py`` rebuilt (where:
``search/model_home.py``) with sentence-transformers, strictly offline and on CPU, and
adds the e5 prompts (``query: `` for questions, ``passage: `` for clauses).
Vectors are float32 and L2-normalised, so a dot product is the cosine.

``EmbeddingCache`` keeps clause vectors in one SQLite file keyed by
sha256(model id, prompt, text), so a re-ingest encodes only clauses whose text
changed; ``encode_passages_cached`` is the one call ingest needs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelNotBuiltError

#: Torch threads at most: the machine has two cores shared with the server.
MAX_THREADS = 2
METADATA_FILE = "policykg_model.json"  # written by tools.model_build
PROMPTS = {"query": "query: ", "passage": "passage: "}
_MODEL_HINT = (
    "run scripts/install.sh, or `python -m tools.model_build` (it rebuilds the model offline "
    "into the shared folder; POLICYKG_MODEL_DIR names another)"
)


def _configure_offline() -> None:
    """Forbid any hub access before sentence-transformers is imported."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _describe(model_dir: Path) -> tuple[dict[str, str], int] | None:
    """(prompts, dimension) from a sentence-transformers folder's
    JSON files, without loading it; None when any is missing or lacks the e5 prompts."""
    try:
        prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text("utf-8"))["prompts"]
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text("utf-8"))
        dim = int(pooling.get("embedding_dimension") or pooling["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(prompts, dict) or any(name not in prompts for name in PROMPTS):
        return None
    return {str(k): str(v) for k, v in prompts.items()}, dim


def quiet_transformers() -> None:
    """Silence per-load progress bars and info logs (they clutter CLI output)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def _limit_threads(threads: int) -> None:
    import torch

    threads = max(1, min(threads, MAX_THREADS))
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    with_interop = getattr(torch, "set_num_interop_threads", None)
    if with_interop is not None:
        try:
            with_interop(1)
        except RuntimeError:  # only settable before the first parallel op
            pass


#: Which engine embeds questions: "auto" (the int8 ONNX export when the folder
#: holds a current one, else torch), "onnx" (it must be there) or "torch".
QUERY_ENGINES = ("auto", "onnx", "torch")


class Encoder:
    """multilingual-e5-small over sentence-transformers, loaded once per process.

    ``lazy=True`` reads the model's identity, prompts and dimension from its
    folder's small JSON files and loads the weights (torch, ~5 s) only on the
    first encode: an ingest whose clause vectors are all cached never pays
    for it. Any file it cannot read makes it load at once, as without ``lazy``.

    Questions go to the int8 ONNX export (search/onnx_encoder.py) when the
    folder has a current one (``queries="auto"``); then torch loads only when
    passages are encoded (ingest), even without ``lazy``. Passages that are
    stored (clause vectors, the embedding cache) are always torch's;
    :meth:`encode_transient_passages` is for passages compared with a
    question and thrown away (document titles), and uses the query engine.
    """

    def __init__(
        self,
        model_dir: Path | str,
        *,
        batch_size: int = 32,
        threads: int = MAX_THREADS,
        lazy: bool = False,
        queries: str = "auto",
    ) -> None:
        model_dir = Path(model_dir)
        meta_path = model_dir / METADATA_FILE
        if not meta_path.is_file():
            raise ModelNotBuiltError(f"no embedding model at {model_dir}", hint=_MODEL_HINT)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ModelNotBuiltError(f"unreadable {meta_path}: {err}", hint=_MODEL_HINT) from err
        self.model_dir = model_dir
        self.batch_size = batch_size
        self._threads = threads
        self._model: Any = None
        weights_sha = str(meta.get("weights", {}).get("sha256", "unknown"))
        #: Changes whenever the vectors could change; part of every cache key.
        self.model_id = f"{meta.get('name', 'model')}:{weights_sha[:16]}:b{meta.get('builder_version', 0)}"
        if queries not in QUERY_ENGINES:
            raise ValueError(f"queries must be one of {QUERY_ENGINES}, not {queries!r}")
        from .onnx_encoder import ONNX_DIR, onnx_model_path

        self._onnx_path = onnx_model_path(model_dir) if queries != "torch" else None
        if queries == "onnx" and self._onnx_path is None:
            raise ModelNotBuiltError(f"no current int8 ONNX export in {model_dir / ONNX_DIR}", hint=_MODEL_HINT)
        self._onnx: Any = None
        #: "onnx" or "torch": what encode_queries runs.
        self.query_engine = "onnx" if self._onnx_path is not None else "torch"
        described = _describe(model_dir) if lazy or self._onnx_path is not None else None
        if described is None:
            self._load()
        else:
            self._prompts, self.dim = described
        if self._onnx_path is not None and not lazy:
            self._load_onnx()

    def _load(self) -> Any:
        """The sentence-transformers model, loaded on first need."""
        if self._model is not None:
            return self._model
        _configure_offline()
        _limit_threads(self._threads)
        quiet_transformers()
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        except Exception as err:  # any load failure means the same fix
            raise ModelNotBuiltError(f"cannot load the embedding model at {self.model_dir}: {err}", hint=_MODEL_HINT) from err
        missing = [name for name in PROMPTS if name not in model.prompts]
        if missing:
            raise ModelNotBuiltError(f"model at {self.model_dir} lacks the e5 prompts {missing}", hint=_MODEL_HINT)
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._model = model
        self._prompts = {str(k): str(v) for k, v in model.prompts.items() if v is not None}
        self.dim = int(dim_of() or 0)
        return model

    def _load_onnx(self) -> Any:
        """The onnxruntime session of the int8 export, loaded on first need (under a second)."""
        if self._onnx is None:
            from .onnx_encoder import OnnxEncoder

            assert self._onnx_path is not None
            try:
                self._onnx = OnnxEncoder(
                    self._onnx_path, self.model_dir / "tokenizer.json", threads=max(1, min(self._threads, MAX_THREADS))
                )
            except Exception as err:  # a damaged export means the same fix as a missing one
                raise ModelNotBuiltError(f"cannot load the ONNX query model {self._onnx_path}: {err}", hint=_MODEL_HINT) from err
        return self._onnx

    def prompt(self, kind: str) -> str:
        """The literal prefix used for ``kind`` (``query`` or ``passage``)."""
        return self._prompts[kind]

    def _encode(self, texts: Sequence[str], kind: str, *, fast: bool = False) -> np.ndarray:
        """Unit vectors of ``texts`` under ``kind``'s prompt: on torch, or with
        ``fast`` on the query engine (the ONNX export when there is one)."""
        texts = list(texts)
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise TypeError(f"texts must be str; item {bad[0]} is {type(texts[bad[0]]).__name__}")
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if fast and self._onnx_path is not None:
            return self._load_onnx().encode(texts, self.prompt(kind), batch_size=self.batch_size)
        vecs = self._load().encode(
            texts,
            prompt_name=kind,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``[n, dim]`` float32 unit vectors for questions (prompt ``query: ``), on the query engine."""
        return self._encode(texts, "query", fast=True)

    def encode_transient_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors that are compared with a question and never stored
        (document titles), on the query engine like the question itself."""
        return self._encode(texts, "passage", fast=True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """``[n, dim]`` float32 unit vectors for clauses (prompt ``passage: ``), always
        on torch: these are the vectors the index and the embedding cache store."""
        return self._encode(texts, "passage")


class EmbeddingCache:
    """Vectors on disk, keyed by sha256 of (model id, prompt, text).

    One SQLite file (``embeddings.sqlite``) in ``cache_dir``: writes are
    transactional, so an interrupted ingest never leaves a torn entry, and
    lookups of 100k keys stay fast. Entries whose size does not match the
    requested dimension are treated as misses.
    """

    FILE = "embeddings.sqlite"

    def __init__(self, cache_dir: Path | str) -> None:
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.cache_dir / self.FILE
        try:
            self._db = self._open(self.path)
        except sqlite3.DatabaseError:
            # It is only a cache: set a damaged file aside (for a post-mortem)
            # and start afresh rather than fail the ingest.
            os.replace(self.path, self.path.with_name(f"{self.FILE}.corrupt-{os.getpid()}"))
            for suffix in ("-wal", "-shm"):
                self.path.with_name(self.FILE + suffix).unlink(missing_ok=True)
            self._db = self._open(self.path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            db.execute("SELECT COUNT(*) FROM vectors").fetchone()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def key(model_id: str, prompt: str, text: str) -> str:
        """Content key: any change of model, prompt or text gives a new key."""
        payload = "\x00".join((model_id, prompt, text)).encode("utf-8")
        return hashlib.sha256(payload).hexdigest()

    def get_many(self, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        """Stored vectors for those ``keys`` that are present (and ``dim`` long)."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):  # stay under SQLite's variable limit
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                vec = np.frombuffer(blob, dtype="<f4")
                if vec.shape[0] == dim:
                    found[key] = vec
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32), replacing any entry with the same key."""
        rows = [(k, np.asarray(v, dtype="<f4").tobytes()) for k, v in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "EmbeddingCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def encode_passages_cached(encoder: Encoder, cache: EmbeddingCache, texts: Sequence[str]) -> tuple[np.ndarray, int]:
    """Passage vectors for ``texts`` in order, encoding only cache misses.

    Returns ``(matrix [n, dim] float32, number of distinct texts encoded)``.
    """
    texts = list(texts)
    prompt = encoder.prompt("passage")
    keys = [EmbeddingCache.key(encoder.model_id, prompt, t) for t in texts]
    known = cache.get_many(keys, encoder.dim)
    todo = {k: t for k, t in zip(keys, texts) if k not in known}  # distinct misses, in order
    if todo:
        fresh = encoder.encode_passages(list(todo.values()))
        new = dict(zip(todo.keys(), fresh))
        cache.put_many(new)
        known.update(new)
    matrix = np.zeros((len(texts), encoder.dim), np.float32)
    for i, key in enumerate(keys):
        matrix[i] = known[key]
    return matrix, len(todo)
