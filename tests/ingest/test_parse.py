import json
import shutil
from pathlib import Path

import pytest

from ingest import IngestError, parse_file
from ingest.extract import read_document
from ingest.metadata import guess_date, guess_metadata
from tests.conftest import SAMPLES, SEEDS

PDF = SAMPLES / "external" / "granskning_planer_program.pdf"


def test_pdf_pages_and_paragraph_ids_are_stable():
    first, second = parse_file(PDF), parse_file(PDF)
    assert first.meta.pages == 4
    assert [p.paragraph_id for p in first.paragraphs] == [p.paragraph_id for p in second.paragraphs]
    assert first.paragraphs[0].paragraph_id == "granskning_planer_program:p1"
    assert {p.page for p in first.paragraphs} == {1, 2, 3, 4}
    # page furniture ("Stadsrevisionen, Styrning genom planer och program 2 (4)") is gone
    assert not any("2 (4)" in p.text for p in first.paragraphs)
    # hyphenated line ends are joined: "be-\\nreda" -> "bereda"
    assert any("för att bereda, stödja implementering" in p.text for p in first.paragraphs)


def test_seed_metadata_is_guessed_from_text(tmp_path: Path):
    # Without the sidecar, the guesses come from the text alone.
    src = SEEDS / "000_ee3bcc82b85d44b3.txt"
    shutil.copy(src, tmp_path / src.name)
    meta = parse_file(tmp_path / src.name).meta
    assert meta.organisation == "Region Västerbotten"
    assert meta.body == "Regionstyrelsens arbetsutskott"
    assert meta.doc_type == "protokoll"
    assert meta.date == "2024-01-23"
    assert meta.diarienummer == "RS 68-2024"


def test_norrbotten_plan_guesses():
    meta = guess_metadata([(SEEDS / "004_f85ab3a437c3689b.txt").read_text()])
    assert meta["organisation"] == "Region Norrbotten"
    assert meta["doc_type"] == "plan"
    assert meta["diarienummer"] == "01346-2021"


def test_sidecar_overrides_guesses(tmp_path: Path):
    doc = tmp_path / "protokoll.txt"
    doc.write_text("§ 3 Budget\n\nBeslut\n\nRegionfullmäktige beslutar att anta budgeten.\n", encoding="utf-8")
    (tmp_path / "protokoll.txt.meta.json").write_text(
        json.dumps({"doc_id": "rf-2024-03", "organisation": "Region Testland", "date": "2024-03-01"}),
        encoding="utf-8",
    )
    parsed = parse_file(doc)
    assert parsed.meta.doc_id == "rf-2024-03"
    assert parsed.meta.organisation == "Region Testland"
    assert parsed.paragraphs[0].paragraph_id == "rf-2024-03:p1"


def test_bad_sidecar_is_a_clear_error(tmp_path: Path):
    doc = tmp_path / "a.txt"
    doc.write_text("Text.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"colour": "red"}', encoding="utf-8")
    with pytest.raises(IngestError, match="Okända fält"):
        parse_file(doc)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage", "PDF"),
        ("fake.pdf", b"this is not a pdf at all", "ingen giltig PDF"),
        ("empty.txt", b"", "tom"),
        ("latin1.txt", "Beslut om budgetramarna för år 2024 i nämnden".encode("cp1252") + b"\xe5\xe4", "UTF-8"),
        ("notes.docx", b"PK\x03\x04", "stöds inte"),
        ("renamed.txt", b"%PDF-1.4 ...", "fel filändelse"),
    ],
)
def test_bad_files_raise_clear_swedish_errors(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        parse_file(path)


def test_truncated_real_pdf_is_reported(tmp_path: Path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(PDF.read_bytes()[:4000])
    with pytest.raises(IngestError):
        parse_file(path)


def test_text_pages_split_on_blank_line_runs():
    raw = read_document(SEEDS / "000_ee3bcc82b85d44b3.txt")
    assert len(raw.pages) == 2 and raw.layout == "text"


def test_guess_date_prefers_meeting_date():
    text = "Beslutet fattades den 22 november 2023.\nProtokoll\nSammanträdesdatum\nRS 2024-01-23"
    assert guess_date(text, text) == "2024-01-23"
    assert guess_date("Göteborg den 9 april 2024", "Göteborg den 9 april 2024") == "2024-04-09"


def test_a_protocol_header_in_another_layout_names_municipality_and_body():
    meta = guess_metadata(["Ekby kommun\nKommunstyrelsen\nPROTOKOLL\nSammanträdesdatum 2025-03-12\n\n"
                           "§ 45 Dnr KS 2025/112\nMedborgarbudget\n\nBeslut\nKommunstyrelsen beslutar att anta förslaget.\n"])
    assert (meta["title"], meta["organisation"], meta["body"], meta["date"]) == (
        "Protokoll Kommunstyrelsen", "Ekby kommun", "Kommunstyrelsen", "2025-03-12")
    # a determiner is not a municipality's name
    assert guess_metadata(["Denna kommun har en plan.\nVarje kommun ska …\n"])["organisation"] == ""
