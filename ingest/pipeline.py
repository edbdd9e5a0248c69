"""The ingest run: named steps over one :class:`Build`, then an atomic swap.

Steps are registered with :func:`step` (after spaCy's factories): ``ingest``
registers the corpus steps, ``graph`` and ``search`` register theirs when
imported. :func:`run_ingest` writes everything into a fresh directory under
``<data>/stores/`` and only then points ``<data>/current`` at it with one
atomic ``os.replace`` of a symlink, so readers always see a complete store and
a failed ingest leaves the previous one untouched. The manifest records every
file's size and checksum; :func:`current_store` checks them, so a store damaged
later is reported and the previous one served (ingest/integrity.py).
"""

from __future__ import annotations

import errno
import graphlib
import importlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .document import Document
from .errors import NotIngestedError, PipelineError, StoreCorruptError, StoreFormatError, StoreWriteError
from .fingerprint import code_digest, input_fingerprint
from .integrity import file_digests, verify
from .locks import exclusive_lock

log = logging.getLogger("policykg.ingest")

WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})
"""Write errors that mean the disk, not the program: full, over quota, file too large, read-only."""
STORE_FORMAT = "policykg-store/1"
"""Version of the on-disk layout; bump when a reader could misread old stores."""


@dataclass
class Build:
    """What the steps of one ingest share: inputs, outputs and timings."""

    corpus_dir: Path
    data_dir: Path
    out_dir: Path
    backend: str = "networkx"
    options: dict[str, Any] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    artifacts: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


StepFn = Callable[[Build], None]


@dataclass(frozen=True)
class Step:
    name: str
    fn: StepFn
    order: int
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    identity: Callable[[Build], Any] | None = None
    """What the step's output depends on beyond the corpus, the code and the options (a model's id)."""


_REGISTRY: dict[str, Step] = {}


def step(
    name: str, *, order: int, requires: Iterable[str] = (), assigns: Iterable[str] = (), identity: Callable[[Build], Any] | None = None
) -> Callable[[StepFn], StepFn]:
    """Register an ingest step; ``order`` fixes the run order across packages;
    ``identity`` names an input outside the corpus and the code (see ingest/fingerprint.py)."""

    def register(fn: StepFn) -> StepFn:
        _REGISTRY[name] = Step(name, fn, order, tuple(requires), tuple(assigns), identity)
        return fn

    return register


PIPELINE_MODULES = ("ingest.steps", "graph.build", "search.index", "graph.neo4j_store")
"""Modules whose import registers the ingest steps (spaCy-style factories; the run order comes
from what each step requires and assigns, not from this list)."""


def register_steps(modules: Iterable[str] = PIPELINE_MODULES) -> None:
    """Import the modules that register the ingest steps."""
    for name in modules:
        importlib.import_module(name)


def registered_steps() -> list[Step]:
    """The registered steps in run order (:func:`plan`)."""
    return plan(_REGISTRY.values())


def plan(steps: Iterable[Step]) -> list[Step]:
    """``steps`` ordered so each runs after the steps that assign what it requires.

    Refused with PipelineError before anything runs: an artifact two steps
    assign, an artifact a step requires that no step assigns, a cycle.
    ``order`` only breaks ties between steps the declarations leave free.
    """
    steps = sorted(steps, key=lambda s: (s.order, s.name))
    assigned_by: dict[str, str] = {}
    for s in steps:
        for artifact in s.assigns:
            if artifact in assigned_by:
                raise PipelineError(
                    f"ingest steps {assigned_by[artifact]!r} and {s.name!r} both assign {artifact!r}",
                    hint="each artifact has one step that assigns it",
                )
            assigned_by[artifact] = s.name
    missing = [(s.name, r) for s in steps for r in s.requires if r not in assigned_by]
    if missing:
        raise PipelineError(
            "ingest step(s) require artifacts no step assigns: "
            + ", ".join(f"{name!r} requires {artifact!r}" for name, artifact in missing),
            hint=f"registered steps assign {sorted(assigned_by)}",
        )
    by_name = {s.name: s for s in steps}
    sorter = graphlib.TopologicalSorter({s.name: {assigned_by[r] for r in s.requires} for s in steps})
    try:
        sorter.prepare()
    except graphlib.CycleError as err:
        raise PipelineError(f"ingest steps depend on each other in a cycle: {err.args[1]}") from None
    out: list[Step] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda n: (by_name[n].order, n))
        out.extend(by_name[n] for n in ready)
        sorter.done(*ready)
    return out


