"""Ingest stage entry point: one file in, one ParsedDocument (metadata + paragraphs) out."""

from __future__ import annotations

from pathlib import Path

from assistant.ids import content_hash, is_doc_id, make_doc_id, paragraph_id
from assistant.models import DocumentMeta, Paragraph, ParsedDocument
from ingest.clean import clean_pages
from ingest.extract import IngestError, read_document
from ingest.metadata import guess_metadata, load_sidecar
from ingest.structure import parse_structure


def parse_file(path: Path) -> ParsedDocument:
    """Read, clean and structure one document. Raises IngestError for unusable input."""
    path = Path(path)
    sidecar = load_sidecar(path)
    raw = read_document(path)
    lines = clean_pages(raw.pages, raw.layout)
    parsed = parse_structure(lines, raw.layout)
    if not parsed:
        raise IngestError("Dokumentet innehåller ingen läsbar text.", "no paragraphs found")

    guessed = guess_metadata(raw.pages, raw.pdf_title)
    fields = {**guessed, **{k: v for k, v in sidecar.items() if k != "doc_id"}}
    doc_id = sidecar.get("doc_id") or make_doc_id(path.stem)
    if not is_doc_id(doc_id):
        raise IngestError(
            f"Ogiltigt dokument-id {doc_id!r} i metadatafilen.",
            "doc_id: lowercase letters, digits, '.', '_' and '-'",
        )
    meta = DocumentMeta(
        doc_id=doc_id,
        source=path.name,
        content_hash=content_hash(raw.data),
        pages=len(raw.pages),
        paragraph_count=len(parsed),
        **fields,
    )
    paragraphs = [
        Paragraph(
            paragraph_id=paragraph_id(doc_id, n),
            doc_id=doc_id,
            ordinal=n,
            page=p.page,
            section=p.section,
            kind=p.kind,  # type: ignore[arg-type]
            text=p.text,
        )
        for n, p in enumerate(parsed, start=1)
    ]
    return ParsedDocument(meta=meta, paragraphs=paragraphs)
