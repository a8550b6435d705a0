"""Answers from the decision register: how a vote went, who voted how, who reserved themselves, who
was jävig, what was decided in a §, when an assignment is due.

Runs after the learned scorer and only where the extractive answerer would answer (same threshold,
same conflict refusals), so it never turns an abstention into an answer. When the question asks for
one of those facts and the best paragraph belongs to a register record that states it, the answer
quotes the record's fields (each a verbatim span of the paragraph it came from) instead of the
paragraphs that merely resemble the question. Anything else falls through to the extractive answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core import prompts
from core.citations import make_citation
from core.models import Answer, AssignmentRecord, Citation, DecisionRecord, Evidence, Stance
from core.settings import Settings
from index.register import Record
from index.retrieve import Retrieval
from index.store import ParagraphIndex

_VOTE = re.compile(r"\b(omröstning\w*|voter\w*|röst(?:ade|ar|erna|er|ning)?\b|ja-röst\w*|nej-röst\w*|siffror)", re.I)
_NAMED_SIDE = re.compile(r"\b(vilka|vem|vilken|hur)\b[^?]*\b(röstade|röstar)\s+(ja|nej)\b|\b(avstod|avstår)\b", re.I)
_RESERVATION = re.compile(r"\breserv\w*", re.I)
_JAV = re.compile(r"\bjäv\w*|\bdeltog inte\b|\bdeltar inte\b|\binte (?:att )?delta\b|\bavstod från att delta\b", re.I)
_COUNTS = re.compile(r"\d+\s+Ja\b|Ja \(\d+\)|Antal Ja|\d+ ja-röster|\d+ röster mot", re.I)
_DECISION = re.compile(r"\bbeslut\w*\b|\bbestämde\b|\bvad blev\b", re.I)
# asks how a matter ended or what was proposed: "Gick fullmäktige med på …", "Vad föreslog KS om …"
_OUTCOME = re.compile(
    r"\b(?:beslut\w*|bestämde|vad blev|gick\b[^?]{0,80}\bmed på|bifölls?|avslogs?|antogs?|godkändes?|"
    r"fastställdes?|föreslog|förslag\w*|sa (?:ja|nej) till|ställde sig bakom)\b", re.I)
_SECTION = re.compile(r"§\s*(\d{1,4})")
_DEADLINE = re.compile(r"\b(när|senast|deadline|tidpunkt|vilket datum)\b", re.I)


@dataclass
class Intent:
    vote: bool
    side: str  # "ja" / "nej" / "avstår" when the question asks who voted that way
    reservation: bool
    jav: bool
    decision: bool
    section: str
    deadline: bool
    outcome: bool = False

    @property
    def any(self) -> bool:
        # "beslut" alone is in most questions: a decision is answered from the record only when the
        # question names its § (otherwise the extractive answer quotes the best decision paragraph).
        return self.vote or self.reservation or self.jav or bool(self.section) or self.deadline


def intent_of(question: str) -> Intent:
    side = _NAMED_SIDE.search(question)
    side_name = ""
    if side:
        side_name = (side.group(3) or "avstår").lower()
        side_name = "avstår" if side_name.startswith("avst") else side_name
    section = _SECTION.search(question)
    return Intent(
        vote=bool(_VOTE.search(question)), side=side_name, reservation=bool(_RESERVATION.search(question)),
        jav=bool(_JAV.search(question)), decision=bool(_DECISION.search(question)),
        section=section.group(1) if section else "", deadline=bool(_DEADLINE.search(question)),
        outcome=bool(_OUTCOME.search(question)),
    )


def _about(stances: list[Stance], question: str) -> list[Stance]:
    """The stances of the people the question names (by surname), or all when it names none of them."""
    words = set(re.findall(r"\w+", question.casefold()))
    named = [s for s in stances if any(p.name.split()[-1].casefold() in words for p in s.people)]
    return named or stances


def decision_evidence(record: DecisionRecord, intent: Intent, question: str = "") -> list[Evidence]:
    """The fields of a decision record that answer the question, in reading order of importance."""
    out: list[Evidence] = []
    if intent.vote or intent.side:
        for vote in record.votes:
            # the sentence with the counts, the vote list's summary, the names on the side asked about
            counted = [s for s in vote.sources if _COUNTS.search(s.quote) and not s.quote.startswith("Röstade ")]
            out += counted[:2] or vote.sources[:1]
            if intent.side:
                out += [s for s in vote.sources if s.quote.lower().startswith(f"röstade {intent.side}")]
    if intent.reservation:
        out += [r.source for r in _about(record.reservations, question)]
    if intent.jav:
        out += [j.source for j in _about([*record.jav, *record.not_participating], question)]
    if not out and intent.section:
        out += [p.source for p in record.decision_points]
    return out


def assignment_evidence(record: AssignmentRecord, intent: Intent) -> list[Evidence]:
    if not intent.deadline or not record.deadlines:
        return []
    return [record.task.source, *(d.source for d in record.deadlines)]


class RegisterAnswerer:
    def __init__(self, settings: Settings, index: ParagraphIndex) -> None:
        self.settings = settings
        self.index = index

    def answer(self, question: str, retrieval: Retrieval, threshold: float) -> Answer | None:
        """An answer from a register record, or None (then the extractive answerer answers)."""
        hits = retrieval.hits
        if not hits or hits[0].probability < threshold:
            return None
        # A missing fact does not block: the record may state it (the vote counts of the § whose
        # yrkande paragraph ranked first); other conflicts do.
        if self.settings.abstain_on_conflict and set(hits[0].conflicts) - {"missing_fact"}:
            return None
        intent = intent_of(question)
        if not intent.any:
            return None
        register = self.index.register()
        best = hits[0]
        evidence: list[Evidence] = []
        record: Record | None = None
        if intent.section:  # "§ 273": the record with that number in the best-ranked documents
            for hit in hits[:5]:
                record = register.decision_for(hit.paragraph.doc_id, intent.section)
                if record:
                    break
        record = record or register.record_for_paragraph(best.paragraph.paragraph_id)
        if isinstance(record, DecisionRecord):
            evidence = decision_evidence(record, intent, question)
        elif isinstance(record, AssignmentRecord):
            evidence = assignment_evidence(record, intent)
        if not evidence:
            return None
        return self._compose(evidence[: self.settings.max_citations], best.score)

    def supplement(self, question: str, answer: Answer) -> Answer:
        """Add the decision of the § an answer quotes when the question asks how a matter ended
        ("Gick fullmäktige med på …", "Vad föreslog kommunstyrelsen …") and the answer quotes
        other paragraphs of that § (the vote list, the yrkanden) but not its decision."""
        citations = answer.citations
        if answer.abstained or not citations or not intent_of(question).outcome:
            return answer
        record = self.index.register().record_for_paragraph(citations[0].paragraph_id)
        if not isinstance(record, DecisionRecord) or not record.decision_points:
            return answer
        cited = {c.paragraph_id for c in citations}
        if any(point.source.paragraph_id in cited for point in record.decision_points):
            return answer
        lines, added = [answer.text, prompts.decision_header(record.number)], list(citations)
        for point in record.decision_points[:2]:
            found = self.index.paragraph(point.source.paragraph_id)
            if found is None or point.source.quote not in found[0].text:
                continue
            paragraph, document = found
            marker = len(added) + 1
            added.append(make_citation(marker, paragraph, document, point.source.quote, citations[0].score))
            lines.append(f"- {point.source.quote} [{marker}]")
        if len(added) == len(citations):
            return answer
        return answer.model_copy(update={"text": "\n".join(lines), "citations": added})

    def _compose(self, evidence: list[Evidence], score: float) -> Answer | None:
        citations: list[Citation] = []
        lines: list[str] = []
        seen: set[tuple[str, str]] = set()
        for ev in evidence:
            if (ev.paragraph_id, ev.quote) in seen:
                continue
            seen.add((ev.paragraph_id, ev.quote))
            found = self.index.paragraph(ev.paragraph_id)
            if found is None or ev.quote not in found[0].text:
                continue
            paragraph, document = found
            if not lines:
                lines.append(prompts.source_header(
                    document.title, document.organisation, document.body, document.doc_type, document.date))
            marker = len(citations) + 1
            citations.append(make_citation(marker, paragraph, document, ev.quote, score))
            lines.append(f"- {ev.quote} [{marker}]")
        if not citations:  # no quote of the record is in its paragraph: the free-text answerer answers
            return None
        return Answer(text="\n".join(lines), citations=citations)
