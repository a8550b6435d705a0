"""`paragraf eval`: run a gold question set through Paragraf (and the baseline), write reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.service import Paragraf
from evals.gold import load_questions
from evals.report import check_floors, write_outputs
from evals.runner import SystemRun, run_system
from evals.systems import BaselineSystem, ParagrafSystem
from ingest.pipeline import collect_files, ingest_paths


@dataclass
class EvalOutcome:
    report: dict
    runs: list[SystemRun]
    floor_problems: list[str]
    chunks: int = 0


def evaluate(
    app: Paragraf,
    questions_path: Path,
    *,
    corpus: list[Path] | None = None,
    results: Path = Path("eval-results/results.jsonl"),
    report_dir: Path | None = None,
    baseline: bool = True,
    floors: Path | None = None,
    progress: Callable[[str], Callable[[], None]] | None = None,
    answerer: str | None = None,
) -> EvalOutcome:
    questions = load_questions(questions_path)
    if corpus:
        ingest_paths(corpus, app.index)  # incremental: a no-op when already ingested
    paragraf = ParagrafSystem(app, answerer)
    runs = [run_system(paragraf, questions, progress=progress("paragraf") if progress else None)]
    chunks = 0
    if baseline and corpus:
        files, _ = collect_files(corpus)
        system = BaselineSystem(files, app.embedder)
        chunks = system.chunks
        runs.append(run_system(system, questions, progress=progress("baseline") if progress else None))
    extra = {"llm": paragraf.llm_summary()} if (answerer or app.settings.default_answerer) == "llm" else {}
    report = write_outputs(runs, questions, results, report_dir or results.parent, extra)
    problems: list[str] = []
    if floors:
        problems = check_floors(report["aggregate"]["paragraf"], json.loads(floors.read_text()))
    return EvalOutcome(report, runs, problems, chunks)
