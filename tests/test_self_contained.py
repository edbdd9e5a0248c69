"""The repository is self-contained: a clone with no sibling folders collects
every test and runs a sample of them; no tracked file points outside it.

The clone holds what is committed (uncommitted edits are not in it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIBLING = "shared"
"""The folder beside the repository that holds the specification and the source material."""
OUTSIDE = tuple(sep.join((os.pardir, SIBLING)) for sep in ("/", "\\"))
"""A sibling folder named relatively; tests must read copies inside the repository instead."""


def _tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"not a git checkout ({done.stderr.strip()}): the self-containment check needs one", pytrace=False)
    return done.stdout.splitlines()


def test_no_tracked_source_names_a_path_outside_the_repository() -> None:
    hits = []
    for rel in _tracked():
        if not rel.endswith((".py", ".sh", ".toml", ".yaml", ".yml", ".cfg", ".ini")) or rel == "tests/test_self_contained.py":
            continue
        text = (ROOT / rel).read_text("utf-8", errors="replace")
        hits += [f"{rel}: {needle}" for needle in OUTSIDE if needle in text]
    assert not hits, hits


def test_a_clone_without_siblings_collects_every_test_and_runs_a_sample(tmp_path: Path) -> None:
    _tracked()
    clone = tmp_path / "alone" / "repo"
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(clone)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(clone)}
    env.pop("POLICYKG_DATA", None)
    collect = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-2000:]
    sample = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/ingest/test_parse.py",
            "tests/test_golden_formats.py",
            "tests/ingest/test_validity.py",
            "tests/graph/test_calendar.py",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert sample.returncode == 0, sample.stdout[-3000:] + sample.stderr[-2000:]