def _check_assigned(build: Build, s: Step) -> None:
    """A step must assign what it declares (``documents`` is the Build's own field)."""
    for artifact in s.assigns:
        if artifact != "documents" and artifact not in build.artifacts:
            raise PipelineError(f"ingest step {s.name!r} declares {artifact!r} but did not assign it")


def current_store(data_dir: Path) -> Path:
    """The directory of the live store, or a clear error if nothing was ingested.

    A live store whose files were damaged after its ingest (ingest/integrity.py)
    is reported and the previous whole store is used instead, if one is kept.
    """
    link = Path(data_dir) / "current"
    if not link.exists():
        raise NotIngestedError(
            f"no ingested store in {data_dir}",
            hint="run `policykg ingest` first (or pass --data DIR)",
        )
    target = link.resolve()
    try:
        _check(target)
    except StoreCorruptError as err:
        fallback = _previous_whole(target)
        if fallback is None:
            raise
        log.warning("%s; serving the previous store %s", err.message, fallback.name)
        return fallback
    return target


def store_manifest(store: Path) -> dict[str, Any]:
    """A finished store's manifest.json: its format, inputs, summary, timings and file digests."""
    return dict(json.loads((Path(store) / "manifest.json").read_text("utf-8")))


def _check(store: Path) -> None:
    """Raise StoreFormatError or StoreCorruptError unless ``store`` is a whole store of this format."""
    manifest = store / "manifest.json"
    try:
        meta = json.loads(manifest.read_text("utf-8")) if manifest.exists() else {}
    except ValueError as err:
        raise StoreCorruptError(f"store {store.name}: manifest.json cannot be read ({err})", hint="re-run `policykg ingest`") from err
    if meta.get("format") != STORE_FORMAT:
        raise StoreFormatError(
            f"store {store.name} has format {meta.get('format')!r}, this version reads {STORE_FORMAT!r}",
            hint="re-run `policykg ingest`",
        )
    verify(store, meta.get("files"))


