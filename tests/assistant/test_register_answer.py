"""Answers from the register: a vote, named voters, a reservation, jäv and a § number are answered
from the record's fields; other questions and abstentions are left to the extractive answerer."""

import shutil
from pathlib import Path

import pytest

from assistant.register_answer import intent_of
from assistant.service import Paragraf
from core.models import Answer
from ingest.pipeline import ingest_paths

PROTOCOL = Path(__file__).resolve().parents[1] / "data" / "protokoll-exempelstad.txt"


@pytest.fixture
def protocol_app(app: Paragraf, tmp_path: Path) -> Paragraf:
    folder = tmp_path / "kf"
    folder.mkdir()
    shutil.copy(PROTOCOL, folder / PROTOCOL.name)
    assert ingest_paths([folder], app.index).count("added") == 1
    app.threshold = 0.0  # the fake scorer's probabilities are not calibrated; test the composition
    return app


def test_intents():
    assert intent_of("Hur gick omröstningen om cykelplanen?").vote
    assert intent_of("Vilka röstade nej till cykelplanen?").side == "nej"
    assert intent_of("Vilka avstod från att rösta?").side == "avstår"
    assert intent_of("Vem reserverade sig?").reservation
    assert intent_of("Vem var jävig i ärendet?").jav
    assert intent_of("Vad beslutades i § 41?").section == "41"
    assert not intent_of("Vad beslutade fullmäktige om cykelplanen?").any  # left to the extractive answer


def test_vote_question_quotes_the_counts_and_the_named_side(protocol_app: Paragraf):
    r = protocol_app.ask("Vilka röstade nej till cykelplanen för Exempelstad i omröstningen?")
    quotes = [c.quote for c in r.citations]
    assert any("Omröstningen utfaller med 40 Ja mot 9 Nej" in q for q in quotes)
    assert "Röstade Nej (2): Per Holm (SD), Eva Ek (SD)." in quotes
    for c in r.citations:
        assert c.quote in c.text


def test_reservation_and_jav_questions(protocol_app: Paragraf):
    r = protocol_app.ask("Vilka reserverade sig mot beslutet om cykelplanen?")
    assert [c.quote for c in r.citations] == ["Ledamöterna från SD reserverar sig mot beslutet."]
    r = protocol_app.ask("Vem var jävig när cykelplanen behandlades?")
    assert [c.quote for c in r.citations] == [
        "Karin Lund (M) deltar inte i handläggningen av ärendet på grund av jäv."]


def test_paragraph_number_question_quotes_the_decision_points(protocol_app: Paragraf):
    r = protocol_app.ask("Vad beslutade kommunfullmäktige i § 42 om parkbänkar?")
    assert [c.quote for c in r.citations] == ["Ärendet bordläggs till sammanträdet den 10 april 2025."]


def test_switched_off_it_is_never_consulted(protocol_app: Paragraf, monkeypatch):
    def boom(*_):
        raise AssertionError("register answerer consulted")

    monkeypatch.setattr(protocol_app.answerers["extractive"].register, "answer", boom)
    protocol_app.settings.register_answers = False
    r = protocol_app.ask("Vilka röstade nej till cykelplanen för Exempelstad i omröstningen?")
    assert r.citations and not r.abstained


def test_an_abstention_stays_an_abstention(protocol_app: Paragraf):
    protocol_app.threshold = 1.01  # nothing reaches the threshold
    r = protocol_app.ask("Hur gick omröstningen om cykelplanen?")
    assert r.abstained and not r.citations


def _cite(app: Paragraf, startswith: str):
    from core.citations import make_citation

    doc_id = next(iter(app.index.snapshot().documents))
    _, paragraphs = app.index.document(doc_id)
    p = next(p for p in paragraphs if startswith in p.text)
    paragraph, document = app.index.paragraph(p.paragraph_id)
    return make_citation(1, paragraph, document, paragraph.text, 0.5)


def test_an_outcome_question_gets_the_decision_of_the_quoted_paragraph(protocol_app: Paragraf):
    yrkande = _cite(protocol_app, "Anna Berg (S) yrkar bifall")
    register = protocol_app.answerers["extractive"].register
    supplemented = register.supplement(
        "Gick fullmäktige med på Per Holms yrkande om cykelplanen?",
        Answer(text="Enligt protokollet:\n- … [1]", citations=[yrkande]))
    answer, citations = supplemented.text, supplemented.citations
    assert [c.quote for c in citations[1:]] == [
        "Cykelplan för Exempelstad antas.",
        "Trafiknämnden får i uppdrag att redovisa genomförandet senast den 30 november 2026."]
    assert "Beslutet i § 41:" in answer and "[3]" in answer
    assert [c.marker for c in citations] == [1, 2, 3]
    # not for other questions, nor when the decision is already quoted
    assert register.supplement("Vem yrkade avslag?", Answer(text="x", citations=[yrkande])).citations == [yrkande]
    decision = _cite(protocol_app, "Cykelplan för Exempelstad antas")
    assert register.supplement(
        "Vad blev beslutet om cykelplanen?", Answer(text="x", citations=[decision])).citations == [decision]


def test_outcome_intent():
    assert intent_of("Gick Göteborgs fullmäktige med på SD:s förslag om en kampanj?").outcome
    assert intent_of("Vad föreslog kommunstyrelsen om motionen?").outcome
    assert not intent_of("Vem yrkade avslag på motionen?").outcome
