"""Dependency faults: the vector store (Chroma) and the embedder can fail under a running server.

A failing call is retried with backoff while its circuit is closed; repeated failures open the
circuit, and calls then fail at once with `DependencyUnavailable` (the API answers 503 with
Retry-After) until a trial call after the cool-down succeeds. Errors are counted per dependency
for the Prometheus endpoint.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

STORE, EMBEDDER = "store", "embedder"


class DependencyUnavailable(RuntimeError):
    """A dependency cannot serve now; `retry_after` is a hint in whole seconds."""

    def __init__(self, dependency: str, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.dependency = dependency
        self.retry_after = max(1, int(retry_after))


def is_store_fault(exc: BaseException) -> bool:
    """True for failures of the store itself (unreachable, timed out, 5xx, disk/lock trouble),
    False for errors of the request (a bad filter, a missing id), which must surface as they are."""
    import httpx

    if isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500
    if isinstance(exc, sqlite3.OperationalError):
        return True
    if isinstance(exc, ValueError) and "could not connect" in str(exc).lower():
        return True  # chromadb.HttpClient's own wording when the server is down
    code = getattr(exc, "code", None)
    if callable(code):  # chromadb.errors.ChromaError: code() is the HTTP status it maps to
        try:
            return int(code()) >= 500
        except (TypeError, ValueError):
            return False
    return False


class CircuitBreaker:
    """Closed: calls pass (and are retried). `failures` consecutive failures open it for
    `cooldown_s`; then one trial call passes (half-open) and its outcome closes or re-opens it."""

    def __init__(
        self, dependency: str, *, failures: int = 3, cooldown_s: float = 5.0, retries: int = 2,
        backoff_s: float = 0.1, is_fault: Callable[[BaseException], bool] = lambda _e: True,
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if failures < 1 or cooldown_s <= 0 or retries < 0 or backoff_s < 0:
            raise ValueError("failures >= 1, cooldown_s > 0, retries >= 0 and backoff_s >= 0")
        self.dependency = dependency
        self.threshold, self.cooldown_s, self.retries, self.backoff_s = failures, cooldown_s, retries, backoff_s
        self.is_fault, self.clock, self.sleep = is_fault, clock, sleep
        self.errors = 0  # faults seen, for the metrics
        self.last_error = ""
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half-open" if self.clock() - self._opened_at >= self.cooldown_s else "open"

    def retry_after(self) -> int:
        with self._lock:
            if self._opened_at is None:
                return 1
            return max(1, int(self.cooldown_s - (self.clock() - self._opened_at) + 0.999))

    def _admit(self) -> bool:
        """Whether a call may go to the dependency now (False: fail fast)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self.clock() - self._opened_at < self.cooldown_s or self._trial:
                return False
            self._trial = True  # one trial call while half-open
            return True

    def _success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                logger.warning("%s is reachable again; circuit closed", self.dependency)
            self._consecutive, self._opened_at, self._trial = 0, None, False

    def _failure(self, exc: BaseException) -> None:
        with self._lock:
            self.errors += 1
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            self._consecutive += 1
            if self._trial or self._consecutive >= self.threshold:
                if self._opened_at is None or self._trial:
                    logger.error("%s failing (%s); circuit open for %.0f s", self.dependency,
                                 self.last_error, self.cooldown_s)
                self._opened_at, self._trial = self.clock(), False

    def call(self, fn: Callable[[], T], message: str) -> T:
        """fn(), retried on faults while the circuit is closed; `DependencyUnavailable(message)`
        when the circuit is open or every attempt failed. Non-fault errors pass through."""
        if not self._admit():
            raise DependencyUnavailable(self.dependency, message, self.retry_after())
        attempts = 1 if self.state != "closed" else 1 + self.retries
        for attempt in range(attempts):
            try:
                result = fn()
            except Exception as exc:
                if not self.is_fault(exc):
                    self._success()  # the dependency answered; the request was wrong
                    raise
                self._failure(exc)
                if attempt + 1 < attempts and self.state == "closed":
                    self.sleep(self.backoff_s * (2 ** attempt))
                    continue
                raise DependencyUnavailable(self.dependency, message, self.retry_after()) from exc
            self._success()
            return result
        raise AssertionError("unreachable")
