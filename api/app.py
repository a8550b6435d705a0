"""HTTP API (FastAPI): ask, documents, paragraphs, health. Errors are Swedish JSON, never traces."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import prompts
from assistant.ids import is_doc_id, parse_paragraph_id
from assistant.models import AskResponse, DocumentMeta, Paragraph
from assistant.service import Paragraf, QuestionError
from assistant.settings import Settings

logger = logging.getLogger(__name__)


class AskRequest(BaseModel):
    question: str = Field(..., description="Frågan, på svenska.", examples=["Hur mycket ska tjänsteresandet minska?"])


class DocumentDetail(BaseModel):
    document: DocumentMeta
    paragraphs: list[Paragraph]


class ParagraphDetail(BaseModel):
    paragraph: Paragraph
    document: DocumentMeta


class Health(BaseModel):
    status: str
    documents: int
    paragraphs: int
    embedder: str


class ErrorBody(BaseModel):
    detail: str


_ERRORS = {400: {"model": ErrorBody}, 404: {"model": ErrorBody}, 422: {"model": ErrorBody}}


def create_app(settings: Settings | None = None, paragraf: Paragraf | None = None) -> FastAPI:
    state: dict[str, Paragraf] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        app_ = paragraf or Paragraf(settings or Settings())
        app_.index.snapshot(force=True)  # load the catalogue and BM25 before the first request
        app_.embedder.embed_query("uppvärmning")  # and warm the embedder
        state["app"] = app_
        yield
        state.clear()

    api = FastAPI(
        title="Paragraf",
        description="Svar på svenska frågor om beslut, uppdrag och mål, med hänvisning till exakt stycke.",
        version="0.1.0",
        lifespan=lifespan,
    )

    def core() -> Paragraf:
        return state["app"]

    @api.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ()) if x != 'body') or 'body'}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return JSONResponse(status_code=422, content={"detail": prompts.INVALID_REQUEST.format(detail=problems)})

    @api.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Sidan finns inte."
        elif exc.status_code == 405:
            detail = "Metoden stöds inte för den här adressen."
        return JSONResponse(status_code=exc.status_code, content={"detail": detail})

    @api.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": prompts.INTERNAL_ERROR})

    @api.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @api.get("/health", response_model=Health)
    def health() -> Health:
        snap = core().index.snapshot()
        return Health(
            status="ok", documents=len(snap.documents), paragraphs=len(snap.paragraphs),
            embedder=core().embedder.name,
        )

    @api.post("/api/ask", response_model=AskResponse, responses=_ERRORS)
    def ask(request: AskRequest) -> AskResponse:
        try:
            return core().ask(request.question)
        except QuestionError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc

    @api.get("/api/documents", response_model=list[DocumentMeta])
    def documents() -> list[DocumentMeta]:
        return core().index.documents()

    @api.get("/api/documents/{doc_id}", response_model=DocumentDetail, responses=_ERRORS)
    def document(doc_id: str) -> DocumentDetail:
        found = core().index.document(doc_id) if is_doc_id(doc_id) else None
        if found is None:
            raise HTTPException(404, prompts.DOCUMENT_NOT_FOUND.format(doc_id=doc_id))
        meta, paragraphs = found
        return DocumentDetail(document=meta, paragraphs=paragraphs)

    @api.get("/api/paragraphs/{paragraph_id}", response_model=ParagraphDetail, responses=_ERRORS)
    def paragraph(paragraph_id: str) -> ParagraphDetail:
        try:
            parse_paragraph_id(paragraph_id)
        except ValueError as exc:
            raise HTTPException(400, prompts.PARAGRAPH_ID_INVALID.format(paragraph_id=paragraph_id)) from exc
        found = core().index.paragraph(paragraph_id)
        if found is None:
            raise HTTPException(404, prompts.PARAGRAPH_NOT_FOUND.format(paragraph_id=paragraph_id))
        p, meta = found
        return ParagraphDetail(paragraph=p, document=meta)

    return api
