"""Admin operations over HTTP (admin API key): queue an uploaded document as a background ingest
job, follow jobs, delete a document, read the audit trail. Feedback export lives with feedback in
api.routes."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.routes import ERRORS, Core, Who
from api.security import require_admin
from core import prompts
from core.audit import ACTIONS, AuditEntry
from core.ids import is_doc_id
from ingest.extract import IngestError, is_supported
from ingest.jobs import Job, JobManager
from ingest.metadata import load_sidecar
from ingest.parse import check_visibility

router = APIRouter()
_SAFE_NAME = re.compile(r"[^A-Za-z0-9ÅÄÖåäöÉé._-]+")


class Removed(BaseModel):
    doc_id: str
    removed: bool


@router.post("/api/admin/documents", response_model=Job, status_code=202, responses=ERRORS)
async def upload(
    request: Request, response: Response, app: Core, who: Who,
    file: Annotated[UploadFile, File(description="PDF, .txt or .md")],
    visibility: Annotated[str, Form(description="Access label, e.g. public or internal.")] = "public",
    metadata: Annotated[str, Form(description="Optional JSON with sidecar fields (title, organisation, …).")] = "",
) -> Job:
    """Queue one uploaded document for ingest (admin key): 202 with the job, whose progress and
    outcome `GET /api/admin/jobs/{job_id}` gives. A wrong file type, access label or metadata is
    refused at once (422); a file that cannot be read fails its job; the index is never harmed."""
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
        if metadata.strip():  # a sidecar, checked now like ingest checks it
            (folder / f"{name}.meta.json").write_text(metadata, encoding="utf-8")
        try:
            check_visibility(visibility)
            load_sidecar(target)
        except IngestError as exc:
            raise HTTPException(422, f"{name}: {exc}") from exc
        jobs: JobManager = request.app.state.jobs
        job = await run_in_threadpool(jobs.submit, [target], visibility, who.key_id, who.request_id)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    app.audit.record(who.key_id, "document.upload", name, "queued", who.request_id, job_id=job.job_id,
                     visibility=visibility)
    response.headers["Location"] = f"/api/admin/jobs/{job.job_id}"
    return job


@router.get("/api/admin/jobs", response_model=list[Job], responses=ERRORS)
def jobs_list(request: Request, app: Core, who: Who,
              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Job]:
    """Ingest jobs, newest first (admin key)."""
    require_admin(who, app.audit, "GET /api/admin/jobs")
    return request.app.state.jobs.store.all()[:limit]


@router.get("/api/admin/jobs/{job_id}", response_model=Job, responses=ERRORS)
def job_detail(job_id: str, request: Request, app: Core, who: Who) -> Job:
    """One job: state (queued, running, done, failed), pages done/total, the current stage, each
    file's outcome and the errors (admin key)."""
    require_admin(who, app.audit, f"GET /api/admin/jobs/{job_id}")
    job = request.app.state.jobs.store.get(job_id) if job_id.isalnum() else None
    if job is None:
        raise HTTPException(404, prompts.JOB_NOT_FOUND.format(job_id=job_id))
    if job.state == "done":
        app.index.snapshot(force=True)  # whoever reads "done" here finds the documents at once
    return job


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
