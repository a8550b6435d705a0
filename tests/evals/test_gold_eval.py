"""CI regression guard: the sample gold set, real model, Paragraf beside the baseline."""

import json

import pytest

from assistant.service import Paragraf
from evals.evaluate import evaluate
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.slow


def test_gold_set_stays_above_its_floors(real_app: Paragraf, tmp_path):
    outcome = evaluate(
        real_app, REPO / "evals" / "gold" / "sample.jsonl", corpus=[SAMPLES],
        results=tmp_path / "results.jsonl", floors=REPO / "evals" / "floors.json",
    )
    print((tmp_path / "report.md").read_text())  # shown with pytest -s, kept in CI logs on failure
    assert outcome.floor_problems == []
    agg = outcome.report["aggregate"]
    # Paragraf's structure-aware retrieval beats fixed-size chunks on ranking and citation precision
    for metric in ("hit@1", "mrr", "citation_precision", "abstention_accuracy"):
        assert agg["paragraf"][metric] > agg["baseline"][metric], metric
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 2 * 122
    assert all(r["response"]["citations"] == [] for r in rows if r["system"] == "paragraf" and r["response"]["abstained"])
