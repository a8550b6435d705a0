"""The sample gold set is well-formed and every supporting snippet exists in a parsed paragraph."""

from pathlib import Path

import pytest

from assistant.support import normalize
from core.ids import make_doc_id
from evals.gold import GoldFileError, load_questions
from ingest import parse_file
from tests.conftest import REPO, SAMPLES

GOLD = REPO / "evals" / "gold" / "sample.jsonl"


@pytest.fixture(scope="module")
def paragraphs_by_doc() -> dict[str, list[str]]:
    out = {}
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix in {".txt", ".pdf"}:
            out[path.name] = [normalize(p.text) for p in parse_file(path).paragraphs]
    return out


def test_gold_set_size_and_coverage(paragraphs_by_doc):
    questions = load_questions(GOLD)
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 80 and len(questions) - len(answerable) >= 20
    assert {q.kind for q in answerable} == {"decision", "assignment", "target", "person", "number", "date", "vote", "other"}
    assert {s.doc for q in answerable for s in q.supporting} == set(paragraphs_by_doc)


def test_every_supporting_snippet_is_in_a_paragraph_of_its_document(paragraphs_by_doc):
    missing = [
        (q.id, s.doc, s.contains)
        for q in load_questions(GOLD) for s in q.supporting
        if not any(normalize(s.contains) in p for p in paragraphs_by_doc[s.doc])
    ]
    assert missing == []


def test_question_file_errors_name_the_line(tmp_path: Path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "a", "question": "Vad?", "answerable": true}\n', encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"q\.jsonl:1"):
        load_questions(bad)
    bad.write_text('{"id": "a", "question": "Vad?", "answerable": false}\n{"id": "a", "question": "Vem?", "answerable": false}\n', encoding="utf-8")
    with pytest.raises(GoldFileError, match="duplicate id"):
        load_questions(bad)


def test_doc_names_and_ids_agree():
    assert make_doc_id("granskning_planer_program") == "granskning_planer_program"
