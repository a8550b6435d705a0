"""Ingest stage entry point: one file in, one ParsedDocument (metadata + paragraphs) out."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.ids import content_hash, is_doc_id, make_doc_id, paragraph_id
from core.models import DocumentMeta, Paragraph, ParsedDocument
from ingest.clean import clean_pages
from ingest.extract import IngestError, read_document
from ingest.metadata import guess_metadata, load_sidecar
from ingest.structure import parse_structure

VISIBILITY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Part of every document's fingerprint: raise it when parsing changes what a file becomes, so the
# next ingest re-reads stored documents (unchanged paragraphs come from the embedding cache).
PARSER_VERSION = 17


def check_visibility(label: str) -> str:
    if not VISIBILITY.match(label or ""):
        raise IngestError(
            f"Ogiltig synlighetsetikett {label!r}; använd t.ex. public eller internal.",
            "visibility: lowercase letters, digits, '_' and '-', at most 40",
        )
    return label


def parse_file(path: Path, visibility: str = "public") -> ParsedDocument:
    """Read, clean and structure one document. Raises IngestError for unusable input.

    `visibility` is the access label unless the sidecar sets one."""
    path = Path(path)
    sidecar = load_sidecar(path)
    raw = read_document(path)
    lines = clean_pages(raw.pages, raw.layout)
    parsed = parse_structure(lines, raw.layout)
    if not parsed:
        raise IngestError("Dokumentet innehåller ingen läsbar text.", "no paragraphs found")

    guessed = guess_metadata(raw.pages, raw.pdf_title)
    fields = {**guessed, "visibility": visibility, **{k: v for k, v in sidecar.items() if k != "doc_id"}}
    check_visibility(fields["visibility"])
    doc_id = sidecar.get("doc_id") or make_doc_id(path.stem)
    if not is_doc_id(doc_id):
        raise IngestError(
            f"Ogiltigt dokument-id {doc_id!r} i metadatafilen.",
            "doc_id: lowercase letters, digits, '.', '_' and '-'",
        )
    meta = DocumentMeta(
        doc_id=doc_id,
        source=path.name,
        # The fingerprint covers the metadata too: a corrected sidecar or a new visibility re-ingests.
        content_hash=content_hash(
            raw.data + json.dumps({**fields, "parser": PARSER_VERSION}, sort_keys=True).encode()
        ),
        pages=len(raw.pages),
        paragraph_count=len(parsed),
        ocr=raw.ocr,
        **fields,
    )
    paragraphs = [
        Paragraph(
            paragraph_id=paragraph_id(doc_id, n),
            doc_id=doc_id,
            ordinal=n,
            page=p.page,
            section=p.section,
            kind=p.kind,
            text=p.text,
        )
        for n, p in enumerate(parsed, start=1)
    ]
    return ParsedDocument(meta=meta, paragraphs=paragraphs)
