"""What the routes receive by injection: settings, the live store and searcher.

:class:`LiveServices` owns the loaded graph store and searcher. They are
built once at start (the app's lifespan) and rebuilt only after a write has
swapped in a new store. A request takes one :class:`Snapshot` (a reference
to a consistent store/searcher pair) at its start and uses it to the end, so
a reload that happens meanwhile never shows it half of each; the swap itself
is one assignment under a lock.

With ``--backend neo4j`` the services are stateless: the searcher reads its
candidates, rows, vectors and facts from Neo4j (search/neo4j_index.py), the
data directory is read for the model only, and every request first reads the
live generation (one statement) and, when another process has loaded a new
one, builds the searcher over it before answering.

The routes name what they need with the ``Annotated`` aliases at the bottom
(``StoreDep``, ``SearcherDep``, ...), after the full-stack FastAPI template.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from graph.errors import BackendUnavailableError
from graph.store import GraphStore
from ingest.errors import PolicyKGError
from search.service import Searcher

from .errors import UnauthorizedError
from .redact import store_name
from .settings import Settings, key_matches

log = logging.getLogger("policykg.api")


@dataclass(frozen=True)
class Snapshot:
    """One consistent generation of the services (never mutated after build)."""

    store: GraphStore | None = None
    searcher: Searcher | None = None
    store_dir: Path | None = None
    loaded_at: float = field(default_factory=time.time)
    linked: Path | None = None
    """Where ``DATA/current`` pointed when this was built (store_dir differs if that store was damaged)."""
    store_error: PolicyKGError | None = None
    searcher_error: PolicyKGError | None = None

    def require_store(self) -> GraphStore:
        if self.store is None:
            raise self.store_error or BackendUnavailableError("the graph store is not loaded")
        return self.store

    def require_searcher(self) -> Searcher:
        if self.searcher is None:
            raise self.searcher_error or BackendUnavailableError("the search index is not loaded")
        return self.searcher


class LiveServices:
    """The loaded store and searcher of one data directory, reloadable atomically."""

    def __init__(self, settings: Settings, *, encoder: Any = None) -> None:
        self.settings = settings
        self._swap_lock = threading.Lock()
        self.write_lock = threading.Lock()
        """Held for a whole write (copy, ingest, reload): one writer at a time."""
        self._encoder: Any = encoder
        self._check_lock = threading.Lock()
        self._last_check = time.monotonic()
        self._snapshot = Snapshot(store_error=BackendUnavailableError("the service is still starting"))
        self._corpus_dir: Path | None = None
        self._generation_lock = threading.Lock()

    @property
    def stateless(self) -> bool:
        """Serving from Neo4j alone (nothing of the data directory but the model)."""
        return self.settings.backend == "neo4j"

    @property
    def encoder(self) -> Any:
        """The embedding model loaded by the first searcher (kept across reloads)."""
        return self._encoder

    def snapshot(self) -> Snapshot:
        """The current generation (at most every few seconds, a background check keeps it fresh)."""
        now = time.monotonic()
        if now - self._last_check > CHECK_SECONDS and self._check_lock.acquire(blocking=False):
            self._last_check = now
            threading.Thread(target=self._check, name="policykg-store-check", daemon=True).start()
        if self.stateless:
            return self._follow_generation(self._snapshot)
        return self._snapshot

    def _follow_generation(self, snap: Snapshot) -> Snapshot:
        """The snapshot over the generation live in Neo4j now: a load by another process
        (or ``policykg ingest``) is answered from the next request on."""
        index = getattr(snap.searcher, "index", None)
        if snap.store is None or index is None:
            return snap
        try:
            if index.is_current():
                return snap
        except PolicyKGError:
            return snap  # Neo4j down: the request reports it
        with self._generation_lock:
            current = self._snapshot
            try:
                live: Any = getattr(current.searcher, "index", None)
                if live is not None and live.is_current():
                    return current
                log.info("a new generation is live in Neo4j: rebuilding the searcher")
                searcher = self._open_searcher(None, current.store, self._corpus_dir)
            except PolicyKGError:
                return current
            with self._swap_lock:
                self._snapshot = replace(current, searcher=searcher, searcher_error=None, loaded_at=time.time())
            return self._snapshot

    def _check(self) -> None:
        """Follow a store swapped in from outside (``policykg ingest``); retry an unreachable backend.

        Runs off the request path and never alongside a write (it takes the
        write lock without waiting), so it cannot put an older store back.
        """
        try:
            if not self.write_lock.acquire(blocking=False):
                return
            try:
                snap = self._snapshot
                link = self.settings.data / "current"
                live = link.resolve() if link.exists() else None
                if not self.stateless and live is not None and live != snap.linked:
                    log.info("store %s was swapped in: reloading", live)
                    self.reload(_live_corpus(self.settings))
                elif self.stateless and (snap.store is None or snap.searcher is None):
                    if isinstance(snap.store_error or snap.searcher_error, BackendUnavailableError):
                        self.reload(self._corpus_dir)
                elif snap.store is None and isinstance(snap.store_error, BackendUnavailableError) and snap.store_dir:
                    store, _ = _attempt("graph store", lambda: _open_store(self.settings))
                    if store is not None:
                        with self._swap_lock:
                            self._snapshot = replace(self._snapshot, store=store, store_error=None)
                        log.info("graph store reachable again")
            finally:
                self.write_lock.release()
        finally:
            self._check_lock.release()

    def reload(self, corpus_dir: Path | None = None) -> Snapshot:
        """Open the current store and searcher, then swap them in as one snapshot."""
        snap = self._build(corpus_dir)
        with self._swap_lock:
            self._snapshot = snap
        return snap

    def _build(self, corpus_dir: Path | None) -> Snapshot:
        from ingest.pipeline import current_store

        s = self.settings
        self._corpus_dir = corpus_dir
        if self.stateless:
            store, store_error = _attempt("graph store", lambda: _open_store(s))
            if store is None:
                return Snapshot(store_error=store_error, searcher_error=store_error)
            searcher, searcher_error = _attempt("searcher", lambda: self._open_searcher(None, store, corpus_dir))
            return Snapshot(store, searcher, None, time.time(), store_error=None, searcher_error=searcher_error)
        link = s.data / "current"
        linked = link.resolve() if link.exists() else None
        try:
            store_dir = current_store(s.data)
        except PolicyKGError as err:
            return Snapshot(store_error=err, searcher_error=err, linked=linked)
        store, store_error = _attempt("graph store", lambda: _open_store(s))
        searcher, searcher_error = _attempt("searcher", lambda: self._open_searcher(store_dir, store, corpus_dir))
        return Snapshot(store, searcher, store_dir, time.time(), store_error=store_error, searcher_error=searcher_error, linked=linked)

    def _open_searcher(self, store_dir: Path | None, store: GraphStore | None, corpus_dir: Path | None) -> Searcher:
        from ingest.aliases import aliases_for_corpus
        from search.index import SEARCH_DIR

        from .services import open_searcher

        searcher = open_searcher(
            self.settings.data,
            self.settings.backend,
            store,
            encoder=self._encoder,
            table=aliases_for_corpus(corpus_dir),
            index_dir=store_dir / SEARCH_DIR if store_dir is not None else None,
        )
        self._encoder = searcher.encoder
        return searcher

    # -- writes ------------------------------------------------------------------
    async def write_document(self, doc: Any, *, replace: bool) -> dict[str, Any]:
        """Add or replace ``doc`` (a NewDocument) off the event loop; see api/corpus_edit.py."""
        from starlette.concurrency import run_in_threadpool

        from .corpus_edit import put_document

        def change(corpus: Path) -> int:
            return len(put_document(corpus, doc, replace=replace).clauses)

        return await run_in_threadpool(self._write, doc.doc_id, "replaced" if replace else "added", change)

    async def preview_document(self, doc: Any) -> dict[str, Any]:
        """What writing ``doc`` would ingest, over the live corpus's alias table; writes nothing (api/preview.py)."""
        from starlette.concurrency import run_in_threadpool

        from ingest.aliases import aliases_for_corpus

        from .corpus_edit import document_ids
        from .preview import preview_document

        def run() -> dict[str, Any]:
            corpus = _live_corpus(self.settings)
            return preview_document(doc, aliases_for_corpus(corpus), document_ids(corpus))

        return await run_in_threadpool(run)

    async def remove_document(self, doc_id: str) -> dict[str, Any]:
        from starlette.concurrency import run_in_threadpool

        from .corpus_edit import delete_document

        def change(corpus: Path) -> int:
            delete_document(corpus, doc_id)
            return 0

        return await run_in_threadpool(self._write, doc_id, "removed", change)

    def _write(self, doc_id: str, action: str, change: Any) -> dict[str, Any]:
        """One write: copy + change the corpus, ingest it, publish, reload; serialised."""
        from .corpus_edit import write_through

        t0 = time.perf_counter()
        with self.write_lock:
            corpus, clauses, build = write_through(
                self.settings.data,
                self.settings.corpus,
                change,
                self._ingest,
                backend=self.settings.backend,
                connection=self.settings.neo4j_connection(),
            )
            old = self._snapshot
            snap = self.reload(corpus)
        _close_later(old, snap)
        return {
            "doc_id": doc_id,
            "action": action,
            "store": store_name(snap.store_dir or build.out_dir, self.settings),
            "seconds": round(time.perf_counter() - t0, 2),
            "documents": int(build.summary.get("documents", 0)),
            "clauses": clauses,
            "warnings": build.summary.get("warnings", {}).get(doc_id, []),
        }

    def _ingest(self, corpus: Path, neo4j: dict[str, Any]) -> Any:
        """Ingest a write's corpus copy with the Neo4j options of its load (api/corpus_edit.write_through)."""
        from ingest.pipeline import register_steps, run_ingest

        register_steps()
        options = {"neo4j": neo4j, "encoder": self._encoder}
        return run_ingest(corpus, self.settings.data, backend=self.settings.backend, options=options)


