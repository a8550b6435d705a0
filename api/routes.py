"""JSON endpoints: ask (plain and streamed), search, documents, paragraphs, files, feedback.

Every endpoint sees only the documents the caller's access labels allow; a document the caller
may not see answers exactly like one that does not exist (404, same message).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field, ValidationError

from api.security import Caller, api_key, identify, lookup, require_admin
from assistant.conversations import is_conversation_id
from assistant.feedback import FeedbackIn
from assistant.service import Paragraf, QuestionError
from core import prompts
from core.citations import paragraph_reference
from core.ids import parse_paragraph_id, section_label
from core.models import AskResponse, DocumentMeta, Filters, Paragraph, SearchResponse
from index.faults import DependencyUnavailable
from ingest.pipeline import original_path

logger = logging.getLogger(__name__)
router = APIRouter()
_MEDIA = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8"}
_CONTEXT = 40  # paragraphs of the cited section shown around a paragraph, each side


class AskRequest(BaseModel):
    question: str = Field(..., description="Frågan, på svenska.", examples=["Hur mycket ska tjänsteresandet minska?"])
    filters: Filters | None = Field(None, description="Limit the documents the answer may use.")
    conversation_id: str | None = Field(
        None, max_length=64, description="From the previous answer, to ask a follow-up."
    )
    answerer: Literal["extractive", "llm"] | None = Field(
        None, description="'llm' to have the configured model write the answer (every sentence verified "
        "against its citation), 'extractive' for verbatim sentences; default: PARAGRAF_DEFAULT_ANSWERER.",
    )


class DocumentDetail(BaseModel):
    document: DocumentMeta
    paragraphs: list[Paragraph]


class ParagraphDetail(BaseModel):
    paragraph: Paragraph
    document: DocumentMeta
    reference: str
    context: list[Paragraph] = Field(description="The paragraphs of the same section, in order.")
    file_url: str | None = Field(None, description="The original file at the paragraph's page.")


class FeedbackReceipt(BaseModel):
    feedback_id: str
    message: str


class ErrorBody(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {c: {"model": ErrorBody} for c in (400, 401, 403, 404, 413, 422, 429, 503)}


def core(request: Request) -> Paragraf:
    return request.app.state.paragraf


def caller(request: Request) -> Caller:
    return identify(request.app.state.settings, api_key(request), getattr(request.state, "request_id", ""))


Core = Annotated[Paragraf, Depends(core)]
Who = Annotated[Caller, Depends(caller)]


def query_filters(
    organisation: Annotated[list[str], Query(description="Organisation (repeatable).")] = [],  # noqa: B006
    body: Annotated[list[str], Query(description="Decision-making body (repeatable).")] = [],  # noqa: B006
    doc_type: Annotated[list[str], Query(description="Document type (repeatable).")] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(description="Earliest date, yyyy-mm-dd.")] = None,
    date_to: Annotated[date | None, Query(description="Latest date, yyyy-mm-dd.")] = None,
) -> Filters:
    try:
        return Filters(organisation=organisation, body=body, doc_type=doc_type, date_from=date_from, date_to=date_to)
    except ValidationError as exc:
        raise HTTPException(422, prompts.FILTER_INVALID.format(detail=exc.errors()[0]["msg"])) from exc


async def bounded(request: Request, fn, *args, llm: bool = False):
    """Run blocking work in the thread pool; a 503 in Swedish when it takes too long (with the
    LLM writer: at least its own timeout plus some seconds, after which it has fallen back)."""
    settings = request.app.state.settings
    timeout = settings.request_timeout_s
    if llm:
        timeout = max(timeout, settings.llm_timeout_s + 10.0)
    try:
        return await asyncio.wait_for(run_in_threadpool(fn, *args), timeout)
    except TimeoutError as exc:
        logger.warning("timed out after %.1f s: %s", timeout, request.url.path)
        raise HTTPException(503, prompts.TIMEOUT) from exc


def _ask(app: Paragraf, request: AskRequest, who: Caller, metrics) -> AskResponse:
    cid = request.conversation_id if is_conversation_id(request.conversation_id or "") else None
    try:
        response = app.ask(request.question, request.filters, cid, who.labels, remember=True,
                           answerer=request.answerer)
    except QuestionError as exc:
        raise HTTPException(400, str(exc)) from exc
    metrics.answers.labels("abstained" if response.abstained else "answered").inc()
    return response


@router.post("/api/ask", response_model=AskResponse, responses=ERRORS)
async def ask(body: AskRequest, request: Request, app: Core, who: Who) -> AskResponse:
    """Answer a Swedish question with verbatim, cited sentences (or abstain)."""
    return await bounded(request, _ask, app, body, who, request.app.state.metrics,
                         llm=(body.answerer or app.settings.default_answerer) == "llm")


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_error(exc: Exception) -> str:
    """The `error` event for a failure after a stream has started (Swedish, with the status the
    plain route would have answered)."""
    if isinstance(exc, HTTPException):
        return sse("error", {"detail": exc.detail, "status": exc.status_code})
    if isinstance(exc, DependencyUnavailable):
        return sse("error", {"detail": str(exc), "status": 503, "retry_after": exc.retry_after})
    logger.exception("streamed answer failed", exc_info=exc)
    return sse("error", {"detail": prompts.STREAM_FAILED, "status": 500})


@router.post(
    "/api/ask/stream", responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
    response_class=StreamingResponse,
)
async def ask_stream(body: AskRequest, request: Request, app: Core, who: Who) -> StreamingResponse:
    """Server-Sent Events: `status` while working, the answer as `token` events, then one
    `citation` event per citation and `done` with the whole response (same as /api/ask)."""
    try:
        app.check_question(body.question)
        answerer = app.check_answerer(body.answerer)
    except QuestionError as exc:
        raise HTTPException(400, str(exc)) from exc

    if answerer == "llm":
        return StreamingResponse(
            _llm_events(request, app, body, who), media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def events() -> AsyncIterator[str]:
        yield sse("status", {"stage": "retrieving", "message": prompts.RETRIEVING})
        try:
            response = await bounded(request, _ask, app, body, who, request.app.state.metrics)
        except Exception as exc:  # noqa: BLE001 - the stream has started: an error event, never a trace
            yield sse_error(exc)
            return
        yield sse("status", {"stage": "answering", "message": prompts.COMPOSING})
        for token in re.findall(r"\S+\s*|\s+", response.answer):
            yield sse("token", {"text": token})
        for citation in response.citations:
            yield sse("citation", citation.model_dump())
        yield sse("done", response.model_dump())

    return StreamingResponse(
        events(), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _llm_events(request: Request, app: Paragraf, body: AskRequest, who: Caller) -> AsyncIterator[str]:
    """The model's answer, one verified sentence at a time while the model still writes (each as
    `token` events, its citation when new), then `done`; the extractive answer when no sentence
    of the model holds up."""
    from starlette.concurrency import iterate_in_threadpool

    from assistant.llm import Written

    yield sse("status", {"stage": "retrieving", "message": prompts.RETRIEVING})
    def extractive_and_hits():
        cid = body.conversation_id if is_conversation_id(body.conversation_id or "") else None
        try:
            response, retrieval = app.ask_detailed(body.question, body.filters, cid, who.labels, remember=True,
                                                   answerer="extractive")
        except QuestionError as exc:
            raise HTTPException(400, str(exc)) from exc
        return response, [h for h in (retrieval.hits if retrieval else []) if not h.conflicts]

    try:
        extractive, hits = await bounded(request, extractive_and_hits)
    except Exception as exc:  # noqa: BLE001 - the stream has started: an error event, never a trace
        yield sse_error(exc)
        return
    yield sse("status", {"stage": "answering", "message": prompts.COMPOSING})
    started = time.perf_counter()
    written = Written(error="no output")
    streamed = False
    writer = app.writer
    assert writer is not None  # check_answerer let "llm" through
    async for item in iterate_in_threadpool(writer.stream(extractive.question, hits)):
        if isinstance(item, Written):
            written = item
            break
        part, citation = item
        yield sse("token", {"text": ("" if not streamed else " ") + part})
        streamed = True
        if citation is not None:
            yield sse("citation", citation.model_dump())
    timings = {**extractive.timings_ms, "llm": round(1000 * (time.perf_counter() - started), 2)}
    if written.citations:
        response = extractive.model_copy(update={
            "answer": written.answer, "citations": written.citations, "abstained": False, "answerer": "llm",
            "dropped_sentences": len(written.dropped), "timings_ms": timings})
    elif written.abstained:
        response = extractive.model_copy(update={
            "answer": prompts.ABSTAIN, "citations": [], "abstained": True, "answerer": "llm", "timings_ms": timings})
        yield sse("token", {"text": prompts.ABSTAIN})
    else:  # nothing of the model's held up: the extractive answer, streamed as usual
        response = extractive.model_copy(update={"dropped_sentences": len(written.dropped), "timings_ms": timings})
        for token in re.findall(r"\S+\s*|\s+", response.answer):
            yield sse("token", {"text": token})
        for citation in response.citations:
            yield sse("citation", citation.model_dump())
    yield sse("done", response.model_dump())


@router.get("/api/search", response_model=SearchResponse, responses=ERRORS)
async def search(
    request: Request, app: Core, who: Who, filters: Annotated[Filters, Depends(query_filters)],
    q: Annotated[str, Query(description="Sökord eller fråga.", max_length=1000)],
    limit: Annotated[int | None, Query(ge=1, le=200)] = None,
) -> SearchResponse:
    """Ranked paragraphs (no composed answer) with the matching words as highlight spans."""

    def run() -> SearchResponse:
        try:
            return app.search(q, filters, who.labels, limit)
        except QuestionError as exc:
            raise HTTPException(400, str(exc)) from exc

    return await bounded(request, run)


@router.get("/api/documents", response_model=list[DocumentMeta], responses=ERRORS)
def documents(app: Core, who: Who, filters: Annotated[Filters, Depends(query_filters)]) -> list[DocumentMeta]:
    """Every document the caller may see, with its metadata and paragraph count."""
    return app.documents(who.labels, filters)


def _visible_document(app: Paragraf, who: Caller, doc_id: str) -> tuple[DocumentMeta, list[Paragraph]]:
    return lookup(who, app.audit, doc_id, prompts.DOCUMENT_NOT_FOUND.format(doc_id=doc_id),
                  lambda: app.document(doc_id, who.labels))


@router.get("/api/documents/{doc_id}", response_model=DocumentDetail, responses=ERRORS)
def document(doc_id: str, app: Core, who: Who) -> DocumentDetail:
    meta, paragraphs = _visible_document(app, who, doc_id)
    return DocumentDetail(document=meta, paragraphs=paragraphs)


def _stored_file(app: Paragraf, meta: DocumentMeta) -> Path | None:
    path = original_path(app.settings.files_dir, meta.doc_id, meta.source)
    return path if path.suffix in _MEDIA and path.is_file() else None


@router.get(
    "/api/documents/{doc_id}/file", responses={200: {"content": {"application/pdf": {}}}, **ERRORS},
    response_class=FileResponse,
)
def document_file(doc_id: str, app: Core, who: Who) -> FileResponse:
    """The original file as ingested (open PDFs at a page with #page=N)."""
    meta, _ = _visible_document(app, who, doc_id)
    path = _stored_file(app, meta)
    if path is None:
        raise HTTPException(404, prompts.FILE_NOT_FOUND.format(doc_id=doc_id))
    return FileResponse(
        path, media_type=_MEDIA[path.suffix], filename=meta.source, content_disposition_type="inline"
    )


@router.get("/api/paragraphs/{paragraph_id}", response_model=ParagraphDetail, responses=ERRORS)
def paragraph(paragraph_id: str, app: Core, who: Who) -> ParagraphDetail:
    """One paragraph with its document, reference and the rest of its section (source view)."""
    try:
        parse_paragraph_id(paragraph_id)
    except ValueError as exc:
        raise HTTPException(400, prompts.PARAGRAPH_ID_INVALID.format(paragraph_id=paragraph_id)) from exc
    p, meta = lookup(who, app.audit, paragraph_id, prompts.PARAGRAPH_NOT_FOUND.format(paragraph_id=paragraph_id),
                     lambda: app.paragraph(paragraph_id, who.labels))
    _, paragraphs = app.document(meta.doc_id, who.labels) or (meta, [p])
    top = section_label(p.section)
    context = [
        q for q in paragraphs
        if section_label(q.section) == top and abs(q.ordinal - p.ordinal) <= _CONTEXT
    ]
    has_file = _stored_file(app, meta) is not None
    return ParagraphDetail(
        paragraph=p, document=meta, reference=paragraph_reference(p, meta), context=context or [p],
        file_url=f"/api/documents/{meta.doc_id}/file#page={p.page}" if has_file else None,
    )


@router.post("/api/feedback", response_model=FeedbackReceipt, status_code=201, responses=ERRORS)
def feedback(item: FeedbackIn, app: Core, who: Who) -> FeedbackReceipt:
    """Thumbs up/down (with an optional comment) on an answer, stored with its citations."""
    record = app.feedback.add(item)
    return FeedbackReceipt(feedback_id=record.feedback_id, message=prompts.FEEDBACK_THANKS)


@router.get(
    "/api/feedback", responses={200: {"content": {"application/x-ndjson": {}}}, **ERRORS},
    response_class=StreamingResponse,
)
def feedback_export(app: Core, who: Who) -> StreamingResponse:
    """All feedback as JSONL (admin key required)."""
    require_admin(who, app.audit, "GET /api/feedback")
    app.audit.record(who.key_id, "feedback.export", "feedback.jsonl", "ok", who.request_id,
                     records=app.feedback.count())
    return StreamingResponse(
        app.feedback.lines(), media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="paragraf-feedback.jsonl"'},
    )
