"""The assembled pipeline: settings -> embedder -> index -> retriever -> answerer."""

from __future__ import annotations

import time

from assistant import prompts
from assistant.answer import ExtractiveAnswerer
from assistant.models import AskResponse
from assistant.settings import Settings
from index.embedders import Embedder, create_embedder
from index.retrieve import HybridRetriever, Retrieval
from index.store import ParagraphIndex


class QuestionError(ValueError):
    """A question that cannot be asked; the message is Swedish, for end users."""


class Paragraf:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or create_embedder(self.settings)
        self.index = ParagraphIndex(self.settings, self.embedder)
        self.retriever = HybridRetriever(self.index, self.settings)
        self.answerer = ExtractiveAnswerer(self.settings, self.index)

    def check_question(self, question: str) -> str:
        question = " ".join((question or "").split())
        if not question:
            raise QuestionError(prompts.QUESTION_EMPTY)
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                prompts.QUESTION_TOO_LONG.format(limit=self.settings.max_question_chars)
            )
        return question

    def ask(self, question: str) -> AskResponse:
        return self.ask_detailed(question)[0]

    def ask_detailed(self, question: str) -> tuple[AskResponse, Retrieval | None]:
        """`ask`, plus the ranked paragraphs the answer was composed from (for evaluation)."""
        started = time.perf_counter()
        question = self.check_question(question)
        if not self.index.snapshot().paragraphs:
            empty = AskResponse(
                question=question, answer=prompts.EMPTY_INDEX, abstained=True, citations=[],
                timings_ms={"total": 0.0},
            )
            return empty, None
        retrieval = self.retriever.retrieve(question)
        t0 = time.perf_counter()
        answer, citations, abstained = self.answerer.answer(question, retrieval)
        timings = dict(retrieval.timings_ms)
        timings["answer"] = round(1000 * (time.perf_counter() - t0), 2)
        timings["total"] = round(1000 * (time.perf_counter() - started), 2)
        response = AskResponse(
            question=question, answer=answer, abstained=abstained, citations=citations,
            timings_ms=timings,
        )
        return response, retrieval
