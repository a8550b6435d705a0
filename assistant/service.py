"""The assembled pipeline: settings -> embedder -> index -> retriever -> answerer."""

from __future__ import annotations

import time

from assistant import prompts
from assistant.answer import ExtractiveAnswerer
from assistant.register_answer import RegisterAnswerer
from assistant.scorer import Scorer
from assistant.citations import paragraph_reference
from assistant.conversations import ConversationStore, Turn, context_question
from assistant.audit import AuditLog
from assistant.feedback import FeedbackStore
from assistant.llm import LLMWriter
from assistant.models import AskResponse, DocumentMeta, Filters, SearchHit, SearchResponse
from assistant.settings import Settings
from index.embedders import Embedder, create_embedder
from index.lexical import matching_spans
from index.retrieve import HybridRetriever, Retrieval
from index.store import ParagraphIndex

# Access labels a caller may see; None = every document (CLI, evaluation, admin).
Labels = frozenset[str] | None


class QuestionError(ValueError):
    """A question that cannot be asked; the message is Swedish, for end users."""


def visible(meta: DocumentMeta, labels: Labels) -> bool:
    return labels is None or meta.visibility in labels


class Paragraf:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = s = settings or Settings()
        self.embedder = embedder or create_embedder(s)
        self.index = ParagraphIndex(s, self.embedder)
        self.retriever = HybridRetriever(self.index, s)
        self.answerer = ExtractiveAnswerer(s, self.index)
        self.register_answerer = RegisterAnswerer(s, self.index)
        self.scorer = Scorer(self.index, s.scorer_path)
        self.threshold = (
            s.min_answer_probability if s.min_answer_probability is not None else self.scorer.threshold
        )
        self.conversations = ConversationStore(
            s.conversation_max_turns, s.conversation_max_count, s.conversation_ttl_s
        )
        self.feedback = FeedbackStore(s.feedback_path)
        self.audit = AuditLog(s.audit_path)
        self.writer = LLMWriter(s) if s.llm_base_url else None

    def check_question(self, question: str) -> str:
        question = " ".join((question or "").split())
        if not question:
            raise QuestionError(prompts.QUESTION_EMPTY)
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                prompts.QUESTION_TOO_LONG.format(limit=self.settings.max_question_chars)
            )
        return question

    def allowed(self, filters: Filters | None = None, labels: Labels = None) -> set[str] | None:
        """Doc ids a question may use, or None when nothing limits it."""
        if (filters is None or filters.is_empty()) and labels is None:
            return None
        return {
            doc_id for doc_id, meta in self.index.snapshot().documents.items()
            if visible(meta, labels) and (filters is None or filters.admits(meta))
        }

    def ask(
        self, question: str, filters: Filters | None = None, conversation_id: str | None = None,
        labels: Labels = None, remember: bool = False, answerer: str | None = None,
    ) -> AskResponse:
        return self.ask_detailed(question, filters, conversation_id, labels, remember, answerer)[0]

    def check_answerer(self, answerer: str | None) -> str:
        chosen = answerer or self.settings.default_answerer
        if chosen == "llm" and self.writer is None:
            raise QuestionError(prompts.LLM_NOT_CONFIGURED)
        return chosen

    def ask_detailed(
        self, question: str, filters: Filters | None = None, conversation_id: str | None = None,
        labels: Labels = None, remember: bool = False, answerer: str | None = None,
    ) -> tuple[AskResponse, Retrieval | None]:
        """`ask`, plus the ranked paragraphs the answer was composed from (for evaluation).

        With `remember` (or a conversation id) the turn is kept and the response carries the
        conversation id. A follow-up in a conversation is retrieved together with the previous turn's question,
        first within the documents that turn cited, then (if that gives no answer) everywhere.
        """
        started = time.perf_counter()
        question = self.check_question(question)
        chosen = self.check_answerer(answerer)
        if not self.index.snapshot().paragraphs:
            empty = AskResponse(
                question=question, answer=prompts.EMPTY_INDEX, abstained=True, citations=[],
                timings_ms={"total": 0.0},
            )
            return empty, None
        history = self.conversations.history(conversation_id)
        query = context_question(question, history)
        allowed = self.allowed(filters, labels)
        attempts = [allowed]
        if query != question and history[-1].doc_ids:
            earlier = set(history[-1].doc_ids)
            attempts.insert(0, earlier if allowed is None else earlier & allowed)
        for scope in attempts:
            retrieval = self.retriever.retrieve(query, allowed=scope)
            t0 = time.perf_counter()
            self.scorer.rerank(question, retrieval)
            from_register = (
                self.register_answerer.answer(question, retrieval, self.threshold)
                if self.settings.register_answers else None
            )
            answer, citations, abstained = from_register or self.answerer.answer(
                question, retrieval, self.threshold
            )
            if not abstained and from_register is None and self.settings.register_answers:
                answer, citations = self.register_answerer.supplement(question, answer, citations)
            if not abstained:
                break
        timings = dict(retrieval.timings_ms)
        timings["answer"] = round(1000 * (time.perf_counter() - t0), 2)
        written_by, dropped = "extractive", 0
        if chosen == "llm":
            t1 = time.perf_counter()
            hits = [h for h in retrieval.hits if not h.conflicts]
            written = self.writer.write(question, hits)
            timings["llm"] = round(1000 * (time.perf_counter() - t1), 2)
            dropped = len(written.dropped)
            if written.usable:  # else: the extractive answer stands (and says so)
                written_by = "llm"
                answer, citations, abstained = (
                    (prompts.ABSTAIN, [], True) if written.abstained else (written.answer, written.citations, False)
                )
        timings["total"] = round(1000 * (time.perf_counter() - started), 2)
        doc_ids = list(dict.fromkeys(c.doc_id for c in citations))
        if remember or conversation_id is not None:
            conversation_id = self.conversations.add(
                conversation_id, Turn(question, query, answer, doc_ids)
            )
        response = AskResponse(
            question=question, answer=answer, abstained=abstained, citations=citations,
            timings_ms=timings, conversation_id=conversation_id,
            context_question=query if query != question else None, answerer=written_by,
            dropped_sentences=dropped,
        )
        return response, retrieval

    def remove(self, doc_id: str) -> bool:
        """Delete a document's paragraphs and its stored original; False when it was not there."""
        from ingest.pipeline import remove_original

        removed = self.index.delete_document(doc_id)
        remove_original(doc_id, self.settings.files_dir)
        return removed

    def search(
        self, query: str, filters: Filters | None = None, labels: Labels = None,
        limit: int | None = None,
    ) -> SearchResponse:
        """Ranked paragraphs with the matching words marked; no answer is composed."""
        query = self.check_question(query)
        limit = limit or self.settings.search_limit
        if not self.index.snapshot().paragraphs:
            return SearchResponse(query=query, results=[])
        retrieval = self.retriever.retrieve(
            query, top_k=max(limit, self.settings.answer_paragraphs), allowed=self.allowed(filters, labels)
        )
        hits = self.scorer.rerank(query, retrieval).hits[:limit]
        return SearchResponse(
            query=query,
            results=[
                SearchHit(
                    rank=n, score=round(h.score, 5), paragraph=h.paragraph, document=h.document,
                    reference=paragraph_reference(h.paragraph, h.document),
                    highlights=matching_spans(h.paragraph.text, query),
                )
                for n, h in enumerate(hits, start=1)
            ],
        )
