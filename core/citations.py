"""The one place that turns a cited paragraph into a Citation (ids come from core.ids)."""

from __future__ import annotations

from core.ids import reference
from core.models import Citation, DocumentMeta, Paragraph


class QuoteError(ValueError):
    """A quote that is not a verbatim part of its paragraph: never cite it."""


def make_citation(
    marker: int, paragraph: Paragraph, document: DocumentMeta, quote: str, score: float
) -> Citation:
    if not quote or quote not in paragraph.text:
        raise QuoteError(f"quote is not verbatim in {paragraph.paragraph_id}: {quote!r}")
    return Citation(
        marker=marker,
        paragraph_id=paragraph.paragraph_id,
        doc_id=document.doc_id,
        title=document.title,
        organisation=document.organisation,
        body=document.body,
        doc_type=document.doc_type,
        date=document.date,
        section=paragraph.section,
        page=paragraph.page,
        paragraph=paragraph.ordinal,
        quote=quote,
        text=paragraph.text,
        score=round(float(score), 4),
        reference=paragraph_reference(paragraph, document),
        ocr=document.ocr,
    )


def paragraph_reference(paragraph: Paragraph, document: DocumentMeta) -> str:
    """The paste-ready reference of one paragraph (see core.ids.reference)."""
    text = reference(
        body=document.body, organisation=document.organisation, doc_type=document.doc_type,
        date=document.date, section=paragraph.section, page=paragraph.page, title=document.title,
    )
    return f"{text} (OCR-läst text)" if document.ocr else text