CHECK_SECONDS = 3.0
"""How often requests trigger a check for a store swapped in from outside, or an unreachable
graph backend (Neo4j not up yet) that may be back."""
CLOSE_GRACE_SECONDS = 30.0
"""How long a replaced store stays open for requests that still hold it."""


def _close_later(old: Snapshot, new: Snapshot) -> None:
    """Close the replaced store's connections once in-flight requests are done with it."""
    close = getattr(old.store, "close", None)
    if close is None or old.store is new.store:
        return
    timer = threading.Timer(CLOSE_GRACE_SECONDS, close)
    timer.daemon = True
    timer.start()


def _live_corpus(settings: Settings) -> Path:
    from .corpus_edit import live_corpus

    return live_corpus(settings.data, settings.corpus)


def _open_store(settings: Settings) -> GraphStore:
    from .services import open_graph_store

    conn = settings.neo4j_connection()
    return open_graph_store(settings.data, settings.backend, conn["uri"], conn["user"], conn["password"])


def _attempt(what: str, build: Any) -> tuple[Any, PolicyKGError | None]:
    """Build one service; a failure becomes the error its endpoints report (503)."""
    try:
        return build(), None
    except PolicyKGError as err:
        log.warning("%s unavailable: %s", what, err)
        return None, err
    except Exception as err:  # a missing module or a broken file: report, keep serving the rest
        log.exception("%s failed to load", what)
        return None, BackendUnavailableError(
            f"the {what} could not be loaded: {type(err).__name__}: {err}", hint="see the server log; re-run `policykg ingest`"
        )


