"""HTTP API (FastAPI) and the Swedish web pages. Errors are Swedish JSON, never traces."""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import admin, register
from api.hardening import BodyLimit, Metrics, RateLimit, RequestContext
from api.routes import router
from assistant.service import Paragraf
from core import prompts
from core.settings import Settings
from index.faults import DependencyUnavailable
from ingest.jobs import JobManager

logger = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
# Pages of the web app (Swedish paths): a body in static/pages/ inside static/layout.html; each
# page talks to the JSON API from the browser.
PAGES = {"/": "index.html", "/sok": "search.html", "/beslut": "register.html", "/dokument": "documents.html"}
NAV = [("/", "Fråga"), ("/sok", "Sök i protokollen"), ("/beslut", "Beslut"), ("/dokument", "Dokument")]


def render_page(name: str, path: str) -> str:
    """One page: its title (first-line comment) and body inside the shared layout and menu."""
    body = (STATIC / "pages" / name).read_text(encoding="utf-8")
    first, _, main = body.partition("\n")
    title = first.removeprefix("<!-- title:").removesuffix("-->").strip()
    current = ' aria-current="page"'
    nav = "\n".join(
        f'    <a href="{href}"{current if href == path else ""}>{label}</a>' for href, label in NAV
    )
    layout = (STATIC / "layout.html").read_text(encoding="utf-8")
    return layout.replace("{title}", title).replace("{nav}", nav).replace("{main}", main)


class Health(BaseModel):
    status: str
    documents: int
    paragraphs: int
    embedder: str


class Ready(BaseModel):
    status: str = Field(description="'ready', or 'not_ready' (then HTTP 503).")
    checks: dict[str, str] = Field(description="store, index and embedder: 'ok' or what is wrong.")
    detail: str | None = Field(None, description="Why the instance is not ready (Swedish).")


READY_EMBEDDER_PROBE_S = 30.0  # a working embedder is re-checked at most this often by /ready
_CHECK_TEXT = {"store": "sökindexet (Chroma) svarar inte", "index": "indexet är inte inläst",
               "embedder": "inbäddningsmodellen fungerar inte"}


def create_app(settings: Settings | None = None, paragraf: Paragraf | None = None) -> FastAPI:
    # Explicit settings win for the HTTP layer (CORS, keys); the core keeps its own.
    settings = settings or (paragraf.settings if paragraf else Settings())

    @asynccontextmanager
    async def lifespan(api_: FastAPI):
        core = paragraf or Paragraf(settings)
        _ = core.index.snapshot(force=True).lexical  # load the catalogue and BM25 before the first request
        core.embedder.embed_query("uppvärmning")  # and warm the embedder
        api_.state.paragraf = core
        api_.state.settings = settings
        api_.state.metrics = metrics
        api_.state.embedder_checked = time.monotonic()
        metrics.watch(core.index.breaker, core.index.embedder_breaker)

        def finished(job) -> None:
            for f in job.files:
                metrics.ingested.labels(f.status).inc()

        api_.state.jobs = JobManager(core.settings, on_finished=finished)
        api_.state.jobs.start()  # also resumes jobs a previous process left unfinished
        yield
        api_.state.jobs.stop()

    api = FastAPI(
        title="Paragraf",
        description="Svar på svenska frågor om beslut, uppdrag och mål, med hänvisning till exakt stycke.",
        version="0.2.0",
        lifespan=lifespan,
    )
    metrics = Metrics()
    # Outermost last: request id/log/metrics > CORS (so 413/429 stay readable) > size > rate.
    api.add_middleware(RateLimit, settings=settings, metrics=metrics)
    api.add_middleware(BodyLimit, settings=settings)
    api.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "X-API-Key", "Authorization", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After"],
        max_age=600,
    )
    api.add_middleware(RequestContext, metrics=metrics)

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
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @api.exception_handler(DependencyUnavailable)
    async def _dependency(_: Request, exc: DependencyUnavailable) -> JSONResponse:
        logger.warning("%s unavailable: %s", exc.dependency, exc.__cause__ or exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)},
                            headers={"Retry-After": str(exc.retry_after)})

    @api.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": prompts.INTERNAL_ERROR})

    def page(name: str, path: str):
        html = render_page(name, path)

        def serve() -> HTMLResponse:
            return HTMLResponse(html)
        return serve

    for path, name in PAGES.items():
        api.add_api_route(path, page(name, path), methods=["GET"], include_in_schema=False)
    api.add_api_route("/kalla/{paragraph_id}", page("source.html", "/kalla"), methods=["GET"], include_in_schema=False)

    @api.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8")

    @api.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @api.get("/health", response_model=Health)
    def health(request: Request) -> Health:
        """Liveness: the process answers (it never asks the store; /ready does)."""
        core: Paragraf = request.app.state.paragraf
        snap = core.index.last_snapshot
        return Health(
            status="ok", documents=len(snap.documents), paragraphs=len(snap.paragraphs),
            embedder=core.embedder.name,
        )

    @api.get("/ready", response_model=Ready, responses={503: {"model": Ready}})
    def ready(request: Request) -> JSONResponse:
        """Readiness: the store answers, the index is loaded and the embedder works (503 with the
        reason otherwise). Cheap enough to poll every second: one store round trip; the embedder
        is probed at most every 30 s, and its failures in real requests count at once."""
        state = request.app.state
        core: Paragraf = state.paragraf
        checks = {"store": "ok", "index": "ok" if core.index.loaded else "not_loaded", "embedder": "ok"}
        try:
            core.index.ping()
        except DependencyUnavailable:
            checks["store"] = "unreachable"
        breaker = core.index.embedder_breaker
        due = time.monotonic() - state.embedder_checked >= READY_EMBEDDER_PROBE_S
        if breaker.state == "open":
            checks["embedder"] = "failing"
        elif due or breaker.state == "half-open":
            try:
                core.index.embed_question("beredskap")
                state.embedder_checked = time.monotonic()
            except Exception:  # noqa: BLE001 - any failure of the probe means not ready
                checks["embedder"] = "failing"
        failed = [k for k, v in checks.items() if v != "ok"]
        if not failed:
            return JSONResponse(Ready(status="ready", checks=checks).model_dump())
        detail = prompts.NOT_READY.format(reasons=", ".join(_CHECK_TEXT[k] for k in failed))
        return JSONResponse(Ready(status="not_ready", checks=checks, detail=detail).model_dump(),
                            status_code=503, headers={"Retry-After": "1"})

    api.include_router(router)
    api.include_router(admin.router)
    api.include_router(register.router)
    api.mount("/static", StaticFiles(directory=STATIC), name="static")
    return api
