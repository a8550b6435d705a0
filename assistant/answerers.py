"""The answer stage behind one interface: an `Answerer` turns a question and its ranked
paragraphs into an `Answer` (core.models). Two implementations:

- `ExtractiveAnswerer` ("extractive", the default): a register record when one answers the
  question (assistant.register_answer), else verbatim quotes of the best paragraphs
  (assistant.answer); a decision the quotes leave out is added from the register.
- `LLMAnswerer` ("llm"): the deployer's model writes the answer (assistant.llm) and the
  verification gate keeps only the sentences its citations support; whenever nothing of the
  model's holds up, the extractive answer is returned, marked as such.
"""

from __future__ import annotations

from typing import Protocol

from assistant.answer import QuoteAnswerer
from assistant.llm import LLMWriter, gate_support
from assistant.register_answer import RegisterAnswerer
from core import prompts
from core.models import Answer
from core.settings import Settings
from index.retrieve import Retrieval
from index.store import ParagraphIndex


class Answerer(Protocol):
    """Answers `question` from `retrieval` (hits ranked by the scorer's probability); a hit below
    `threshold` is not evidence enough. `extractive` is the extractive answer to the same
    retrieval when the caller already has it (reused, not computed again)."""

    name: str

    def answer(self, question: str, retrieval: Retrieval, threshold: float,
               extractive: Answer | None = None) -> Answer: ...


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, settings: Settings, index: ParagraphIndex) -> None:
        self.settings = settings
        self.quotes = QuoteAnswerer(settings, index)
        self.register = RegisterAnswerer(settings, index)

    def answer(self, question: str, retrieval: Retrieval, threshold: float,
               extractive: Answer | None = None) -> Answer:
        if extractive is not None:
            return extractive
        if not self.settings.register_answers:
            return self.quotes.answer(question, retrieval, threshold)
        from_register = self.register.answer(question, retrieval, threshold)
        if from_register is not None:
            return from_register
        return self.register.supplement(question, self.quotes.answer(question, retrieval, threshold))


class LLMAnswerer:
    name = "llm"

    def __init__(self, writer: LLMWriter, fallback: Answerer) -> None:
        self.writer = writer
        self.fallback = fallback

    def answer(self, question: str, retrieval: Retrieval, threshold: float,
               extractive: Answer | None = None) -> Answer:
        written = self.writer.write(question, [h for h in retrieval.hits if not h.conflicts])
        if written.abstained:
            return Answer.abstention(prompts.ABSTAIN, answerer="llm")
        if written.citations:
            return Answer(text=written.answer, citations=written.citations, answerer="llm",
                          dropped_sentences=len(written.dropped))
        # The model failed, timed out, or nothing it wrote held up: the extractive answer stands.
        fallback = self.fallback.answer(question, retrieval, threshold, extractive)
        return fallback.model_copy(update={"dropped_sentences": len(written.dropped)})


def create_answerers(settings: Settings, index: ParagraphIndex) -> dict[str, Answerer]:
    """The answerers this deployment offers, by name ("llm" only when a model is configured)."""
    extractive = ExtractiveAnswerer(settings, index)
    answerers: dict[str, Answerer] = {extractive.name: extractive}
    if settings.llm_base_url:
        support = gate_support(settings, index.cached_embedder())  # paragraph vectors come from the cache
        llm = LLMAnswerer(LLMWriter(settings, support), extractive)
        answerers[llm.name] = llm
    return answerers
