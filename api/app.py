"""The FastAPI application: routers, error bodies, CORS, the page, the lifespan.

``create_app(settings)`` is the one way in, used by ``policykg serve``, the
tests and the load benchmark. The model and the indexes load once, in the
lifespan, into :class:`api.deps.LiveServices`; routes receive them by
injection. Every error leaves as ``{"error": {"code", "message", "hint", ...}}``
with a 4xx status (503 when a backend is down); a 500 means a bug and is
logged with its traceback.
"""

from __future__ import annotations

import logging
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import BackendUnavailableError, GenerationConflictError, QueryError
from ingest.errors import (
    DuplicateDocumentError,
    NotFoundError,
    NotIngestedError,
    PayloadTooLargeError,
    PolicyKGError,
    StoreCorruptError,
    StoreFormatError,
    StoreWriteError,
    UnsupportedFormatError,
)
from search.errors import IndexMissingError

from .corpus_edit import live_corpus
from .deps import LiveServices
from .errors import UnauthorizedError, UnsupportedMediaError, UriTooLongError
from .http_guards import HttpGuards, body_limit
from .redact import public_error
from .routes import documents, graph, health, search
from .settings import Settings
from .uploads import add_upload_schemas

log = logging.getLogger("policykg.api")
STATIC = Path(__file__).parent / "static"

_STATUS: tuple[tuple[type[PolicyKGError], int], ...] = (
    (NotFoundError, 404),
    (IndexMissingError, 503),
    (QueryError, 422),
    (UnauthorizedError, 401),
    (DuplicateDocumentError, 409),
    (GenerationConflictError, 409),
    (PayloadTooLargeError, 413),
    (UnsupportedMediaError, 415),
    (UnsupportedFormatError, 415),  # a file of a format ingest cannot read is an unreadable upload
    (UriTooLongError, 414),
    (BackendUnavailableError, 503),
    (NotIngestedError, 503),
    (StoreFormatError, 503),
    (StoreCorruptError, 503),
    (StoreWriteError, 507),
)


def status_of(err: PolicyKGError) -> int:
    """The HTTP status of a library error (400 for any not listed)."""
    return next((status for cls, status in _STATUS if isinstance(err, cls)), 400)


def error_body(code: str, message: str, hint: str = "", **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint, **extra}}


def create_app(settings: Settings | None = None, *, encoder: Any = None) -> FastAPI:
    """The application over ``settings.data`` (loads the store and the model at start).

    ``encoder`` lets tests and benchmarks hand over an already loaded
    embedding model, so several apps in one process share it.
    """
    settings = settings or Settings()
    services = LiveServices(settings, encoder=encoder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        snap = await run_in_threadpool(services.reload, live_corpus(settings.data, settings.corpus))
        for err in {id(e): e for e in (snap.store_error, snap.searcher_error) if e}.values():
            log.warning("serving degraded: %s", err)
        yield

    app = FastAPI(
        title="policykg",
        summary="Which rule applies: a provenance-tracked knowledge graph of Beijing S&T policy documents.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from the vendored Swagger UI: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.services = services
    app.router.redirect_slashes = False  # HttpGuards answers /path/ as /path, never a Host-built redirect
    app.add_middleware(HttpGuards, max_body_bytes=body_limit(settings.max_upload_bytes))
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"])
    _add_error_handlers(app)
    for module in (search, graph, documents, health):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        ui = "/static/vendor/swagger-ui"
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ui}/swagger-ui-bundle.js",
            swagger_css_url=f"{ui}/swagger-ui.css",
            swagger_favicon_url=f"{ui}/favicon-32x32.png",
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            app.openapi_schema = add_upload_schemas(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def allowed_methods(app: FastAPI, path: str, fallback: str = "") -> list[str]:
    """Every method the API documents at ``path`` (HEAD wherever GET is: see HttpGuards).

    Starlette's 405 names only the methods of the first route matching the
    path, but /documents is two routes (GET and POST): ``Allow`` must list
    both, as the OpenAPI schema does. A path the schema names literally is
    that path's methods only, as OpenAPI matches a concrete path before a
    template (/documents/preview: POST, not /documents/{doc_id}'s). Paths
    outside the schema (the page, /static) keep Starlette's ``fallback``.
    """
    paths = app.openapi()["paths"]
    methods = {m.upper() for m in paths.get(path, {})} or {
        m.upper()
        for template, item in paths.items()
        if re.fullmatch(re.sub(r"\\{[^/}]+\\}", "[^/]+", re.escape(template)), path)
        for m in item
    }
    methods = methods or {m.strip() for m in fallback.split(",") if m.strip()}
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PolicyKGError)
    async def library_error(request: Request, err: PolicyKGError) -> JSONResponse:
        return JSONResponse({"error": public_error(err, request.app.state.settings)}, status_code=status_of(err))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in err.errors()
        ]
        first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] or first["loc"])
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return JSONResponse(error_body("E422", message, "see detail for every problem", detail=problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(err, "headers", None) or {})
        if err.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path, headers.get("Allow", "")))
        return JSONResponse(error_body(f"E{err.status_code}", str(err.detail)), status_code=err.status_code, headers=headers or None)

    @app.exception_handler(Exception)
    async def bug(request: Request, err: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            error_body("E500", f"internal error: {type(err).__name__}", "this is a bug; the server log has the traceback"), status_code=500
        )
