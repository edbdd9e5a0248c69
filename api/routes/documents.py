"""The corpus as ingested (documents, clauses) and the key-protected writes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from ..deps import ServicesDep, SettingsDep, StoreDep, WriteKey
from ..models import DOC_ID_PATTERN, Clause, ClauseList, DocumentInfo, DocumentList, DocumentPreview, WriteResult
from ..services import dated_documents
from ..uploads import UPLOAD_SCHEMA, read_upload
from . import ERRORS, PREVIEW_ERRORS, WRITE_ERRORS, AsOf

router = APIRouter(tags=["documents"], responses=ERRORS)

DocId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/documents", response_model=DocumentList)
def documents(store: StoreDep, as_of: AsOf = None) -> dict:
    """The ingested documents with their metadata (issuers, kind, year, status; inferred values marked),
    their term of force and relations (``validity``) and their standing on ``as_of`` (default today)."""
    return dated_documents(store, as_of)


@router.get("/documents/{doc_id}", response_model=DocumentInfo)
def document(store: StoreDep, doc_id: DocId) -> dict:
    """One document's metadata."""
    return store.document(doc_id)


@router.get("/clauses", response_model=ClauseList)
def clauses(store: StoreDep, doc: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    """Clauses with their section paths and offsets (``source[start:end] == text``)."""
    return store.clauses(doc or None)


@router.get("/clauses/{clause_id}", response_model=Clause)
def clause(store: StoreDep, clause_id: Annotated[str, Path(min_length=1, max_length=100)]) -> dict:
    """One clause."""
    return store.clause(clause_id)


@router.post("/documents", response_model=WriteResult, dependencies=[WriteKey], responses=WRITE_ERRORS, openapi_extra=UPLOAD_SCHEMA)
async def add_document(request: Request, services: ServicesDep, settings: SettingsDep) -> dict[str, Any]:
    """Add a document (JSON, or multipart with a UTF-8 ``file``); re-ingests and swaps the store atomically."""
    upload = await read_upload(request, settings.max_upload_bytes)
    return await services.write_document(upload, replace=False)


@router.post(
    "/documents/preview", response_model=DocumentPreview, dependencies=[WriteKey], responses=PREVIEW_ERRORS, openapi_extra=UPLOAD_SCHEMA
)
async def preview_document(request: Request, services: ServicesDep, settings: SettingsDep) -> dict[str, Any]:
    """What POST /documents would ingest from this upload — metadata, clauses, extracted facts,
    warnings — and whether committing adds it or replaces a document (PUT); nothing is written.

    Same body, size limit and errors as POST /documents. It needs the write key like the writes:
    it is their first step (only a writer reviews an upload), and it converts, parses and extracts
    a whole document, so an open preview would let anyone spend the server's CPU.
    """
    upload = await read_upload(request, settings.max_upload_bytes)
    return await services.preview_document(upload)


@router.put("/documents/{doc_id}", response_model=WriteResult, dependencies=[WriteKey], responses=WRITE_ERRORS, openapi_extra=UPLOAD_SCHEMA)
async def replace_document(
    request: Request, services: ServicesDep, settings: SettingsDep, doc_id: Annotated[str, Path(pattern=DOC_ID_PATTERN)]
) -> dict[str, Any]:
    """Replace a document's text and metadata (the body's id must match the path)."""
    upload = await read_upload(request, settings.max_upload_bytes, doc_id=doc_id)
    return await services.write_document(upload, replace=True)


@router.delete("/documents/{doc_id}", response_model=WriteResult, dependencies=[WriteKey], responses=WRITE_ERRORS)
async def delete_document(services: ServicesDep, doc_id: DocId) -> dict[str, Any]:
    """Remove a document; re-ingests and swaps the store atomically."""
    return await services.remove_document(doc_id)
