"""The register against its hand labels: labels are split by document, and the test half stays above its floors."""

import json

from evals.gold_check import SPLIT
from evals.register import CORPORA, GOLD, evaluate_split, main

SPLIT_DOCS = json.loads(SPLIT.read_text())


def test_label_halves_follow_the_document_split():
    for half in ("tune", "test"):
        docs = {json.loads(line)["document"] for kind in ("decisions", "assignments", "targets")
                for line in (GOLD / f"register-{kind}-{half}.jsonl").open(encoding="utf-8") if line.strip()}
        other = SPLIT_DOCS["test" if half == "tune" else "tune"]
        assert docs and not docs & set(other), half


def test_at_least_80_protocol_paragraphs_are_labelled():
    n = sum(1 for half in ("tune", "test") for line in (GOLD / f"register-decisions-{half}.jsonl").open() if line.strip())
    assert n >= 80


def test_scores_are_computed_against_real_extraction():
    tune = evaluate_split("tune", CORPORA)
    votes = tune["fields"]["votes"]
    assert votes["gold"] >= 20 and votes["predicted"] >= 20  # the labelled § were found and read
    assert 0.0 < tune["fields"]["decision_points"]["f1"] <= 1.0


def test_test_half_stays_above_its_floors(tmp_path):
    assert main(["--split", "test", "--output", str(tmp_path), "--floors", "evals/floors-register.json"]) == 0
    assert (tmp_path / "summary.md").read_text().startswith("| field |")
