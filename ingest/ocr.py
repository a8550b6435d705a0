"""OCR for PDFs without a text layer: pages rendered with PDFium (pypdfium2), read by Tesseract
(Debian's tesseract-ocr + tesseract-ocr-swe) in Swedish. Paragraph breaks come from Tesseract's
blank lines; page numbers are the PDF's pages."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import time

from ingest import progress
from ingest.extract import IngestError

logger = logging.getLogger(__name__)
LANGUAGE = "swe"
DPI = 300
PAGE_TIMEOUT_S = 120


def available(language: str = LANGUAGE) -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    return language in langs.stdout.split()


def ocr_pdf(data: bytes, language: str = LANGUAGE, dpi: int = DPI) -> list[str]:
    """Text of every page, in order. Raises IngestError when OCR cannot run or fails."""
    if not available(language):
        raise IngestError(
            "PDF:en saknar textlager (skannad) och OCR kan inte köras: installera tesseract-ocr och "
            f"tesseract-ocr-{language}.",
            "tesseract or its language data missing",
        )
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError("PDF:en är trasig och kunde inte läsas.", repr(exc)) from exc
    pages = []
    started = time.perf_counter()
    try:
        for number in range(len(pdf)):
            image = pdf[number].render(scale=dpi / 72, grayscale=True).to_pil()
            png = io.BytesIO()
            image.save(png, format="PNG")
            try:
                done = subprocess.run(
                    ["tesseract", "stdin", "stdout", "-l", language, "--psm", "3", "--dpi", str(dpi)],
                    input=png.getvalue(), capture_output=True, timeout=PAGE_TIMEOUT_S,
                )
            except subprocess.TimeoutExpired as exc:
                raise IngestError(f"OCR av sidan {number + 1} tog för lång tid.", "tesseract timeout") from exc
            if done.returncode != 0:
                raise IngestError(
                    f"OCR av sidan {number + 1} misslyckades.",
                    done.stderr.decode("utf-8", "replace")[-300:],
                )
            pages.append(done.stdout.decode("utf-8", "replace"))
            progress.report(progress.OCR, number + 1, len(pdf))
    finally:
        pdf.close()
    logger.info("OCR read %d pages in %.1f s", len(pages), time.perf_counter() - started)
    return pages
