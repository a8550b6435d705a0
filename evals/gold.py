"""The question-file format (JSONL, one question per line) and its loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

Kind = Literal["decision", "assignment", "target", "person", "number", "date", "vote", "other"]


class Support(BaseModel):
    doc: str = Field(description="File name (e.g. 'plan.pdf') or doc_id of the supporting document.")
    contains: str = Field(min_length=3, description="Verbatim snippet a supporting paragraph contains.")


class GoldQuestion(BaseModel):
    id: str
    question: str = Field(min_length=3)
    answerable: bool
    answer_contains: list[str] = Field(default_factory=list, description="Facts the answer must state.")
    supporting: list[Support] = Field(default_factory=list)
    kind: Kind = "other"

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if self.answerable and not self.supporting:
            raise ValueError("an answerable question needs at least one supporting paragraph")
        if not self.answerable and (self.supporting or self.answer_contains):
            raise ValueError("an unanswerable question has no supporting paragraphs or facts")
        return self


class GoldFileError(ValueError):
    pass


def load_questions(path: Path) -> list[GoldQuestion]:
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            q = GoldQuestion.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise GoldFileError(f"{path}:{n}: {exc}") from exc
        if q.id in seen:
            raise GoldFileError(f"{path}:{n}: duplicate id {q.id!r}")
        seen.add(q.id)
        questions.append(q)
    if not questions:
        raise GoldFileError(f"{path}: no questions")
    return questions
