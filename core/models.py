"""Typed records passed between the pipeline stages and returned by the API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

ParagraphKind = Literal["text", "list_item", "table_row"]


class DocumentMeta(BaseModel):
    """What is known about one ingested document."""

    doc_id: str
    title: str = ""
    organisation: str = ""
    body: str = Field("", description="Decision-making body, e.g. 'Regionstyrelsens arbetsutskott'.")
    doc_type: str = Field("", description="protokoll, plan, uppdragsdirektiv, sammanfattning, rapport …")
    date: str = Field("", description="Meeting or decision date, ISO yyyy-mm-dd when known.")
    diarienummer: str = ""
    source: str = Field("", description="File name the document was read from.")
    content_hash: str = ""
    pages: int = 0
    paragraph_count: int = 0
    ocr: bool = Field(False, description="True when the text was read by OCR from page images.")
    visibility: str = Field(
        "public", description="Access label; callers see a document only with this label."
    )


class Paragraph(BaseModel):
    """One citable unit: a text block, a list item or a table row."""

    paragraph_id: str
    doc_id: str
    ordinal: int = Field(ge=1)
    page: int = Field(ge=1)
    section: str = Field("", description="Section path, e.g. '§ 8 Uppdragsdirektiv … › Beslut'.")
    kind: ParagraphKind = "text"
    text: str


_PARAGRAPH_FIELDS = frozenset(Paragraph.model_fields)
_SHARED_FIELDS_SET = set(_PARAGRAPH_FIELDS)  # every field set; pydantic only ever adds to it, and copies it on copy


def paragraph_from_row(row: dict) -> Paragraph:
    """A Paragraph from a row the index itself saved (`model_dump()` of a validated one). The row
    becomes the model's `__dict__` and all instances share one fields-set: at 300k paragraphs this
    loads in 0.4 s and 25 MB, against 3.6 s and 320 MB for `model_construct`. A row with other keys
    (e.g. written by other code) is validated instead."""
    if row.keys() != _PARAGRAPH_FIELDS:
        return Paragraph.model_validate(row)
    paragraph = object.__new__(Paragraph)
    object.__setattr__(paragraph, "__dict__", row)
    object.__setattr__(paragraph, "__pydantic_fields_set__", _SHARED_FIELDS_SET)
    object.__setattr__(paragraph, "__pydantic_extra__", None)
    object.__setattr__(paragraph, "__pydantic_private__", None)
    return paragraph


class ParsedDocument(BaseModel):
    """Output of the ingest stage for one file: metadata plus paragraphs in reading order."""

    meta: DocumentMeta
    paragraphs: list[Paragraph]


class Citation(BaseModel):
    marker: int = Field(ge=1, description="The [n] marker in the answer.")
    paragraph_id: str
    doc_id: str
    title: str
    organisation: str
    body: str
    doc_type: str
    date: str
    section: str
    page: int
    paragraph: int = Field(description="Ordinal of the paragraph in its document.")
    quote: str = Field(description="The exact words used; a verbatim substring of text.")
    text: str = Field(description="The whole cited paragraph.")
    score: float
    reference: str = Field("", description="Ready-to-paste reference for the paragraph.")
    ocr: bool = Field(False, description="The cited text was read by OCR; check it against the page.")


class Filters(BaseModel):
    """Limits on which documents a question or search may use (empty = no limit)."""

    organisation: list[str] = Field(default_factory=list, description="Organisations, e.g. 'Region Västerbotten'.")
    body: list[str] = Field(default_factory=list, description="Bodies, e.g. 'Regionstyrelsens arbetsutskott'.")
    doc_type: list[str] = Field(default_factory=list, description="Document types, e.g. 'protokoll'.")
    date_from: date | None = Field(None, description="Earliest document date (inclusive).")
    date_to: date | None = Field(None, description="Latest document date (inclusive).")

    @model_validator(mode="after")
    def _range(self) -> Filters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from är senare än date_to")
        return self

    def is_empty(self) -> bool:
        return not (self.organisation or self.body or self.doc_type or self.date_from or self.date_to)

    def admits(self, meta: DocumentMeta) -> bool:
        def one_of(value: str, wanted: list[str]) -> bool:
            return not wanted or value.casefold() in {w.casefold() for w in wanted}

        if not (one_of(meta.organisation, self.organisation) and one_of(meta.body, self.body)
                and one_of(meta.doc_type, self.doc_type)):
            return False
        if self.date_from or self.date_to:
            try:
                when = date.fromisoformat(meta.date)
            except ValueError:
                return False  # an undated document cannot be shown to fall inside the range
            if (self.date_from and when < self.date_from) or (self.date_to and when > self.date_to):
                return False
        return True


class Answer(BaseModel):
    """What an answerer (`assistant.answerers.Answerer`) returns: the answer text, its citations,
    whether it is the abstention sentence, who wrote it and how many sentences the gate dropped."""

    text: str
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    answerer: Literal["extractive", "llm"] = "extractive"
    dropped_sentences: int = 0

    @classmethod
    def abstention(cls, text: str, answerer: Literal["extractive", "llm"] = "extractive") -> Answer:
        return cls(text=text, abstained=True, answerer=answerer)


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    conversation_id: str | None = Field(None, description="Send it with the next question to ask a follow-up.")
    context_question: str | None = Field(
        None, description="For a follow-up: the question as retrieval read it, with the earlier turn."
    )
    answerer: str = Field(
        "extractive", description="Who wrote the answer: 'llm' (a model, every sentence verified) or "
        "'extractive' (verbatim sentences; also the fallback when the model's answer did not hold up).",
    )
    dropped_sentences: int = Field(
        0, description="Model sentences the verification gate removed (unsupported by their citation)."
    )


class SearchHit(BaseModel):
    rank: int
    score: float
    paragraph: Paragraph
    document: DocumentMeta
    reference: str
    highlights: list[tuple[int, int]] = Field(
        default_factory=list, description="[start, end) character spans in paragraph.text matching the query."
    )


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHit]


# ---------------------------------------------------------------- decision register (issue 10)
# Every field of a register record carries the paragraph it was read from, so it can be cited.

RegisterKind = Literal["decision", "assignment", "target"]


class Evidence(BaseModel):
    """Where a register field was read: a verbatim span of one paragraph."""

    paragraph_id: str
    page: int
    quote: str = Field(description="Verbatim substring of the paragraph's text.")


class Cited(BaseModel):
    text: str
    source: Evidence


class PersonRef(BaseModel):
    name: str
    party: str = ""


class Vote(BaseModel):
    """One omröstning: counts as stated, named voters per side when a list or the § names them."""

    proposition: str = Field("", description="Godkänd voteringsproposition, when stated.")
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    absent: int | None = None
    named: dict[str, list[PersonRef]] = Field(
        default_factory=dict, description="'ja' / 'nej' / 'avstår' / 'frånvarande' -> voters."
    )
    sources: list[Evidence] = Field(default_factory=list)


class Stance(BaseModel):
    """A reservation, jäv or not taking part: who (people and/or whole party groups) and why."""

    people: list[PersonRef] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list, description="Party groups, e.g. 'Ledamöterna från SD'.")
    text: str = Field(description="The sentence stating it.")
    source: Evidence


class RecordBase(BaseModel):
    record_id: str
    kind: RegisterKind
    doc_id: str
    document_title: str = ""
    organisation: str = ""
    body: str = ""
    doc_type: str = ""
    date: str = ""
    visibility: str = "public"
    section: str = Field("", description="The § or section the record was read from.")
    reference: str = Field("", description="Ready-to-paste reference to the section.")
    partial: bool = Field(False, description="Some expected part was not found; see problems.")
    problems: list[str] = Field(default_factory=list)
    paragraph_ids: list[str] = Field(default_factory=list, description="Every paragraph the record used.")


class DecisionRecord(RecordBase):
    """One § of a protocol."""

    kind: RegisterKind = "decision"
    number: str = Field("", description="The § number.")
    title: str = ""
    case_number: str = ""
    decision_points: list[Cited] = Field(default_factory=list)
    adopted: Cited | None = Field(None, description="Whose proposal was adopted.")
    motions: list[Cited] = Field(default_factory=list, description="Yrkanden.")
    votes: list[Vote] = Field(default_factory=list)
    reservations: list[Stance] = Field(default_factory=list)
    jav: list[Stance] = Field(default_factory=list)
    not_participating: list[Stance] = Field(default_factory=list)
    notes: list[Cited] = Field(default_factory=list, description="Protokollsanteckningar.")
    deferred: Literal["återremiss", "bordläggning"] | None = None
    deferred_source: Evidence | None = None


class Deadline(BaseModel):
    date: str = Field(description="ISO date, or yyyy-mm / yyyy when only that is stated.")
    source: Evidence


class AssignmentRecord(RecordBase):
    """One uppdrag: who gives it to whom, what, by when, with how much money."""

    kind: RegisterKind = "assignment"
    giver: str = ""
    receiver: str = ""
    task: Cited
    deadlines: list[Deadline] = Field(default_factory=list)
    money: list[Cited] = Field(default_factory=list)
    status: Cited | None = None


class TargetRecord(RecordBase):
    """One target: goal, indicator, baseline/outcome and target value with their years."""

    kind: RegisterKind = "target"
    goal: str = ""
    indicator: str = ""
    baseline: str = ""
    baseline_year: str = ""
    target: str = ""
    target_year: str = ""
    outcome: str = ""
    outcome_year: str = ""
    fulfilment: str = ""
    source: Evidence
