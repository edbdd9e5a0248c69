"""Swapping the live store: what is kept for readers that opened an older one."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.pipeline import RETIRED_GRACE_SECONDS, _switch_current


def _stores(data: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        d = data / "stores" / name
        d.mkdir(parents=True)
        out.append(d)
    return out


def test_two_swaps_in_a_row_keep_the_store_a_reader_may_still_hold(tmp_path: Path) -> None:
    a, b, c = _stores(tmp_path, "a", "b", "c")
    for new in (a, b, c):
        _switch_current(tmp_path, new)
    assert (tmp_path / "current").resolve() == c.resolve()
    assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == ["a", "b", "c"]


def test_stores_retired_long_ago_are_removed_but_the_previous_one_stays(tmp_path: Path) -> None:
    a, b, c, d = _stores(tmp_path, "a", "b", "c", "d")
    for new in (a, b, c):
        _switch_current(tmp_path, new)
    past = time.time() - RETIRED_GRACE_SECONDS - 5
    for old in (a, b, c):
        os.utime(old, (past, past))
    _switch_current(tmp_path, d)
    # c was current until now: the fallback for a damaged d
    assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == ["c", "d"]
