import json
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS


@pytest.mark.slow
def test_scale_benchmark_builds_serves_and_reports_each_size(tmp_path: Path):
    """`python -m evals.scale` end to end on a small size: the index really holds N paragraphs
    (documents recombined beyond the sources), a real server answers over HTTP, numbers come back."""
    import subprocess

    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, "-m", "evals.scale", "--sizes", "150", "700", "--requests", "5", "--corpus", str(SEEDS),
         "--output", str(out)], capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs = json.loads(out.read_text())["runs"]
    assert [r["paragraphs"] for r in runs] == [150, 700]
    assert runs[1]["documents"] > runs[0]["documents"]  # copies of the five seeds, varied
    for run in runs:
        assert run["mode"] == "embedded"
        assert 0 < run["ask_p50_ms"] <= run["ask_p95_ms"] and run["startup_s"] > 0 and run["rss_mb"] > 0
        assert run["disk_mb"] > 0 and run["errors"] == 0 and run["first_register_s"] > 0
    assert runs[1]["decisions"] > 0  # the register request really listed records
    assert "| embedded | 700 |" in done.stdout


@pytest.mark.slow
def test_scale_benchmark_against_chroma_run_reports_both_processes(tmp_path: Path):
    """With `--chroma-server` the index lives in a real `chroma run`: the run says so, and reports the
    Chroma server's memory beside the API's (the HNSW index is in the server)."""
    import subprocess

    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, "-m", "evals.scale", "--sizes", "150", "--requests", "5", "--corpus", str(SEEDS),
         "--chroma-server", "--output", str(out)], capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (run,) = json.loads(out.read_text())["runs"]
    assert run["mode"] == "chroma-server" and run["paragraphs"] == 150 and run["errors"] == 0
    assert run["rss_mb"] > 0 and run["chroma_rss_mb"] > 0
