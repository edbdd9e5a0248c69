"""One large document's clauses read on several cores, with a serial run's result.

Why: documents are extracted in parallel (ingest/parallel.py), but a single
large document was one task, so a 1 MB notice kept one core busy and the
other idle. Its document-level context (scope, aliases, addressees, short
names, lead-in bearers: :func:`ingest.extract.read_document`) is computed
once in the parent; its clauses are then cut into chunks that forked
workers read, and the parent merges the chunks in order.

A clause leaves a little to the next one (:data:`CARRIED`: the list an
item continues and its subject, the last due date stated, whether the
section is a requirements one, the short names defined so far, the new
bearers met so far). A worker cannot know that state at its chunk's start,
so it starts from the state after :func:`read_document` and records what it
read of it before setting it itself. Merging in order, the parent holds the
true state at each chunk's start: a chunk that read nothing that differs
there is taken as it is; any other chunk is read again in the parent, from
the true state. Either way each clause is read with the state a serial run
would give it, so the facts are a serial run's (tests/ingest/test_chunks.py
checks this against ``POLICYKG_WORKERS=1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from . import parallel
from .aliases import AliasTable, Entity
from .document import Document
from .extract import Context, Fact, Reading, extract_clauses, extract_with_entities, finish_document, read_document

CARRIED = ("in_requirements", "item_subject", "last_due")
"""The fields of :class:`ingest.extract.Context` a clause's extraction sets for the next clause."""

MIN_CHUNK_CHARS = 40_000
"""A chunk smaller than this (about 400 clauses) costs more to fork and merge than it saves."""

Extracted = tuple[list[Fact], list[Entity]]
Then = Callable[[Document, AliasTable, Extracted], None]
"""A step on a document's extracted facts run where they were extracted (graph/build.py's target_facts)."""


class _WatchedNames(dict[str, Entity]):
    """A document's short names (``bearers.local``) that remember every name
    looked up and not found: the names a chunk would have read differently
    had an earlier chunk defined them."""

    def __init__(self, start: dict[str, Entity]) -> None:
        super().__init__(start)
        self.missed: set[str] = set()

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        if not found and isinstance(name, str):
            self.missed.add(name)
        return found

    def __getitem__(self, name: str) -> Entity:
        if not super().__contains__(name):
            self.missed.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def setdefault(self, name: str, default: Entity) -> Entity:  # type: ignore[override]
        if name not in self:
            super().__setitem__(name, default)
        return super().__getitem__(name)


class _Watched(Context):
    """A chunk's copy of the document context: each :data:`CARRIED` field is a
    property (set below) that records whether the chunk read it before setting it."""

    _values: dict[str, Any]
    _written: set[str]
    _read_first: set[str]


def _carried(name: str) -> property:
    def get(self: _Watched) -> Any:
        if name not in self._written:
            self._read_first.add(name)
        return self._values[name]

    def put(self: _Watched, value: Any) -> None:
        self._written.add(name)
        self._values[name] = value

    return property(get, put)


for _name in CARRIED:
    setattr(_Watched, _name, _carried(_name))


@dataclass
class Chunk:
    """What a worker read of clauses ``lo:hi``, and what it assumed of the state at ``lo``."""

    facts: list[Fact]
    signals: list[dict[str, float] | None]
    """the judge's signals of each fact, in fact order (``id()`` does not survive pickling)"""
    found: dict[str, Entity]
    """new bearers in the order first met in the chunk"""
    set_fields: dict[str, Any]
    """each carried field the chunk set, with its value at the chunk's end"""
    read_first: set[str]
    """carried fields read before the chunk set them"""
    missed: set[str]
    """short names looked up and not defined"""
    defined: dict[str, Entity] = field(default_factory=dict)
    """short names the chunk defined"""
    unknown: set[str] = field(default_factory=set)
    """other context fields the chunk changed: state this module does not know how to carry
    (a rule that leaves something new to the next clause must add it to :data:`CARRIED`)"""


def _shape(ctx: Context) -> dict[str, tuple[int, int]]:
    """Each context field that no clause should change, by identity and size (a field
    rebound, or a list or dict grown in place, shows as a different shape)."""
    fields = {k: v for k, v in vars(ctx).items() if k not in CARRIED and k != "bearers" and not k.startswith("_")}
    fields |= {f"bearers.{k}": v for k, v in vars(ctx.bearers).items() if k not in ("local", "found")}
    return {k: (id(v), len(v) if isinstance(v, (list, dict, set)) else -1) for k, v in fields.items()}


def read_chunk(reading: Reading, lo: int, hi: int) -> Chunk:
    """Clauses ``lo:hi`` of ``reading``, from the state after :func:`read_document`."""
    ctx = reading.ctx
    watched = object.__new__(_Watched)
    watched.__dict__.update({k: v for k, v in vars(ctx).items() if k not in CARRIED})
    watched._values = {name: getattr(ctx, name) for name in CARRIED}
    watched._written, watched._read_first = set(), set()
    names = _WatchedNames(ctx.bearers.local)
    watched.bearers = replace(ctx.bearers, local=names, found={})
    before = _shape(watched)
    facts, signals = extract_clauses(reading, watched, lo, hi)
    after = _shape(watched)
    return Chunk(
        facts=facts,
        signals=[signals.get(id(f)) for f in facts],
        found=watched.bearers.found,
        set_fields={name: watched._values[name] for name in watched._written},
        read_first=watched._read_first,
        missed=names.missed,
        defined={k: v for k, v in names.items() if k not in ctx.bearers.local},
        unknown={k for k in before.keys() | after.keys() if before.get(k) != after.get(k)},
    )


