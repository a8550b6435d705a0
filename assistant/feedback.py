"""Reader feedback on answers, appended to a JSONL file a deployer exports to grow the eval set.

One JSON object per line, written with a single O_APPEND write under a lock, so several API
processes on one machine can share the file without interleaving lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core import jsonl
from core.models import Citation


class FeedbackIn(BaseModel):
    """Thumbs up/down on one answer, as the widget sends it."""

    rating: Literal["up", "down"] = Field(..., description="'up' (bra svar) or 'down' (dåligt svar).")
    question: str = Field(..., min_length=1, max_length=2000)
    answer: str = Field(..., max_length=20_000)
    citations: list[Citation] = Field(default_factory=list, max_length=40)
    comment: str = Field("", max_length=2000, description="Optional free text from the reader.")
    conversation_id: str | None = Field(None, max_length=64)


class FeedbackRecord(FeedbackIn):
    feedback_id: str
    created: str = Field(description="UTC time, ISO 8601.")


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def add(self, item: FeedbackIn) -> FeedbackRecord:
        record = FeedbackRecord(
            **item.model_dump(),
            feedback_id=uuid.uuid4().hex,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        jsonl.append(self.path, record.model_dump())
        return record

    def lines(self) -> Iterator[str]:
        """Every stored record as one JSONL line (a torn last line, from a crash, is left out)."""
        return jsonl.lines(self.path)

    def count(self) -> int:
        return sum(1 for _ in self.lines())