def _previous_whole(broken: Path) -> Path | None:
    """The newest other finished store beside ``broken`` that passes :func:`_check`."""
    for store in sorted(broken.parent.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
        if store == broken or store.name.endswith(".partial") or not store.is_dir():
            continue
        try:
            _check(store)
        except (StoreCorruptError, StoreFormatError):
            continue
        return store
    return None


def run_ingest(
    corpus_dir: Path,
    data_dir: Path,
    *,
    backend: str = "networkx",
    options: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Build:
    """Run every registered step into a new store, then swap it in atomically."""
    data_dir = Path(data_dir)
    stores = data_dir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(stores)
    out_dir = stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000}"
    staging = out_dir.with_name(out_dir.name + ".partial")
    build = Build(Path(corpus_dir), data_dir, staging, backend=backend, options=dict(options or {}))
    t0 = time.perf_counter()
    fingerprint = _fingerprint(build)
    live = None if build.options.get("force") else _unchanged_store(data_dir, backend, fingerprint)
    if live is not None:
        meta = store_manifest(live)
        build.out_dir = live
        build.summary = {**meta.get("summary", {}), "unchanged": True}
        build.timings = {"fingerprint": round(time.perf_counter() - t0, 3)}
        return build
    staging.mkdir()
    try:
        for s in registered_steps():
            if progress:
                progress(s.name)
            t0 = time.perf_counter()
            s.fn(build)
            _check_assigned(build, s)
            build.timings[s.name] = round(time.perf_counter() - t0, 3)
        manifest = {
            "format": STORE_FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "backend": backend,
            "inputs": fingerprint,
            "summary": build.summary,
            "timings": build.timings,
            "files": file_digests(staging),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        # rename, switch and clean-up as one step among concurrent ingests: another's clean-up
        # never sees this store between its rename and its switch (and deletes it)
        with exclusive_lock(data_dir / ".publish.lock"):
            staging.rename(out_dir)
            build.out_dir = out_dir
            _switch_current(data_dir, out_dir)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        if err.errno in WRITE_FAILURES:
            raise StoreWriteError(
                f"the new store cannot be written in {data_dir}: {err.strerror}",
                hint="free disk space and ingest again; the previous store is still live",
            ) from err
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return build


def _fingerprint(build: Build) -> str:
    """The digest of everything this ingest reads (ingest/fingerprint.py): the corpus
    where it lies, the code of every step's package, backend, options, step identities."""
    steps = registered_steps()
    settings = {
        "corpus": str(build.corpus_dir.resolve()),
        "backend": build.backend,
        "options": {k: v for k, v in build.options.items() if k != "force"},
        "steps": {s.name: s.identity(build) if s.identity else None for s in steps},
    }
    return input_fingerprint(build.corpus_dir, code=code_digest([__name__, *(s.fn.__module__ for s in steps)]), settings=settings)


def _unchanged_store(data_dir: Path, backend: str, fingerprint: str) -> Path | None:
    """The live store when it is whole and was built from exactly these inputs.

    Only for the embedded backend, whose store is the directory alone: a
    Neo4j database may have been emptied or replaced since, so that backend
    always runs its steps (its load is a no-op when the content hash matches).
    """
    if backend != "networkx" or not (Path(data_dir) / "current").exists():
        return None
    try:
        live = current_store(data_dir)
        meta = store_manifest(live)
    except (StoreCorruptError, StoreFormatError, NotIngestedError, OSError, ValueError):
        return None
    same = meta.get("inputs") == fingerprint and meta.get("backend") == backend
    return live if same and live == (Path(data_dir) / "current").resolve() else None


def remove_stale_partials(stores: Path) -> list[str]:
    """Delete the ``*.partial`` directories of ingests that died (kill -9, power loss); returns their names.

    A staging directory is named ``<stamp>-<pid>-<n>.partial``; while that
    process lives (this one included) it may be a concurrent ingest still
    writing, so it is kept (a reused pid keeps a dead one until that ends).
    """
    removed = []
    for partial in stores.glob("*.partial"):
        parts = partial.name.split("-")
        pid = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
        if pid is not None and _alive(pid):
            continue
        shutil.rmtree(partial, ignore_errors=True)
        removed.append(partial.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


RETIRED_GRACE_SECONDS = 60.0
"""A store replaced less than this long ago is kept: a reader that resolved
``current`` just before a swap may still be reading it, even when a second
ingest swaps again in the meantime (two writers in a row)."""


def _switch_current(data_dir: Path, out_dir: Path) -> None:
    """Point ``current`` at ``out_dir`` atomically and drop stores no one uses.

    Kept: the new store, the previous one (the fallback when the live store's
    files are found damaged) and every store retired less than
    :data:`RETIRED_GRACE_SECONDS` ago; a store's retirement time is its
    directory's mtime, set when it stops being current.
    """
    link = data_dir / "current"
    tmp = data_dir / f".current.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path("stores") / out_dir.name)
    previous = link.resolve() if link.exists() else None
    os.replace(tmp, link)
    if previous is not None and previous.is_dir():
        os.utime(previous)  # retired now
    keep = {out_dir.name} | ({previous.name} if previous else set())
    now = time.time()
    for old in (data_dir / "stores").iterdir():
        if old.name in keep or old.name.endswith(".partial"):
            continue
        try:
            retired_for = now - old.stat().st_mtime
        except FileNotFoundError:  # another writer removed it
            continue
        if retired_for > RETIRED_GRACE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
