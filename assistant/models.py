"""Typed records passed between the pipeline stages and returned by the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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
    ocr: bool = False


class Paragraph(BaseModel):
    """One citable unit: a text block, a list item or a table row."""

    paragraph_id: str
    doc_id: str
    ordinal: int = Field(ge=1)
    page: int = Field(ge=1)
    section: str = Field("", description="Section path, e.g. '§ 8 Uppdragsdirektiv … › Beslut'.")
    kind: ParagraphKind = "text"
    text: str


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


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
