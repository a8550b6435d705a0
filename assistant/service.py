"""The assembled pipeline: settings -> embedder -> index -> retriever -> answerer."""

from __future__ import annotations

import time

from assistant.answerers import Answerer, LLMAnswerer, create_answerers
from assistant.conversations import ConversationStore, Turn, context_question
from assistant.feedback import FeedbackStore
from assistant.llm import LLMWriter
from assistant.scorer import Scorer
from core import prompts
from core.audit import AuditLog
from core.citations import paragraph_reference
from core.ids import is_doc_id, is_record_id
from core.models import Answer, AskResponse, DocumentMeta, Filters, Paragraph, SearchHit, SearchResponse
from core.settings import Settings
from core.swedish import matching_spans
from index.embedders import Embedder, create_embedder
from index.register import Record, RegisterQuery
from index.retrieve import HybridRetriever, Retrieval
from index.store import ParagraphIndex

# Access labels a caller may see; None = every document (CLI, evaluation, admin).
Labels = frozenset[str] | None


class QuestionError(ValueError):
    """A question that cannot be asked; the message is Swedish, for end users."""


class Hidden(LookupError):
    """What was asked for exists, but the caller's access labels do not show it (callers answer
    as if it were missing, and may record the refusal)."""


def visible(meta: DocumentMeta, labels: Labels) -> bool:
    return labels is None or meta.visibility in labels


class Paragraf:
    """The one way into the index for the API, the CLI and the evaluations: every read that a
    caller's access labels limit (asking, searching, listing and opening documents, paragraphs
    and register records) goes through a method here that takes those labels."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = s = settings or Settings()
        self.embedder = embedder or create_embedder(s)
        self.index = ParagraphIndex(s, self.embedder)
        self.retriever = HybridRetriever(self.index, s)
        self.answerers: dict[str, Answerer] = create_answerers(s, self.index)
        self.scorer = Scorer(self.index, s.scorer_path)
        self.threshold = (
            s.min_answer_probability if s.min_answer_probability is not None else self.scorer.threshold
        )
        self.conversations = ConversationStore(
            s.conversation_max_turns, s.conversation_max_count, s.conversation_ttl_s
        )
        self.feedback = FeedbackStore(s.feedback_path)
        self.audit = AuditLog(s.audit_path)
        llm = self.answerers.get("llm")
        self.writer: LLMWriter | None = llm.writer if isinstance(llm, LLMAnswerer) else None

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

    def documents(self, labels: Labels = None, filters: Filters | None = None) -> list[DocumentMeta]:
        """The documents the labels show (and the filters admit)."""
        return [d for d in self.index.documents() if visible(d, labels) and (filters is None or filters.admits(d))]

    def document(self, doc_id: str, labels: Labels = None) -> tuple[DocumentMeta, list[Paragraph]] | None:
        """A document and its paragraphs; None when there is no such document, `Hidden` when the
        labels do not show it."""
        found = self.index.document(doc_id) if is_doc_id(doc_id) else None
        if found is not None and not visible(found[0], labels):
            raise Hidden(doc_id)
        return found

    def paragraph(self, paragraph_id: str, labels: Labels = None) -> tuple[Paragraph, DocumentMeta] | None:
        """A paragraph and its document; None when missing, `Hidden` when the labels do not show it."""
        found = self.index.paragraph(paragraph_id)
        if found is not None and not visible(found[1], labels):
            raise Hidden(paragraph_id)
        return found

    def record(self, record_id: str, kind: str, labels: Labels = None) -> Record | None:
        """A register record of `kind`; None when missing, `Hidden` when the labels do not show
        the document it came from."""
        record = self.index.register().get(record_id) if is_record_id(record_id) else None
        meta = self.index.snapshot().documents.get(record.doc_id) if record and record.kind == kind else None
        if meta is not None and not visible(meta, labels):
            raise Hidden(record_id)
        return record if meta is not None else None

    def records(
        self, kind: str, query: RegisterQuery, labels: Labels = None, offset: int = 0, limit: int | None = None,
        newest_first: bool = False,
    ) -> tuple[int, list[Record]]:
        """How many records of `kind` ("decision", "assignment", "target") the query selects from
        the documents the labels show, and the full records of the page `offset`, `limit` (None: all)
        in document order or, with `newest_first`, by date, newest first."""
        register = self.index.register()
        rows = register.select(kind, query, self.allowed(None, labels))
        if newest_first:
            rows.sort(key=lambda r: (r.date, r.doc_id, int(r.number) if r.number.isdigit() else 0), reverse=True)
        return len(rows), register.records(rows[offset: None if limit is None else offset + limit])

    def ask(
        self, question: str, filters: Filters | None = None, conversation_id: str | None = None,
        labels: Labels = None, remember: bool = False, answerer: str | None = None,
    ) -> AskResponse:
        return self.ask_detailed(question, filters, conversation_id, labels, remember, answerer)[0]

    def check_answerer(self, answerer: str | None) -> str:
        chosen = answerer or self.settings.default_answerer
        if chosen not in self.answerers:
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
        extractive = self.answerers["extractive"]
        for scope in attempts:
            retrieval = self.retriever.retrieve(query, allowed=scope)
            t0 = time.perf_counter()
            self.scorer.rerank(question, retrieval)
            result: Answer = extractive.answer(question, retrieval, self.threshold)
            if not result.abstained:
                break
        timings = dict(retrieval.timings_ms)
        timings["answer"] = round(1000 * (time.perf_counter() - t0), 2)
        if chosen != extractive.name:  # the scope is settled; the chosen answerer writes once
            t1 = time.perf_counter()
            result = self.answerers[chosen].answer(question, retrieval, self.threshold, extractive=result)
            timings[chosen] = round(1000 * (time.perf_counter() - t1), 2)
        timings["total"] = round(1000 * (time.perf_counter() - started), 2)
        doc_ids = list(dict.fromkeys(c.doc_id for c in result.citations))
        if remember or conversation_id is not None:
            conversation_id = self.conversations.add(
                conversation_id, Turn(question, query, result.text, doc_ids)
            )
        response = AskResponse(
            question=question, answer=result.text, abstained=result.abstained, citations=result.citations,
            timings_ms=timings, conversation_id=conversation_id,
            context_question=query if query != question else None, answerer=result.answerer,
            dropped_sentences=result.dropped_sentences,
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