# -- dependencies -------------------------------------------------------------
def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_services(request: Request) -> LiveServices:
    return request.app.state.services


def get_snapshot(services: Annotated[LiveServices, Depends(get_services)]) -> Snapshot:
    """The services of this request, fixed for its whole duration."""
    return services.snapshot()


def get_store(snapshot: Annotated[Snapshot, Depends(get_snapshot)]) -> GraphStore:
    return snapshot.require_store()


def get_searcher(snapshot: Annotated[Snapshot, Depends(get_snapshot)]) -> Searcher:
    return snapshot.require_searcher()


_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="Write key: $POLICYKG_API_KEY or the file DATA/api_key.")


def require_write_key(
    settings: Annotated[Settings, Depends(get_settings)], given: Annotated[str | None, Security(_api_key_header)] = None
) -> None:
    """Refuse a write unless it carries the configured key (none configured: writes are off)."""
    expected = settings.write_key()
    if expected is None:
        raise UnauthorizedError(
            "writes are disabled on this server: no API key is configured",
            hint="set POLICYKG_API_KEY or write a key into DATA/api_key, then restart",
        )
    if not key_matches(given, expected):
        raise UnauthorizedError(
            "a valid API key is required for this endpoint" if given is None else "the API key is not valid",
            hint="send it in the X-API-Key header",
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServicesDep = Annotated[LiveServices, Depends(get_services)]
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
WriteKey = Depends(require_write_key)
