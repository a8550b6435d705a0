import json
from pathlib import Path

from assistant.support import EmbeddingSupport, LexicalSupport, contains_fact, normalize
from evals.gold import GoldQuestion
from evals.report import check_floors, write_outputs
from evals.runner import aggregate, run_system, score_question
from evals.systems import Cited, SystemAnswer, Unit
from tests.conftest import FakeEmbedder

Q = GoldQuestion.model_validate({
    "id": "q1", "question": "Hur mycket ska tjänsteresandet minska?", "answerable": True, "kind": "number",
    "answer_contains": ["15 procent"],
    "supporting": [{"doc": "000_ee3bcc82b85d44b3.txt", "contains": "med 15 procent"}],
})
U = GoldQuestion.model_validate({"id": "u1", "question": "Simhallen?", "answerable": False})
GOOD = Unit("000_ee3bcc82b85d44b3:p5", "000_ee3bcc82b85d44b3", "000_ee3bcc82b85d44b3.txt",
            "Minska tjänsteresandet för Region Västerbotten med 15 procent i jämförelse med år 2023")
OTHER = Unit("x:p1", "x", "x.txt", "Regionfullmäktige har beslutat att motionen anses besvarad.")


def answer(text, ranked, cited, abstained=False):
    return SystemAnswer({"answer": text, "abstained": abstained}, ranked, cited, 12.0)


def test_normalisation_makes_equal_amounts_equal():
    assert normalize("26 miljoner kronor") == normalize("26 mnkr") == "26 mnkr"
    assert normalize("15 procent") == normalize("15%") == "15 %"
    assert normalize("2 434 ton") == "2434 ton" and normalize("44 150 000") == "44150000"
    assert contains_fact("Ramen utökas med 26 mnkr.", "26 miljoner kronor")
    assert not contains_fact("Ramen utökas med 16 mnkr.", "26 miljoner kronor")


def test_lexical_support_needs_the_numbers_and_most_words():
    checker = LexicalSupport()
    assert checker.supports(GOOD.text, "tjänsteresandet ska minska med 15 procent")
    assert not checker.supports(GOOD.text, "tjänsteresandet ska minska med 25 procent")
    assert not checker.supports(OTHER.text, "tjänsteresandet ska minska")


def test_embedding_support_scores_similar_text_higher():
    checker = EmbeddingSupport(FakeEmbedder(), threshold=0.5)
    assert checker.score(GOOD.text, GOOD.text) > checker.score(GOOD.text, OTHER.text)


def test_a_correct_cited_answer_scores_full_marks():
    s = score_question(Q, answer("… med 15 procent … [1]", [GOOD, OTHER], [Cited(GOOD, "med 15 procent", GOOD.text)]), LexicalSupport())
    assert s.scores["hit@1"] == 1 and s.scores["mrr"] == 1 and s.scores["citation_recall"] == 1
    assert s.scores["citation_precision"] == 1 and s.scores["answer_correctness"] == 1
    assert s.scores["false_abstention_rate"] == 0


def test_wrong_citation_late_hit_and_missing_fact():
    s = score_question(Q, answer("Motionen besvarades [1]", [OTHER, GOOD], [Cited(OTHER, "anses besvarad", OTHER.text)]), LexicalSupport())
    assert s.scores["hit@1"] == 0 and s.scores["hit@5"] == 1 and s.scores["mrr"] == 0.5
    assert s.scores["citation_precision"] == 0 and s.scores["citation_recall"] == 0
    assert s.scores["answer_correctness"] == 0 and s.missing_facts == ["15 procent"]


def test_a_quote_that_is_not_verbatim_is_imprecise():
    s = score_question(Q, answer("15 procent [1]", [GOOD], [Cited(GOOD, "med femton procent", GOOD.text)]), LexicalSupport())
    assert s.scores["citation_precision"] == 0 and s.scores["citation_recall"] == 1


def test_abstention_scoring():
    right = score_question(U, answer("Jag hittar inget svar.", [], [], abstained=True), LexicalSupport())
    wrong = score_question(U, answer("Något [1]", [OTHER], [Cited(OTHER, "anses besvarad", OTHER.text)]), LexicalSupport())
    assert right.scores["abstention_accuracy"] == 1 and wrong.scores["abstention_accuracy"] == 0
    assert wrong.scores["citation_precision"] == 0  # a citation for a question with no answer
    false = score_question(Q, answer("Jag hittar inget svar.", [GOOD], [], abstained=True), LexicalSupport())
    assert false.scores["false_abstention_rate"] == 1 and false.scores["answer_correctness"] == 0
    agg = aggregate([right, wrong, false])
    assert agg["abstention_accuracy"] == 0.5 and agg["questions"] == 3 and agg["answerable"] == 1


class Scripted:
    name = "scripted"

    def __init__(self, outputs):
        self.outputs = iter(outputs)

    def ask(self, question):
        return next(self.outputs)


def test_reports_and_floors(tmp_path: Path):
    outputs = [answer("15 procent [1]", [GOOD], [Cited(GOOD, "med 15 procent", GOOD.text)]),
               answer("Jag hittar inget svar.", [], [], abstained=True)]
    run = run_system(Scripted(outputs), [Q, U])
    report = write_outputs([run], [Q, U], tmp_path / "r" / "results.jsonl", tmp_path / "r")
    rows = [json.loads(line) for line in (tmp_path / "r" / "results.jsonl").read_text().splitlines()]
    assert [r["question"]["id"] for r in rows] == ["q1", "u1"] and rows[0]["score"]["scores"]["hit@1"] == 1
    assert (tmp_path / "r" / "report.md").read_text().startswith("# Paragraf evaluation")
    assert (tmp_path / "r" / "per_kind.png").read_bytes()[:4] == b"\x89PNG"
    assert report["aggregate"]["scripted"]["citation_recall"] == 1
    assert check_floors(report["aggregate"]["scripted"], {"citation_recall": 0.9, "false_abstention_rate": 0.1}) == []
    assert check_floors({"hit@1": 0.5, "false_abstention_rate": 0.3}, {"hit@1": 0.6, "false_abstention_rate": 0.2}) == [
        "hit@1: 0.500 < floor 0.600", "false_abstention_rate: 0.300 > ceiling 0.200"]
