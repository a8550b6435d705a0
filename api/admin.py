"""Admin operations over HTTP (admin API key): ingest an uploaded document, delete a document.
Feedback export lives with feedback in api.routes."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.routes import ERRORS, Core, Who
from api.security import require_admin
from assistant import prompts
from assistant.audit import ACTIONS, AuditEntry
from assistant.ids import is_doc_id
from ingest.extract import is_supported
from ingest.pipeline import FileResult, ingest_paths

router = APIRouter()
_SAFE_NAME = re.compile(r"[^A-Za-z0-9ÅÄÖåäöÉé._-]+")


class IngestResult(BaseModel):
    file: str
    status: str
    doc_id: str
    paragraphs: int
    pages: int
    message: str


class Removed(BaseModel):
    doc_id: str
    removed: bool


@router.post("/api/admin/documents", response_model=IngestResult, status_code=201, responses=ERRORS)
async def upload(
    request: Request, app: Core, who: Who,
    file: Annotated[UploadFile, File(description="PDF, .txt or .md")],
    visibility: Annotated[str, Form(description="Access label, e.g. public or internal.")] = "public",
    metadata: Annotated[str, Form(description="Optional JSON with sidecar fields (title, organisation, …).")] = "",
) -> IngestResult:
    """Ingest one uploaded document (admin key). A bad file is refused; the index is untouched."""
    require_admin(who, app.audit, "POST /api/admin/documents")
    name = _SAFE_NAME.sub("_", (file.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")
    if not name or not is_supported(Path(name)):
        raise HTTPException(422, "Filtypen stöds inte; ladda upp PDF, .txt eller .md.")
    folder = app.settings.data_dir / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        target = folder / name
        with target.open("wb") as out:
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        if metadata.strip():  # a sidecar: ingest validates it (and the visibility) like any other
            (folder / f"{name}.meta.json").write_text(metadata, encoding="utf-8")
        report = await run_in_threadpool(ingest_paths, [target], app.index, None, visibility)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result: FileResult = report.files[0]
    request.app.state.metrics.ingested.labels(result.status).inc()
    app.audit.record(who.key_id, "document.upload", result.doc_id or name, result.status, who.request_id,
                     file=name, visibility=visibility, paragraphs=result.paragraphs, message=result.message)
    if result.status == "skipped":
        raise HTTPException(422, f"{name}: {result.message}")
    return IngestResult(file=name, status=result.status, doc_id=result.doc_id,
                        paragraphs=result.paragraphs, pages=result.pages, message=result.message)


@router.delete("/api/admin/documents/{doc_id}", response_model=Removed, responses=ERRORS)
async def remove(doc_id: str, app: Core, who: Who) -> Removed:
    """Delete a document, its paragraphs and its stored original (admin key)."""
    require_admin(who, app.audit, f"DELETE /api/admin/documents/{doc_id}")
    removed = is_doc_id(doc_id) and await run_in_threadpool(app.remove, doc_id)
    app.audit.record(who.key_id, "document.delete", doc_id, "removed" if removed else "not_found", who.request_id)
    if not removed:
        raise HTTPException(404, prompts.DOCUMENT_NOT_FOUND.format(doc_id=doc_id))
    return Removed(doc_id=doc_id, removed=True)


@router.get("/api/admin/audit", response_model=list[AuditEntry], responses=ERRORS)
def audit_log(
    app: Core, who: Who,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    action: Annotated[str | None, Query(description="Only this action: " + ", ".join(ACTIONS) + ".")] = None,
    caller: Annotated[str | None, Query(alias="who", description="Only this caller (key id, 'anonym', 'cli:<user>').")] = None,
) -> list[AuditEntry]:
    """The audit trail, newest first (admin key): uploads, deletions, ingests from the command line,
    feedback exports and refused accesses, each with who (key id), what, when and request id."""
    require_admin(who, app.audit, "GET /api/admin/audit")
    if action is not None and action not in ACTIONS:
        raise HTTPException(422, prompts.FILTER_INVALID.format(detail=f"okänd åtgärd {action!r}"))
    entries = app.audit.read(limit, offset, action, caller)
    app.audit.record(who.key_id, "audit.read", "", "ok", who.request_id)  # who looked is recorded too
    return entries
