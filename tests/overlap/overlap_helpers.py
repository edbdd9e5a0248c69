"""Helpers shared by the overlap tests: golden files and the source texts."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
GOLDEN = Path(__file__).resolve().parent / "golden"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def load_golden(name: str, model: type[M]) -> M:
    """One golden YAML file of this folder, parsed as ``model`` (graph/golden.py: unknown keys are errors)."""
    from graph.golden import load

    return load(GOLDEN / name, model)


@functools.lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    """doc id → source text, read byte for byte from corpus/."""
    return {p.name[:3]: p.read_bytes().decode("utf-8") for p in sorted(CORPUS.glob("[0-9][0-9][0-9]_*.txt"))}
