"""Per-document work spread over the machine's cores.

Extraction and tokenization are pure functions of one document (or one
clause) and the tables read with it, and they are most of an ingest once
the embeddings are cached: on two cores a large corpus is read in about
half the time. Workers are forked after the parent has loaded what they
read (alias tables, jieba's dictionaries), so nothing is loaded twice and
nothing but the results crosses between processes; the results come back in
input order, so the output is the same as a serial run's. Small inputs run
in-process: a fork costs more than it saves below :data:`MIN_PARALLEL_CHARS`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL_CHARS = 200_000
"""Below this much text (about 70 pages) the work runs in-process."""

_TASK: tuple[Callable[..., object], Sequence[object]] | None = None
"""The function and items a forked worker reads (set in the parent just before the fork)."""


def workers() -> int:
    """Processes to use: the cores this process may run on (``POLICYKG_WORKERS`` overrides; 1 = serial)."""
    env = os.environ.get("POLICYKG_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Failed:
    """What a worker returns when its item raised: the parent runs that item
    again in-process, so the caller gets the real exception (with its hint and
    traceback), which need not survive pickling between processes."""


def _run(i: int) -> object:
    assert _TASK is not None
    fn, items = _TASK
    try:
        return fn(items[i])
    except Exception:
        return _Failed()


def map_items(fn: Callable[[T], R], items: Sequence[T], sizes: Sequence[int]) -> list[R]:
    """``[fn(x) for x in items]``, on every core when the items are large enough.

    ``sizes`` (characters per item) decides whether forking pays and orders
    the work largest first, so one large document does not finish last."""
    global _TASK
    n = min(workers(), len(items))
    if n < 2 or sum(sizes) < MIN_PARALLEL_CHARS or sys.platform != "linux":
        return [fn(x) for x in items]
    order = sorted(range(len(items)), key=lambda i: -sizes[i])
    _TASK = (fn, items)
    # the parent's objects move out of the collector's reach until the pool is done: a
    # worker's collections then never walk (and so never copy) the pages it inherited
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            done = pool.map(_run, order, chunksize=1)
    finally:
        gc.unfreeze()
        _TASK = None
    out: list[R] = [None] * len(items)  # type: ignore[list-item]
    for i, result in zip(order, done):
        out[i] = fn(items[i]) if isinstance(result, _Failed) else result  # type: ignore[assignment]
    return out
