"""The issue-9 mechanism with the real model and the bundled scorer: a paraphrase that shares
few words with the decision is answered; a question about something no document mentions is not."""

import pytest

from assistant.service import Paragraf
from core.settings import Settings
from ingest.pipeline import ingest_paths

pytestmark = pytest.mark.slow

DECISION = "Krisledningsnämnden beslutar att köpa skyddsutrustning från leverantören Zebrafink AB för 48 miljoner kronor."


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory) -> Paragraf:
    folder = tmp_path_factory.mktemp("zebra")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "krisledning.txt").write_text(
        f"Protokoll Krisledningsnämnden\n\n§ 4 Inköp av skyddsutrustning\n\nBeslut\n\n{DECISION}\n", encoding="utf-8")
    (docs / "kultur.txt").write_text(
        "Protokoll Kulturnämnden\n\n§ 9 Bibliotekens öppettider\n\nBeslut\n\nKulturnämnden beslutar att "
        "stadsbiblioteket ska ha öppet till klockan 20 på vardagar från och med hösten.\n", encoding="utf-8")
    app = Paragraf(Settings(data_dir=folder / "data", refresh_interval_s=0.0))
    ingest_paths([docs], app.index)
    return app


@pytest.mark.parametrize("question, fact", [
    ("Vem levererar skyddsutrustning till krisledningsnämnden?", "Zebrafink AB"),
    ("Hur mycket kostar skyddsutrustningen?", "48 miljoner kronor"),
    ("När har biblioteket öppet?", "klockan 20"),
])
def test_paraphrases_are_answered_with_the_deciding_paragraph(two_documents, question, fact):
    response = two_documents.ask(question)
    assert not response.abstained, question
    assert fact in response.answer and fact in response.citations[0].quote


@pytest.mark.parametrize("question", [
    "Vad kostar den nya simhallen i Umeå?",
    "Hur mycket kostade skyddsutrustningen 2019?",
])
def test_questions_about_something_else_are_refused(two_documents, question):
    response = two_documents.ask(question)
    assert response.abstained and response.citations == [], question
