"""GET /health: what is loaded, and what is not and why."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import SettingsDep, SnapshotDep
from ..models import ErrorInfo, Health
from ..redact import public_error, store_name

router = APIRouter(tags=["service"])


@router.get(
    "/health", response_model=Health, responses={503: {"model": Health, "description": "Nothing is loaded (not ingested, or no backend)"}}
)
def health(snapshot: SnapshotDep, settings: SettingsDep):
    """200 when the graph and the search are loaded ("ok") or one of them is ("degraded"); else 503 ("unavailable")."""
    problems = [
        ErrorInfo.model_validate(public_error(e, settings))
        for e in {id(e): e for e in (snapshot.store_error, snapshot.searcher_error) if e}.values()
    ]
    loaded = snapshot.store is not None or snapshot.searcher is not None
    body = Health(
        status="ok" if not problems else "degraded" if loaded else "unavailable",
        store=store_name(snapshot.store_dir, settings),
        backend=settings.backend,
        graph=snapshot.store is not None,
        search=snapshot.searcher is not None,
        problems=problems,
        loaded_at=snapshot.loaded_at,
    )
    if not loaded:
        return JSONResponse(body.model_dump(mode="json"), status_code=503)
    return body
