"""One batch with every kind of awkward file: each bad one is reported in Swedish and skipped,
the good ones (a 300-page PDF among them) are ingested, and what was indexed before survives."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from assistant.service import Paragraf
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS

REAL_PDF = Path(__file__).resolve().parents[2] / "samples" / "external" / "revisionsberattelse_2023.pdf"


TOPICS = "budgeten planen rapporten avtalet taxan riktlinjen programmet"
ACTIONS = "uppdrar beslutar noterar avslar remitterar"
AREAS = "skolan vården kulturen trafiken miljön bostäderna idrotten äldreomsorgen tillväxten it-stödet fastigheterna"


def text_pdf(pages: list[str]) -> bytes:
    """A small valid PDF with one line of (ASCII) text per page, written by hand."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="hemligt", owner_password="agare")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_batch_of_awkward_files(seeded_app: Paragraf, tmp_path: Path):
    before = {d.doc_id: d.paragraph_count for d in seeded_app.index.documents()}
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SEEDS / "004_f85ab3a437c3689b.txt", batch / "plan.txt")
    topics, actions, areas = TOPICS.split(), ACTIONS.split(), AREAS.split()
    huge = [
        f"Beslut nummer {n}: namnden godkanner {topics[n % 7]} och {actions[n % 5]} inom {areas[n % 11]}."
        for n in range(1, 301)
    ]
    (batch / "stor.pdf").write_bytes(text_pdf(huge))
    bad = {
        "krypterad.pdf": encrypted(REAL_PDF.read_bytes()),
        "noll.pdf": b"",
        "avkortad.pdf": REAL_PDF.read_bytes()[:5000],
        "trasig.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage",
        "pdf-med-fel-andelse.txt": REAL_PDF.read_bytes(),
        "latin1.txt": "Beslut om budgetramarna för år 2024".encode("cp1252"),
        "binar.md": b"abc\x00\x01\x02def",
        "kalkyl.xlsx": b"PK\x03\x04",
    }
    for name, data in bad.items():
        (batch / name).write_bytes(data)

    report = ingest_paths([batch], seeded_app.index)

    skipped = {Path(f.path).name: f.message for f in report.skipped}
    assert set(skipped) == set(bad), report.files
    expected = {
        "krypterad.pdf": "lösenordsskyddad", "noll.pdf": "tom", "avkortad.pdf": "PDF",
        "trasig.pdf": "PDF", "pdf-med-fel-andelse.txt": "fel filändelse", "latin1.txt": "UTF-8",
        "binar.md": "binär", "kalkyl.xlsx": "stöds inte",
    }
    for name, word in expected.items():
        assert word in skipped[name], (name, skipped[name])
    big = next(f for f in report.files if f.path.endswith("stor.pdf"))
    assert big.status == "added" and big.pages == 300 and big.paragraphs >= 300
    after = {d.doc_id: d.paragraph_count for d in seeded_app.index.documents()}
    assert all(after[d] == n for d, n in before.items())  # nothing indexed before was lost
    hit = seeded_app.search(f"Beslut nummer 217 {topics[217 % 7]} {areas[217 % 11]}").results[0]
    assert hit.paragraph.page == 217 and "217" in hit.paragraph.text
