"""Shared fixtures: the real corpus, one real ingest and one real server per test session.

The embedding model is built once by scripts/install.sh (into the shared
folder of search/model_home.py, or the repository's data directory's own
model/); test data directories link to it (and to the content-hash embedding
cache) instead of rebuilding it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
REPO_DATA = Path(os.environ.get("POLICYKG_DATA", REPO / ".policykg")).resolve()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def documents():
    from ingest.loaders import load_corpus

    return load_corpus(CORPUS)


def link_model(data_dir: Path) -> None:
    """Give a data directory the repository's built model and embedding cache
    (links already there are kept, so a reused directory is fine)."""
    from search.model_home import model_dir_for

    model = model_dir_for(REPO_DATA)
    if not model.is_dir():
        pytest.fail(f"embedding model not built at {model}: run `bash scripts/install.sh` first", pytrace=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    (REPO_DATA / "cache").mkdir(parents=True, exist_ok=True)
    for name, target in (("model", model), ("cache", REPO_DATA / "cache")):
        link = data_dir / name
        if not link.exists() and not link.is_symlink():
            link.symlink_to(target)


@pytest.fixture(scope="session")
def ingested_data(tmp_path_factory) -> Path:
    """A data directory holding one complete ingest of the real corpus."""
    from api.commands_corpus import register_steps
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("data")
    link_model(data)
    register_steps()
    run_ingest(CORPUS, data)
    return data


STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def policykg_command() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]


@contextmanager
def serving(data: Path, corpus: Path, log: Path, env: dict[str, str], args: Sequence[str] = ()) -> Iterator[str]:
    """`policykg serve` over ``data`` and ``corpus`` with environment ``env`` and more
    options ``args`` (its stderr in ``log``) for the length of the block; yields its base
    URL once /health answers."""
    port = free_port()
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*policykg_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--corpus", str(corpus), *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"policykg serve exited with {proc.returncode}:\n{log.read_text('utf-8', 'replace')}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"policykg serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text('utf-8', 'replace')}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def server(ingested_data: Path, corpus_dir: Path, tmp_path_factory):
    """Base URL of a running `policykg serve` over the session's ingest (writes off: no key)."""
    env = {k: v for k, v in os.environ.items() if k != "POLICYKG_API_KEY"}
    with serving(ingested_data, corpus_dir, tmp_path_factory.mktemp("serve") / "stderr.log", env) as base:
        yield base


def copy_data_dir(source: Path, target: Path) -> Path:
    """A data directory holding a copy of ``source``'s live store, sharing its model and cache."""
    target.mkdir(parents=True)
    for shared in ("model", "cache"):
        if (source / shared).exists():
            os.symlink((source / shared).resolve(), target / shared)
    live = (source / "current").resolve()
    shutil.copytree(live, target / "stores" / live.name, symlinks=True)
    os.symlink(Path("stores") / live.name, target / "current")
    return target
