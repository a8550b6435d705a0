"""Answer stage without an LLM: quote the paragraphs the learned scorer (assistant.scorer) rates
as answering the question, and compose a short Swedish answer whose every statement is a verbatim
quote with an [n] marker. Claims from different organisations are never merged: each document
gets its own lead-in line. When no paragraph reaches the scorer's fitted threshold the answer is
the fixed abstention sentence."""

from __future__ import annotations

import re

from assistant.scorer import coverage, missing_fact, term_weights
from core import prompts
from core.citations import make_citation
from core.models import Answer, Citation, Paragraph
from core.sentences import sentence_spans
from core.settings import Settings
from index.retrieve import Hit, Retrieval
from index.store import ParagraphIndex

_LEAD_IN = re.compile(r"(följande\b.*|[:;])\s*$", re.I)
# Whole paragraphs up to this length are quoted whole; longer ones by their best sentences.
_WHOLE_PARAGRAPH_CHARS = 320


class QuoteAnswerer:
    """Verbatim quotes of the best paragraphs (no register, no model)."""

    def __init__(self, settings: Settings, index: ParagraphIndex) -> None:
        self.settings = settings
        self.index = index

    # ------------------------------------------------------------------ composing
    def _list_siblings(self, p: Paragraph, quote: str) -> list[Paragraph]:
        """The list (or table) a lead-in paragraph introduces, or the one it belongs to, in order."""
        found = self.index.document(p.doc_id)
        if not found:
            return []
        _, paragraphs = found
        if p.kind == "text" and _LEAD_IN.search(quote):
            following = paragraphs[p.ordinal :]  # ordinals are 1-based positions
            items: list[Paragraph] = []
            for other in following:
                if other.section != p.section:
                    break
                if (other.kind == "list_item" and all(i.kind == "list_item" for i in items)) or (  # a list whose bullets were lost in extraction reads as short paragraphs
                    other.kind == "text" and all(i.kind == "text" for i in items)
                    and len(items) < 3 and not _LEAD_IN.search(other.text)
                ):
                    items.append(other)
                else:
                    break
            return items
        run: list[Paragraph] = []
        for other in paragraphs:
            if other.section == p.section and other.kind == p.kind:
                run.append(other)
            elif run and p in run:
                break
            else:
                run = []
        return run if p in run else []

    def _neighbour_with_fact(self, question: str, p: Paragraph, reach: int = 2) -> Paragraph | None:
        """The nearest paragraph of the same section, at most `reach` paragraphs away, that states the
        sum/count/date/vote the question asks for (and is short enough to be that fact's line)."""
        found = self.index.document(p.doc_id)
        if not found:
            return None
        _, paragraphs = found
        i = p.ordinal - 1  # ordinals are 1-based positions
        for d in range(1, reach + 1):
            for j in (i + d, i - d):
                if 0 <= j < len(paragraphs):
                    q = paragraphs[j]
                    if q.section == p.section and len(q.text) <= _WHOLE_PARAGRAPH_CHARS and not missing_fact(question, q.text):
                        return q
        return None

    def _quote(self, weights: dict[str, float], paragraph: Paragraph) -> tuple[int, int]:
        """The span to quote: a short paragraph whole, else its best sentence (and the next one
        when the best is a fragment)."""
        text = paragraph.text
        if len(text) <= _WHOLE_PARAGRAPH_CHARS:
            return 0, len(text)
        spans = sentence_spans(text, paragraph.kind)
        if not spans:
            return 0, len(text)
        best = max(range(len(spans)), key=lambda i: (coverage(weights, text[spans[i][0]:spans[i][1]]), -i))
        start, end = spans[best]
        if end - start < 80 and best + 1 < len(spans):
            end = spans[best + 1][1]
        return start, end

    def answer(self, question: str, retrieval: Retrieval, threshold: float) -> Answer:
        """Compose from retrieval.hits, ordered by scorer probability (assistant.scorer.Scorer)."""
        s = self.settings
        hits = retrieval.hits
        if not hits or hits[0].probability < threshold:
            return Answer.abstention(prompts.ABSTAIN)
        if s.abstain_on_conflict and hits[0].conflicts:
            if set(hits[0].conflicts) != {"missing_fact"}:
                # The best evidence is about another year, another organisation or another subject.
                return Answer.abstention(prompts.ABSTAIN)
            # It does not state the sum/count/date/vote asked for: a runner-up above the threshold
            # that does (and has no conflict) answers instead; else nothing does.
            alt = next((h for h in hits[1:5] if h.probability >= threshold and not h.conflicts), None)
            if alt is None:
                # The fact often stands right next to the best paragraph ("Göteborg den 18 november
                # 2025" under a missive, the counts after a voting proposition): quote both.
                near = self._neighbour_with_fact(question, hits[0].paragraph)
                if near is None:
                    return Answer.abstention(prompts.ABSTAIN)
                weights = term_weights(self.index, question)
                start, end = self._quote(weights, hits[0].paragraph)
                return self._compose([(hits[0].paragraph, hits[0], start, end),
                                      (near, hits[0], 0, len(near.text))])
            hits = [alt, *(h for h in hits if h is not alt and not h.conflicts)]
        weights = term_weights(self.index, question)
        best = hits[0]
        chosen: list[tuple[Paragraph, Hit, int, int]] = []
        used: set[str] = set()

        def take(paragraph: Paragraph, hit: Hit, start: int, end: int) -> None:
            if paragraph.paragraph_id not in used and len(chosen) < s.max_citations:
                chosen.append((paragraph, hit, start, end))
                used.add(paragraph.paragraph_id)

        for hit in hits[: s.max_answer_paragraphs]:
            if hit is not best and (hit.probability < threshold or hit.probability < s.cite_ratio * best.probability):
                break
            start, end = self._quote(weights, hit.paragraph)
            take(hit.paragraph, hit, start, end)
            if _LEAD_IN.search(hit.paragraph.text[start:end].rstrip()):  # a lead-in is not an answer by itself
                for sib in self._list_siblings(hit.paragraph, hit.paragraph.text[start:end])[:8]:
                    take(sib, hit, 0, len(sib.text))
        return self._compose(chosen)

    def _compose(self, chosen: list[tuple[Paragraph, Hit, int, int]]) -> Answer:
        # Group by document (documents of one organisation stay together), keep first-seen order.
        order: list[str] = []
        groups: dict[str, list[tuple[Paragraph, Hit, int, int]]] = {}
        org_rank: dict[str, int] = {}
        for item in chosen:
            doc_id = item[0].doc_id
            org_rank.setdefault(item[1].document.organisation, len(org_rank))
            if doc_id not in groups:
                order.append(doc_id)
                groups[doc_id] = []
            groups[doc_id].append(item)
        order.sort(key=lambda d: org_rank[groups[d][0][1].document.organisation])

        citations: list[Citation] = []
        lines: list[str] = []
        if len(org_rank) > 1:
            lines.append(prompts.SEVERAL_ORGANISATIONS)
        for doc_id in order:
            items = sorted(groups[doc_id], key=lambda it: (it[0].ordinal, it[2]))
            document = items[0][1].document
            lines.append(
                prompts.source_header(
                    document.title, document.organisation, document.body, document.doc_type,
                    document.date,
                )
            )
            for paragraph, hit, start, end in items:
                quote = paragraph.text[start:end].strip()
                marker = len(citations) + 1
                citations.append(make_citation(marker, paragraph, document, quote, hit.score))
                lines.append(f"- {quote} [{marker}]")
        return Answer(text="\n".join(lines), citations=citations)
