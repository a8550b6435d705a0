"""The external gold set is split by document: no document feeds both halves."""

import json

from evals.external import HALVES
from evals.gold import load_questions
from evals.gold_check import SPLIT

SPLIT_DOCS = json.loads(SPLIT.read_text())


def test_halves_share_no_document():
    assert not set(SPLIT_DOCS["tune"]) & set(SPLIT_DOCS["test"])


def test_each_half_cites_only_its_own_documents_and_is_big_enough():
    for half, path in HALVES.items():
        questions = load_questions(path)
        cited = {s.doc for q in questions for s in q.supporting}
        assert cited <= set(SPLIT_DOCS[half]), half
        assert cited == set(SPLIT_DOCS[half]), f"{half}: every document has questions"
        assert sum(q.answerable for q in questions) >= 60 and sum(not q.answerable for q in questions) >= 15
