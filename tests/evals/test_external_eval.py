"""CI guard on the held-out half: the whole external corpus plus samples in one index, the test half
of the external gold set, the llama-index baseline in the same run (python -m evals.external)."""

import json

import pytest

from evals.external import DEFAULT_EXTERNAL, main
from tests.conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DEFAULT_EXTERNAL.is_dir(), reason="../shared/corpus-external is absent"),
]


def test_test_half_stays_above_its_floors(tmp_path, capsys):
    code = main([
        "--data-dir", str(tmp_path / "data"), "--halves", "test", "--output", str(tmp_path / "out"),
        "--floors", str(REPO / "evals" / "floors-external.json"),
    ])
    out = capsys.readouterr().out
    print(out)  # the side-by-side table stays in the CI log
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())["test"]
    assert summary["paragraf"]["questions"] == summary["baseline"]["questions"] >= 100
    assert code == 0, [line for line in out.splitlines() if line.startswith("FLOOR")]
    # Paragraph citations beat 1024-token chunks on ranking and precision in the same run.
    for metric in ("hit@5", "mrr", "citation_precision"):
        assert summary["paragraf"][metric] > summary["baseline"][metric], metric
