"""Answer stage without an LLM: pick the sentences that answer the question from the best
paragraphs, and compose a short Swedish answer whose every statement is a verbatim quote with an
[n] marker. Claims from different organisations are never merged: each document gets its own
lead-in line. Weak evidence gives the fixed abstention sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import prompts
from assistant.citations import make_citation
from assistant.models import Citation, Paragraph
from assistant.settings import Settings
from index.lexical import QUESTION_FRAME, content_words, grams, stem
from index.retrieve import Hit, Retrieval
from index.store import ParagraphIndex

_ABBREVIATIONS = {
    "t.ex", "bl.a", "m.m", "d.v.s", "dvs", "s.k", "ca", "nr", "kap", "org.nr", "resp", "jfr",
    "st", "kl", "tel", "mnkr", "mkr", "tkr", "fr.o.m", "t.o.m", "p.g.a", "pga", "enl", "ang", "f.d",
}
_NUMBER_Q = re.compile(r"\b(hur (mycket|många|stor|stora|hög|höga|långt)|målvärde|procent|belopp|"
                       r"kostnad|budget|vilket mål|vilken nivå|hur mycket pengar|antal)\b", re.I)
_DATE_Q = re.compile(r"\b(när|datum|senast|deadline|tidplan|vilket år|vilken dag)\b", re.I)
_PERSON_Q = re.compile(r"\b(vem|vilka personer|vilka ledamöter|avstod|avstår|reserver\w*|deltog ej|"
                       r"deltar ej|ordförande|yrkade|föreslog)\b", re.I)
_DECISION_Q = re.compile(r"\b(beslut\w*|besked|vad blev|hur gick|föreslog|föreslår|utfall\w*)\b", re.I)
_HAS_DECISION = re.compile(
    r"\b(beslut(ar|ade|at)|avslå(s|r)?|bifall(s|er)|anses besvarad|återremitter\w*|bordläggs|"
    r"antas|godkänns|tillstyrk\w*|avstyrk\w*|beviljas|antecknas)\b", re.I)
_LIST_Q = re.compile(r"\b(vilka|lista|vad för|vilket uppdrag|uppdragen)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WHEN_Q = re.compile(r"\b(när|vilket datum|vilken dag|vilket år)\b", re.I)
_LEAD_IN = re.compile(r"(följande\b.*|[:;])\s*$", re.I)
_HAS_NUMBER = re.compile(r"\d")
_HAS_DATE = re.compile(r"\b(19|20)\d\d\b|\b(januari|februari|mars|april|maj|juni|juli|augusti|"
                       r"september|oktober|november|december)\b", re.I)
_HAS_PERSON = re.compile(r"\([A-ZÅÄÖ]{1,3}\)|\b[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+\b")


@dataclass
class Candidate:
    hit: Hit
    start: int
    end: int
    coverage: float
    score: float

    @property
    def quote(self) -> str:
        return self.hit.paragraph.text[self.start : self.end]


def sentence_spans(text: str, kind: str = "text") -> list[tuple[int, int]]:
    """Character spans of the sentences in `text` (whole text for list items and table rows)."""
    if kind != "text":
        return [(0, len(text))]
    spans, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+[A-ZÅÄÖ0-9§\"”(])", text):
        before = re.search(r"([\w.]+)$", text[start : m.start()])
        word = before.group(1).lower() if before else ""
        if word in _ABBREVIATIONS or len(word) == 1:
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _same_claim(a: str, b: str) -> bool:
    """Two quotes state the same thing: most content words and every number of the shorter one
    occur in the other."""
    wa, wb = set(content_words(a)), set(content_words(b))
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return bool(short) and len(short & long_) >= 0.8 * len(short) and all(
        w in long_ for w in short if w[0].isdigit()
    )


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, index: ParagraphIndex) -> None:
        self.settings = settings
        self.index = index

    # ------------------------------------------------------------------ scoring
    def _term_weights(self, question: str) -> dict[str, float]:
        bm25 = self.index.snapshot().lexical.stems
        terms = {stem(w) for w in content_words(question) if w not in QUESTION_FRAME}
        return {t: max(bm25.idf(t), 0.1) for t in terms}

    @staticmethod
    def _matches(term: str, stems: set[str], gram_set: set[str]) -> bool:
        if term in stems:
            return True
        if len(term) >= 5 and any(
            (s.startswith(term) or term.startswith(s)) and len(s) >= 5 for s in stems
        ):
            return True
        if len(term) >= 6:
            tg = {term[i : i + 4] for i in range(len(term) - 3)}
            return len(tg & gram_set) >= 0.7 * len(tg)
        return False

    def _covered_terms(self, weights: dict[str, float], text: str) -> set[str]:
        t_stems = {stem(w) for w in content_words(text)}
        t_grams = set(grams(text))
        return {term for term in weights if self._matches(term, t_stems, t_grams)}

    def _coverage(self, weights: dict[str, float], text: str, context: str) -> float:
        total = sum(weights.values())
        if not total:
            return 0.0
        t_stems = {stem(w) for w in content_words(text)}
        c_stems = {stem(w) for w in content_words(context)}
        t_grams, c_grams = set(grams(text)), set(grams(context))
        got = 0.0
        for term, w in weights.items():
            if self._matches(term, t_stems, t_grams):
                got += w
            elif self._matches(term, c_stems, c_grams):
                got += 0.6 * w
        return got / total

    def _candidates(self, question: str, hits: list[Hit], weights: dict[str, float]) -> list[Candidate]:
        if not hits:
            return []
        best_fused = hits[0].score
        wants_number = bool(_NUMBER_Q.search(question))
        wants_date = bool(_DATE_Q.search(question))
        wants_person = bool(_PERSON_Q.search(question))
        wants_list = bool(_LIST_Q.search(question))
        wants_decision = bool(_DECISION_Q.search(question))
        out = []
        for hit in hits:
            p = hit.paragraph
            context = f"{hit.document.title} {p.section}"
            for start, end in sentence_spans(p.text, p.kind):
                sentence = p.text[start:end]
                coverage = self._coverage(weights, sentence, context)
                score = coverage + 0.3 * hit.score / best_fused
                if wants_number and _HAS_NUMBER.search(sentence):
                    score += 0.15
                if wants_date and _HAS_DATE.search(sentence):
                    score += 0.15
                if wants_person and _HAS_PERSON.search(sentence):
                    score += 0.15
                if wants_list and _LEAD_IN.search(sentence):
                    score += 0.15
                if wants_decision and _HAS_DECISION.search(sentence):
                    score += 0.15
                out.append(Candidate(hit, start, end, coverage, score))
        out.sort(key=lambda c: -c.score)
        return out

    # ------------------------------------------------------------------ composing
    def _list_siblings(self, best: Candidate) -> list[Paragraph]:
        """The whole list (or table) the best paragraph belongs to or introduces, in order."""
        found = self.index.document(best.hit.paragraph.doc_id)
        if not found:
            return []
        _, paragraphs = found
        p = best.hit.paragraph
        if p.kind == "text" and _LEAD_IN.search(best.quote):
            following = paragraphs[p.ordinal :]  # ordinals are 1-based positions
            items: list[Paragraph] = []
            for other in following:
                if other.section != p.section:
                    break
                if other.kind == "list_item" and all(i.kind == "list_item" for i in items):
                    items.append(other)
                elif (  # a list whose bullets were lost in extraction reads as short paragraphs
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

    @staticmethod
    def _meets_constraints(question: str, best: Candidate) -> bool:
        """The evidence must carry what the question pins down: a year it names (in the sentence,
        its section or its document), and a date when it asks 'när'/'vilket datum'."""
        doc = best.hit.document
        context = f"{best.quote} {best.hit.paragraph.section} {doc.title} {doc.date}"
        for year in _YEAR.findall(question):
            if year not in context:
                return False
        if _WHEN_Q.search(question) and not _HAS_DATE.search(best.quote):
            return False
        return True

    def answer(self, question: str, retrieval: Retrieval) -> tuple[str, list[Citation], bool]:
        hits = retrieval.hits
        s = self.settings
        weights = self._term_weights(question)
        candidates = self._candidates(question, hits, weights)
        best_dense = max((h.dense for h in hits), default=0.0)
        if retrieval.unknown_organisations and not retrieval.organisations:
            return prompts.ABSTAIN, [], True  # never answer for one organisation from another's papers
        if (
            not candidates
            or candidates[0].coverage < s.min_term_coverage
            or best_dense < s.min_dense_similarity
        ):
            return prompts.ABSTAIN, [], True

        best = candidates[0]
        if not self._meets_constraints(question, best):
            return prompts.ABSTAIN, [], True
        chosen: list[tuple[Paragraph, Hit, int, int]] = []
        used: set[str] = set()

        def take(paragraph: Paragraph, hit: Hit, start: int, end: int) -> None:
            if paragraph.paragraph_id not in used and len(chosen) < s.max_citations:
                chosen.append((paragraph, hit, start, end))
                used.add(paragraph.paragraph_id)

        if _LIST_Q.search(question):
            # Up to two lists (from different documents) whose evidence is close to the best.
            listed_docs: list[str] = []
            for cand in candidates:
                if len(listed_docs) == 2 or cand.score < 0.85 * best.score:
                    break
                doc_id = cand.hit.paragraph.doc_id
                if doc_id in listed_docs or cand.coverage < s.min_term_coverage:
                    continue
                siblings = self._list_siblings(cand)
                if not siblings and cand is not best:
                    continue
                listed_docs.append(doc_id)
                take(cand.hit.paragraph, cand.hit, cand.start, cand.end)
                for sib in siblings[: s.max_citations // 2 - 1]:
                    take(sib, cand.hit, 0, len(sib.text))
        else:
            take(best.hit.paragraph, best.hit, best.start, best.end)
            if best.quote.rstrip().endswith(":"):  # a lead-in is not an answer by itself
                for sib in self._list_siblings(best)[:5]:
                    take(sib, best.hit, 0, len(sib.text))
            # Further statements only when they answer a part of the question not yet covered.
            # One corroborating source: the same statement in another document.
            covered = self._covered_terms(weights, best.quote)
            corroborated = False
            for cand in candidates[1:]:
                if len(chosen) >= 3 or cand.score < 0.8 * best.score:
                    break
                if cand.coverage < s.min_term_coverage:
                    continue
                new_terms = self._covered_terms(weights, cand.quote) - covered
                same_claim = _same_claim(best.quote, cand.quote)
                if new_terms or (same_claim and not corroborated and cand.hit.paragraph.doc_id != best.hit.paragraph.doc_id):
                    take(cand.hit.paragraph, cand.hit, cand.start, cand.end)
                    covered |= new_terms
                    corroborated = corroborated or same_claim
        return self._compose(chosen)

    def _compose(self, chosen: list[tuple[Paragraph, Hit, int, int]]) -> tuple[str, list[Citation], bool]:
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
        return "\n".join(lines), citations, False
