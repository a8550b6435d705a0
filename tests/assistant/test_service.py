"""Paragraf as the one way into the index: every read a caller's labels limit takes the labels and
tells "hidden" apart from "missing" (the API answers both with the same 404); the answerers sit
behind one interface and return typed answers."""

import pytest

from assistant.answerers import ExtractiveAnswerer
from assistant.service import Hidden, Paragraf, QuestionError
from core import prompts
from core.models import Answer
from index.register import RegisterQuery
from ingest.pipeline import ingest_paths
from tests.conftest import REPO

INTERNAL = "intern-protokoll"


@pytest.fixture
def labelled(seeded_app: Paragraf, tmp_path) -> Paragraf:
    folder = tmp_path / "internal"
    folder.mkdir()
    text = (REPO / "tests" / "data" / "protokoll-exempelstad.txt").read_text(encoding="utf-8")
    (folder / f"{INTERNAL}.txt").write_text(text, encoding="utf-8")
    assert ingest_paths([folder], seeded_app.index, visibility="internal").count("added") == 1
    return seeded_app


def test_documents_and_paragraphs_follow_the_labels(labelled: Paragraf):
    public = frozenset({"public"})
    assert INTERNAL not in {d.doc_id for d in labelled.documents(public)}
    assert INTERNAL in {d.doc_id for d in labelled.documents(frozenset({"public", "internal"}))}
    assert INTERNAL in {d.doc_id for d in labelled.documents(None)}  # CLI and evaluations see all
    with pytest.raises(Hidden):
        labelled.document(INTERNAL, public)
    with pytest.raises(Hidden):
        labelled.paragraph(f"{INTERNAL}:p2", public)
    assert labelled.document("finns-inte", public) is None
    assert labelled.document("../etc", public) is None  # not a document id at all
    assert labelled.paragraph("finns-inte:p2", public) is None
    meta, paragraphs = labelled.document(INTERNAL, frozenset({"internal"}))
    assert meta.visibility == "internal" and paragraphs


def test_register_records_follow_the_labels_of_their_document(labelled: Paragraf):
    public, everyone = frozenset({"public"}), frozenset({"public", "internal"})
    total, every = labelled.records("decision", RegisterQuery(), everyone)
    hidden = [r for r in every if r.doc_id == INTERNAL]
    assert hidden, "the internal protocol has decision records"
    assert total == len(every)
    visible_total, visible = labelled.records("decision", RegisterQuery(), public)
    assert visible_total == total - len(hidden) and all(r.doc_id != INTERNAL for r in visible)
    # a page of the selection: its records in the same order as the whole list
    assert labelled.records("decision", RegisterQuery(), everyone, offset=2, limit=3) == (total, every[2:5])
    record_id = hidden[0].record_id
    with pytest.raises(Hidden):
        labelled.record(record_id, "decision", public)
    assert labelled.record(record_id, "decision", everyone) == hidden[0]
    assert labelled.record(record_id, "target", everyone) is None  # wrong kind: missing, not hidden


def test_answerers_share_one_interface_and_return_typed_answers(seeded_app: Paragraf):
    assert set(seeded_app.answerers) == {"extractive"}  # no model configured
    extractive = seeded_app.answerers["extractive"]
    assert isinstance(extractive, ExtractiveAnswerer) and extractive.name == "extractive"
    response, retrieval = seeded_app.ask_detailed("Hur mycket ska tjänsteresandet minska?")
    answer = extractive.answer(response.question, retrieval, seeded_app.threshold)
    assert isinstance(answer, Answer) and not answer.abstained
    assert (answer.text, answer.citations) == (response.answer, response.citations)
    assert extractive.answer(response.question, retrieval, 1.01) == Answer.abstention(prompts.ABSTAIN)
    with pytest.raises(QuestionError):
        seeded_app.check_answerer("llm")
