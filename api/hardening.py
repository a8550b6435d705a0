"""Request guards and observability: request ids, structured logs, Prometheus metrics, body-size
limit and per-client rate limiting. Pure ASGI middleware, so streamed answers pass untouched."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import prompts
from core.settings import Settings

logger = logging.getLogger("paragraf.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Metrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "paragraf_http_requests", "HTTP requests by route and status.", ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "paragraf_http_request_seconds", "HTTP request latency (to the last byte).", ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=self.registry,
        )
        self.answers = Counter(
            "paragraf_answers", "Answers given, by outcome.", ["outcome"], registry=self.registry
        )
        self.ingested = Counter(
            "paragraf_ingested_documents", "Documents ingested over HTTP, by status.", ["status"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "paragraf_rate_limited", "Requests refused by the rate limit.", registry=self.registry
        )
        self._breakers: list = []

        self.registry.register(_BreakerCollector(self._breakers))

    def watch(self, *breakers) -> None:
        """Export these circuit breakers' fault counts and states (one per dependency)."""
        self._breakers[:] = breakers

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _BreakerCollector:
    """paragraf_dependency_errors_total and paragraf_dependency_circuit_open, read at scrape time."""

    def __init__(self, breakers: list) -> None:
        self.breakers = breakers

    def collect(self):
        errors = CounterMetricFamily(
            "paragraf_dependency_errors", "Failed calls to a dependency (store = Chroma, embedder).",
            labels=["dependency"],
        )
        open_ = GaugeMetricFamily(
            "paragraf_dependency_circuit_open", "1 while a dependency's circuit breaker refuses calls.",
            labels=["dependency"],
        )
        for b in self.breakers:
            errors.add_metric([b.dependency], b.errors)
            open_.add_metric([b.dependency], 1.0 if b.state != "closed" else 0.0)
        yield errors
        yield open_


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def _client(scope: Scope) -> str:
    headers = dict(scope.get("headers") or [])
    key = headers.get(b"x-api-key") or headers.get(b"authorization")
    if key:
        return "key:" + str(hash(key))
    client = scope.get("client")
    return "ip:" + (client[0] if client else "?")


async def _send_json(send: Send, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})


class RequestContext:
    """Request id (X-Request-ID, echoed or made), one structured access-log line, metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route(scope)
            self.metrics.requests.labels(scope["method"], route, str(status["code"])).inc()
            self.metrics.latency.labels(route).observe(seconds)
            logger.info(
                "request", extra={"request_id": request_id, "method": scope["method"], "path": scope["path"],
                                  "route": route, "status": status["code"], "ms": round(1000 * seconds, 1)},
            )


class BodyLimit:
    """Refuse bodies over the limit (413), by Content-Length and while reading a chunked body."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    def limit(self, path: str) -> int:
        if path.startswith("/api/admin/"):
            return self.settings.max_upload_bytes
        return self.settings.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit(scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _send_json(send, 413, prompts.REQUEST_TOO_LARGE.format(limit=limit))
        state = {"seen": 0, "refused": False}

        async def counted() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    # Answer 413 now; the app sees the client leave and what it sends is dropped.
                    state["refused"] = True
                    await _send_json(send, 413, prompts.REQUEST_TOO_LARGE.format(limit=limit))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not state["refused"]:
                await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            if not state["refused"]:
                raise


class RateLimit:
    """Token bucket per client on /api/ (not on pages, /health or /metrics): 429 + Retry-After."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics, clock=time.monotonic) -> None:
        self.app, self.metrics, self.clock = app, metrics, clock
        self.rate = settings.rate_limit_per_minute / 60.0
        self.burst = float(settings.rate_limit_burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when allowed, else seconds until a request would be."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / self.rate
            if len(self._buckets) > 100_000:  # forget idle clients (full buckets)
                full = [c for c, (t, a) in self._buckets.items() if t + (now - a) * self.rate >= self.burst]
                for c in full:
                    del self._buckets[c]
            return wait

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or not scope["path"].startswith("/api/") \
                or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        wait = self.take(_client(scope))
        if wait > 0:
            self.metrics.rate_limited.inc()
            seconds = max(1, int(wait + 0.999))
            return await _send_json(send, 429, prompts.RATE_LIMITED.format(seconds=seconds),
                                    ((b"retry-after", str(seconds).encode()),))
        await self.app(scope, receive, send)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any structured extras."""

    _SKIP = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in self._SKIP})
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if settings.log_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
