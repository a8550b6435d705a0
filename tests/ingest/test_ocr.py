"""Scanned PDFs (no text layer) are read with Tesseract: paragraphs and page numbers kept,
documents and citations marked as OCR text."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service import Paragraf
from core.settings import Settings
from ingest import ocr
from ingest.extract import IngestError
from ingest.parse import parse_file
from ingest.pipeline import ingest_paths

DATA = Path(__file__).resolve().parents[1] / "data"
SCANNED = DATA / "scanned-hedersrelaterat-p2-3.pdf"
PAGE_1 = ["Protokoll från regionstyrelsen", "Regionstyrelsen beslutar att anta planen för kollektivtrafik."]
PAGE_2 = ["Mål för år 2025", "Utsläppen från tjänsteresor ska minska med 20 procent."]


def image_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF of page images only (no text layer), as a scanner makes."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 40)
    images = []
    for blocks in pages:
        image = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(image)
        y = 200
        for block in blocks:
            draw.text((150, y), block, font=font, fill=0)
            y += 140  # a blank line between paragraphs
        images.append(image.convert("RGB"))
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return path


@pytest.mark.slow
def test_a_scanned_pdf_is_read_with_paragraphs_and_pages(tmp_path: Path):
    parsed = parse_file(image_pdf(tmp_path / "skannad.pdf", [PAGE_1, PAGE_2]))
    assert parsed.meta.ocr and parsed.meta.pages == 2
    by_page = {p.page: [] for p in parsed.paragraphs}
    for p in parsed.paragraphs:
        by_page[p.page].append(p.text)
    assert PAGE_1[1] in by_page[1] and PAGE_2[1] in by_page[2]


@pytest.mark.slow
def test_real_scanned_report_is_searchable_and_cited_as_ocr(tmp_path: Path):
    app = Paragraf(Settings(data_dir=tmp_path / "data"))
    report = ingest_paths([SCANNED], app.index)
    assert report.count("added") == 1, report.files
    doc = app.index.documents()[0]
    assert doc.ocr and doc.pages == 2 and doc.paragraph_count >= 10
    texts = {p.page: " ".join(q.text for q in app.index.document(doc.doc_id)[1] if q.page == p.page)
             for p in app.index.document(doc.doc_id)[1]}
    assert "Sammanfattande bedömning" in texts[1] and "Granskningens utgångspunkter" in texts[2]
    answer = app.ask("Vilken nämnd har kommit längst i sitt systematiska arbete mot hedersrelaterat våld?")
    assert not answer.abstained and "utbildningsnämnden" in answer.answer
    cited = answer.citations[0]
    assert cited.ocr and cited.reference.endswith("(OCR-läst text)") and cited.quote in cited.text


def test_missing_tesseract_gives_a_clear_message(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(IngestError, match="OCR kan inte köras: installera tesseract-ocr"):
        parse_file(SCANNED)
