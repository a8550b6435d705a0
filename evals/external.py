"""The held-out benchmark (issue 9): the gold set over ../shared/corpus-external, split by document
into a tune half and a test half, answered from ONE realistic index (samples/ + every external
document), with the llama-index baseline beside it in the same run::

    python -m evals.external                       # both halves, baseline, reports in eval-results/external
    python -m evals.external --halves test --floors evals/floors-external.json

Rules and fitted weights may be developed on the tune half only; the test half is what the README
and the CI floors report. The index lives in --data-dir and is built incrementally (unchanged
documents are skipped, vectors come from the embedding cache).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).parent / "gold"
HALVES = {"tune": GOLD / "external-tune.jsonl", "test": GOLD / "external-test.jsonl"}
DEFAULT_EXTERNAL = REPO.parent / "shared" / "corpus-external"
SHOWN = ("hit@1", "hit@5", "mrr", "citation_precision", "citation_recall", "answer_correctness",
         "abstention_accuracy", "false_abstention_rate", "latency_p50_ms")


def build_app(data_dir: Path, corpus: list[Path], quiet: bool = False, ingest: bool = True):
    """A Paragraf over `data_dir` with `corpus` ingested (incrementally; `ingest=False` uses the
    index as it is)."""
    from tqdm import tqdm

    from assistant.service import Paragraf
    from core.settings import Settings
    from ingest.pipeline import collect_files, ingest_paths

    os.environ["PARAGRAF_DATA_DIR"] = str(data_dir)
    app = Paragraf(Settings())
    files, _ = collect_files(corpus)
    if not ingest:
        return app, files
    with tqdm(total=len(files), unit="fil", desc="Index", disable=quiet, file=sys.stderr) as bar:
        report = ingest_paths(corpus, app.index, progress=lambda _p: bar.update(1))
    for item in report.skipped:
        print(f"  skipped {item.path}: {item.message}", file=sys.stderr)
    return app, files


def unsupported(app, questions) -> list[tuple[str, str]]:
    """(question id, snippet) of supporting snippets found in no paragraph of their document."""
    from evals.runner import is_supporting
    from evals.systems import Unit

    snap = app.index.snapshot()
    units = [Unit(p.paragraph_id, p.doc_id, snap.documents[p.doc_id].source, p.text) for p in snap.paragraphs]
    lost = []
    for q in questions:
        for s in q.supporting:
            one = q.model_copy(update={"supporting": [s]})
            if not any(is_supporting(one, u) for u in units):
                lost.append((q.id, s.contains))
    return lost


def side_by_side(reports: dict[str, dict]) -> str:
    """Markdown table: one row per metric, paragraf and baseline per half."""
    cols = [(half, system) for half, rep in reports.items() for system in rep["systems"]]
    head = "| metric | " + " | ".join(f"{h} · {s}" for h, s in cols) + " |"
    lines = [head, "|" + "---|" * (len(cols) + 1)]
    for metric in SHOWN:
        cells = []
        for half, system in cols:
            value = reports[half]["aggregate"][system].get(metric)
            cells.append("–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value))
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    counts = [f"{h}: {reports[h]['aggregate'][reports[h]['systems'][0]]['questions']} questions" for h in reports]
    lines.append("\n" + "; ".join(counts))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "eval-data" / "external")
    parser.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL, help="the external corpus folder")
    parser.add_argument("--halves", nargs="+", choices=sorted(HALVES), default=["tune", "test"])
    parser.add_argument("--output", type=Path, default=REPO / "eval-results" / "external")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-ingest", action="store_true", help="use the index in --data-dir as it is")
    parser.add_argument("--floors", type=Path, help="fail when the TEST half falls below these")
    args = parser.parse_args(argv)

    from evals.gold import load_questions
    from evals.report import check_floors, write_outputs
    from evals.runner import run_system
    from evals.systems import BaselineSystem, ParagrafSystem

    if not args.external.is_dir():
        print(f"external corpus not found: {args.external}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    app, files = build_app(args.data_dir, [REPO / "samples", args.external], ingest=not args.no_ingest)
    snap = app.index.snapshot()
    print(f"index: {len(snap.documents)} documents, {len(snap.paragraphs)} paragraphs "
          f"({time.perf_counter() - started:.0f} s)")
    baseline = None
    if not args.no_baseline:
        baseline = BaselineSystem(files, app.index.cached_embedder())
        print(f"baseline: {baseline.chunks} chunks")
    reports: dict[str, dict] = {}
    for half in args.halves:
        questions = load_questions(HALVES[half])
        lost = unsupported(app, questions)
        if lost:  # the parser changed under a gold snippet: the question cannot be scored fairly
            print(f"WARNING {half}: {len(lost)} supporting snippets match no indexed paragraph"
                  + (f": {lost}" if half != "test" else " (ids only: " + ", ".join(sorted({i for i, _ in lost})) + ")"))
        runs = [run_system(ParagrafSystem(app), questions)]
        if baseline is not None:
            runs.append(run_system(baseline, questions))
        out = args.output / half
        reports[half] = write_outputs(runs, questions, out / "results.jsonl", out)
    table = side_by_side(reports)
    print(table)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "summary.md").write_text(table + "\n", encoding="utf-8")
    (args.output / "summary.json").write_text(
        json.dumps({h: r["aggregate"] for h, r in reports.items()}, indent=2), encoding="utf-8"
    )
    if args.floors and "test" in reports:
        problems = check_floors(reports["test"]["aggregate"]["paragraf"], json.loads(args.floors.read_text()))
        for p in problems:
            print("FLOOR", p)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
