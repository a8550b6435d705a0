"""Read a file into pages of raw text: PDF (pypdf) or already-extracted plain text / Markdown."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest import progress

logger = logging.getLogger(__name__)

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
# A run of three or more blank lines in extracted text marks a page (or slide) break.
_TEXT_PAGE_BREAK = re.compile(r"\f|\n[ \t]*\n[ \t]*\n[ \t]*\n")


class IngestError(Exception):
    """A file that cannot be ingested. `message` is Swedish (shown to users), `detail` English."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


@dataclass
class RawDocument:
    pages: list[str]
    layout: str  # "pdf" (hard-wrapped lines, no blank lines) or "text"
    pdf_title: str = ""
    data: bytes = field(default=b"", repr=False)
    ocr: bool = False  # the text was read by OCR from page images


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_document(path: Path) -> RawDocument:
    """Read `path`; raises IngestError with a clear message for anything unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"Filtypen {suffix or '(ingen)'} stöds inte; använd PDF, .txt eller .md.",
            f"unsupported file type {suffix!r}",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError("Filen kunde inte läsas.", str(exc)) from exc
    if not data.strip():
        raise IngestError("Filen är tom.", "empty file")
    doc = _read_pdf(data) if suffix in PDF_SUFFIXES else _read_text(data)
    doc.data = data
    return doc


def _read_text(data: bytes) -> RawDocument:
    if data.startswith(b"%PDF"):
        raise IngestError(
            "Filen är en PDF men har fel filändelse; byt namn till .pdf.", "PDF with text suffix"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            "Filen är inte UTF-8-kodad text; spara om den som UTF-8.",
            f"not UTF-8 at byte {exc.start}",
        ) from exc
    if "\x00" in text:
        raise IngestError("Filen ser ut att vara binär, inte text.", "NUL bytes in text file")
    return RawDocument(pages=split_text_pages(text), layout="text")


def split_text_pages(text: str) -> list[str]:
    """Pages of already-extracted text: form feeds, or runs of three or more blank lines."""
    pages = _TEXT_PAGE_BREAK.split(text)
    while pages and not pages[-1].strip():
        pages.pop()
    return pages or [text]


def _read_pdf(data: bytes) -> RawDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError("Filen är ingen giltig PDF.", "missing %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:
                raise IngestError("PDF:en är krypterad och kan inte läsas.", str(exc)) from exc
            if not ok:
                raise IngestError("PDF:en är lösenordsskyddad.", "encrypted PDF")
        pages = []
        total = len(reader.pages)
        for number, page in enumerate(reader.pages, 1):
            pages.append(page.extract_text() or "")
            progress.report(progress.READING, number, total)
        title = ""
        try:
            meta = reader.metadata
            title = str(meta.title or "") if meta else ""
        except Exception:  # noqa: BLE001 - broken info dictionaries are common and harmless
            title = ""
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError("PDF:en är trasig och kunde inte läsas.", repr(exc)) from exc
    if not pages:
        raise IngestError("PDF:en har inga sidor.", "zero pages")
    if not any(p.strip() for p in pages):
        # A scanned PDF: read the page images with OCR (Tesseract's output keeps blank lines
        # between paragraphs, so it is structured like extracted text).
        from ingest.ocr import ocr_pdf

        pages = ocr_pdf(data)
        if not any(p.strip() for p in pages):
            raise IngestError("PDF:en saknar text, även efter OCR.", "no text after OCR")
        return RawDocument(pages=pages, layout="text", pdf_title=title.strip(), ocr=True)
    return RawDocument(pages=pages, layout="pdf", pdf_title=title.strip())
