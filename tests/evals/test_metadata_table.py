"""Guessed metadata against the hand-checked table (evals/gold/metadata.jsonl) for every document
of the evaluation corpus: samples/ and ../shared/corpus-external, sidecars ignored."""

import pytest

from evals.metadata import FIELDS, FOLDERS, UNKNOWN, compare, load_table, summary, verdict

# Measured on 2026-11-23 (python -m evals.metadata). Wrong guesses may only go down; where the text
# does not state a value, "unknown" (nothing guessed) is right and any guess counts as wrong.
MOST_WRONG = {"title": 5, "organisation": 0, "body": 7, "doc_type": 1, "date": 2}
LEAST_RIGHT = {"title": 27, "organisation": 32, "body": 24, "doc_type": 30, "date": 15}


def test_verdicts():
    assert verdict("date", UNKNOWN, "") == "unknown"
    assert verdict("date", UNKNOWN, "2025-01-01") == "wrong"
    assert verdict("body", "Kommunstyrelsen", "kommunstyrelsen") == "right"
    assert verdict("title", "Protokoll Kommunfullmäktige", "Protokoll Kommunfullmäktige 2025") == "right"
    assert verdict("title", "Revisionsberättelse 2024", "Göteborgs Stad") == "wrong"


def test_the_table_covers_every_document():
    rows = load_table()
    assert len(rows) == 33
    assert all(set(FIELDS) <= set(r) for r in rows)


@pytest.mark.slow
@pytest.mark.skipif(not FOLDERS["corpus-external"].is_dir(), reason="../shared/corpus-external is absent")
def test_guesses_match_the_hand_checked_table():
    results = compare(load_table())
    assert len(results) == 33
    counts = summary(results)
    wrong = {f: [(r["file"], r["fields"][f]["guess"]) for r in results if r["fields"][f]["verdict"] == "wrong"]
             for f in FIELDS}
    for field in FIELDS:
        assert counts[field]["wrong"] <= MOST_WRONG[field], wrong[field]
        assert counts[field]["right"] >= LEAST_RIGHT[field], counts[field]
