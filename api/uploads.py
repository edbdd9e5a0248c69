"""Reading a document upload: JSON (``DocumentUpload``) or multipart (fields + a ``file``).

Both end as one :class:`api.corpus_edit.NewDocument` holding the raw bytes
and the file name, converted once by :func:`api.corpus_edit.prepare` (any
supported format and encoding; an unreadable file is refused here, before
any write) and given its id (the stable generated one when none is sent).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from graph.errors import QueryError
from ingest.errors import PayloadTooLargeError

from .corpus_edit import NewDocument, prepare, text_bytes
from .errors import UnsupportedMediaError
from .models import DOC_ID_PATTERN, DocumentFields, DocumentMetadata, DocumentUpload

_MULTIPART_FIELDS = {
    "id": {"type": "string", "pattern": DOC_ID_PATTERN, "description": "Optional: generated from the 文号 or the bytes"},
    "title": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Optional: read from the text"},
    "metadata": {"type": "string", "description": "DocumentMetadata as a JSON object (optional)"},
    "file": {"type": "string", "format": "binary", "description": "The document: .txt (any common Chinese encoding), .html, .docx or .pdf"},
}
UPLOAD_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DocumentUpload"}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": _MULTIPART_FIELDS}},
        },
    }
}


def add_upload_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """Put DocumentUpload (and what it references) into the schema's components."""
    schema = DocumentUpload.model_json_schema(ref_template="#/components/schemas/{model}")
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    components["DocumentUpload"] = schema
    return openapi


def _invalid(err: ValidationError, where: str) -> RequestValidationError:
    return RequestValidationError([{**e, "loc": (where, *e["loc"])} for e in err.errors(include_url=False)])


async def read_upload(request: Request, max_bytes: int, doc_id: str | None = None) -> NewDocument:
    """The upload in ``request``, validated field by field (422) and by size (413)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise PayloadTooLargeError(
            f"the upload is {int(length)} bytes; the limit is {max_bytes}", hint="split the document or raise POLICYKG_MAX_UPLOAD_BYTES"
        )
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        upload = await _from_json(request, max_bytes)
    elif ctype == "multipart/form-data":
        upload = await _from_form(request, max_bytes)
    else:
        raise UnsupportedMediaError(
            f"cannot read a {ctype or 'body without content type'}", hint="send application/json or multipart/form-data"
        )
    if len(upload.data) > max_bytes:
        raise PayloadTooLargeError(f"the document is {len(upload.data)} bytes; the limit is {max_bytes}")
    if doc_id is not None and upload.doc_id not in (None, doc_id):
        raise QueryError(f"the body's id {upload.doc_id!r} differs from the path's {doc_id!r}", hint="send the same id in both")
    if doc_id is not None:
        upload = dataclasses.replace(upload, doc_id=doc_id)
    return await run_in_threadpool(prepare, upload)


async def _from_json(request: Request, max_bytes: int) -> NewDocument:
    body = await request.body()
    if len(body) > max_bytes * 2:  # JSON escapes can double the text's size
        raise PayloadTooLargeError(f"the upload is {len(body)} bytes; the limit is {max_bytes}")
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, ValueError) as err:
        raise QueryError(f"the body is not valid JSON: {err}", hint="send a DocumentUpload object") from err
    try:
        up = DocumentUpload.model_validate(obj)
    except ValidationError as err:
        raise _invalid(err, "body") from err
    return NewDocument(up.id, up.title, text_bytes(up.text), up.metadata.model_dump(exclude_unset=True))


async def _from_form(request: Request, max_bytes: int) -> NewDocument:
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=max_bytes)
    except PayloadTooLargeError:  # the body passed api/http_guards.py's bound while streaming in
        raise
    except Exception as err:  # the multipart parser's own errors: malformed body
        raise QueryError(f"the multipart body cannot be read: {err}") from err
    file = form.get("file")
    if not isinstance(file, UploadFile):
        text = form.get("text")
        if not isinstance(text, str):
            raise QueryError("the upload has no `file` part", hint="attach the document as the `file` field")
        data, filename = text_bytes(text), "upload.txt"
    else:
        data, filename = await file.read(max_bytes + 1), file.filename or "upload.txt"
    raw_meta = form.get("metadata")
    try:
        meta = json.loads(raw_meta) if isinstance(raw_meta, str) and raw_meta.strip() else {}
    except ValueError as err:
        raise QueryError(f"the metadata field is not valid JSON: {err}") from err
    try:
        fields = DocumentFields.model_validate(
            {"id": form.get("id"), "title": form.get("title"), "metadata": DocumentMetadata.model_validate(meta)}
        )
    except ValidationError as err:
        raise _invalid(err, "body") from err
    return NewDocument(fields.id, fields.title, data, fields.metadata.model_dump(exclude_unset=True), filename)
