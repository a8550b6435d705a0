"""Fine-grained progress of the ingest of one file (pages read, pages OCR'd, paragraphs embedded),
for whoever listens: a background job reports it in GET /api/admin/jobs/{id}. The stages call
`report`; nothing is reported when nobody listens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int, int], None]  # (stage, done, total)
_listener: ContextVar[Listener | None] = ContextVar("ingest_progress", default=None)

READING, OCR, EMBEDDING = "läser sidor", "OCR", "bäddar in stycken"


def report(stage: str, done: int, total: int) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(stage, done, total)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