def merge_chunks(
    reading: Reading, start: dict[str, Any], chunks: Sequence[tuple[int, int, Chunk]]
) -> tuple[list[Fact], dict[int, dict[str, float]]]:
    """The facts and signals of a serial run over the chunks, read into ``reading.ctx``.

    ``start`` is the carried state every chunk began from; ``reading.ctx`` holds
    the true state as the chunks are merged in order, and a chunk that read a
    value that differs from it is read again here."""
    ctx = reading.ctx
    first_names = set(start["local"])
    facts: list[Fact] = []
    signals: dict[int, dict[str, float]] = {}
    for lo, hi, chunk in chunks:
        stale = any(getattr(ctx, name) != start[name] for name in chunk.read_first)
        if stale or chunk.unknown or chunk.missed & (ctx.bearers.local.keys() - first_names):
            more, more_signals = extract_clauses(reading, ctx, lo, hi)
            facts.extend(more)
            signals |= more_signals
            continue
        for name, value in chunk.set_fields.items():
            setattr(ctx, name, value)
        for short, ent in chunk.defined.items():
            ctx.bearers.local.setdefault(short, ent)
        for ent_id, ent in chunk.found.items():
            ctx.bearers.found.setdefault(ent_id, ent)
        facts.extend(chunk.facts)
        signals |= {id(f): s for f, s in zip(chunk.facts, chunk.signals) if s is not None}
    return facts, signals


def _cuts(reading: Reading, pieces: int) -> list[tuple[int, int]]:
    """Clause ranges of about equal text. Each starts, where one is near, at a
    plain paragraph: its extraction sets every carried field but the last due
    date before reading it (an item may continue the list before it, and a
    heading or title sets nothing), so its chunk seldom has to be read again."""
    sizes = [len(c.text) for c in reading.clauses]
    total, bounds, acc = sum(sizes), [0], 0
    for i, n in enumerate(sizes):
        acc += n
        if acc >= total * len(bounds) / pieces and len(bounds) < pieces and i + 1 < len(sizes):
            near = range(i + 1, min(i + _NEAR, len(sizes)))
            j = next((k for k in near if reading.clauses[k].kind == "paragraph"), i + 1)
            if j > bounds[-1]:
                bounds.append(j)
    bounds.append(len(sizes))
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


_NEAR = 60
"""How many clauses past an even cut a chunk's start may move to find a paragraph."""


@dataclass(frozen=True)
class _Task:
    """One unit of work for a worker: a whole document, or one chunk of a read one."""

    doc: Document
    table: AliasTable
    judged: bool
    then: Then | None = None
    reading: Reading | None = None
    lo: int = 0
    hi: int = 0


def _size(task: _Task) -> int:
    """Characters a task reads (what orders the work, largest first)."""
    if task.reading is None:
        return len(task.doc.text)
    return sum(len(c.text) for c in task.reading.clauses[task.lo : task.hi])


def _run(task: _Task) -> Extracted | Chunk:
    if task.reading is None:
        whole = extract_with_entities(task.doc, task.table, judged=task.judged)
        if task.then is not None:
            task.then(task.doc, task.table, whole)
        return whole
    return read_chunk(task.reading, task.lo, task.hi)


def extract_all(items: Sequence[tuple[Document, AliasTable]], judged: bool = True, then: Then | None = None) -> list[Extracted]:
    """:func:`extract_with_entities` of each document with its table, on every core, each
    followed by ``then`` (in the worker that read the whole document, or in the parent).

    A document larger than its share of the work (the text over twice the
    workers, at least :data:`MIN_CHUNK_CHARS`) is read in parts of about that
    share; the others are one task each."""
    sizes = [len(doc.text) for doc, _ in items]
    n = parallel.workers()
    share = max(MIN_CHUNK_CHARS, sum(sizes) // (2 * n))
    split = n > 1 and sum(sizes) >= parallel.MIN_PARALLEL_CHARS
    tasks: list[_Task] = []
    readings: dict[int, tuple[Reading, dict[str, Any]]] = {}
    for i, (doc, table) in enumerate(items):
        pieces = round(sizes[i] / share) if split else 1
        if pieces < 2:
            tasks.append(_Task(doc, table, judged, then))
            continue
        reading = read_document(doc, table)
        start = {name: getattr(reading.ctx, name) for name in CARRIED} | {"local": dict(reading.ctx.bearers.local)}
        readings[i] = (reading, start)
        tasks.extend(_Task(doc, table, judged, then, reading, lo, hi) for lo, hi in _cuts(reading, pieces))
    done = parallel.map_items(
        _run, tasks, [sum(len(c.text) for c in t.reading.clauses[t.lo : t.hi]) if t.reading else len(t.doc.text) for t in tasks]
    )
    out: list[Extracted] = []
    k = 0
    for i in range(len(items)):
        if i not in readings:
            whole = done[k]
            assert isinstance(whole, tuple)
            out.append(whole)
            k += 1
            continue
        reading, start = readings[i]
        parts: list[tuple[int, int, Chunk]] = []
        while k < len(tasks) and tasks[k].reading is reading:
            chunk = done[k]
            assert isinstance(chunk, Chunk)
            parts.append((tasks[k].lo, tasks[k].hi, chunk))
            k += 1
        facts, signals = merge_chunks(reading, start, parts)
        whole = finish_document(reading, facts, signals, judged=judged)
        if then is not None:
            then(reading.doc, items[i][1], whole)
        out.append(whole)
    return out
