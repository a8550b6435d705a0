"""Write an evaluation: per-question JSONL, Markdown and JSON reports, a PNG chart per kind;
and check aggregate metrics against floors (the CI regression guard)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.gold import GoldQuestion
from evals.runner import METRICS, SystemRun, result_rows

HIGHER_IS_BETTER = {m: m != "false_abstention_rate" for m in METRICS}
HIGHER_IS_BETTER.update({"latency_p50_ms": False, "latency_p95_ms": False})
CHART_METRICS = ("hit@5", "citation_recall", "answer_correctness")


def _fmt(value) -> str:
    return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def build_report(runs: list[SystemRun]) -> dict:
    return {
        "systems": [r.name for r in runs],
        "aggregate": {r.name: r.aggregate for r in runs},
        "per_kind": {r.name: r.per_kind for r in runs},
        "failures": {
            r.name: [
                {"id": q.id, "kind": q.kind, "scores": q.scores, "missing_facts": q.missing_facts}
                for q in r.questions
                if (q.answerable and (q.scores["citation_recall"] == 0 or q.abstained
                                      or (q.scores["answer_correctness"] or 1) < 1))
                or (not q.answerable and not q.abstained)
            ]
            for r in runs
        },
    }


def markdown(report: dict) -> str:
    systems = report["systems"]
    main = systems[0]
    lines = ["# Paragraf evaluation", ""]
    agg = report["aggregate"]
    lines.append(f"{agg[main]['questions']} questions ({agg[main]['answerable']} answerable).")
    lines.append("")
    header = "| metric | " + " | ".join(systems) + (" | gain (+ = better) |" if len(systems) > 1 else " |")
    lines += [header, "|---" * (len(systems) + 1 + (len(systems) > 1)) + "|"]
    for metric in (*METRICS, "latency_p50_ms", "latency_p95_ms"):
        row = [_fmt(agg[s].get(metric)) for s in systems]
        gain = ""
        if len(systems) > 1:
            a, b = agg[systems[0]].get(metric), agg[systems[1]].get(metric)
            sign = 1 if HIGHER_IS_BETTER.get(metric, True) else -1
            gain = "–" if a is None or b is None else f"{sign * (a - b):+.3f}"
        lines.append(f"| {metric} | " + " | ".join(row) + (f" | {gain} |" if len(systems) > 1 else " |"))
    lines += ["", "## Per kind", ""]
    for s in systems:
        lines += [f"### {s}", "", "| kind | n | hit@5 | citation_precision | citation_recall | answer_correctness | abstention_accuracy |",
                  "|---|---|---|---|---|---|---|"]
        for kind, a in report["per_kind"][s].items():
            lines.append(
                f"| {kind} | {a['questions']} | {_fmt(a['hit@5'])} | {_fmt(a['citation_precision'])} | "
                f"{_fmt(a['citation_recall'])} | {_fmt(a['answer_correctness'])} | {_fmt(a['abstention_accuracy'])} |"
            )
        lines.append("")
    lines += ["## Failures (paragraf)", ""]
    for f in report["failures"][main]:
        missing = f"; missing: {', '.join(f['missing_facts'])}" if f["missing_facts"] else ""
        lines.append(f"- `{f['id']}` ({f['kind']}){missing}")
    return "\n".join(lines) + "\n"


def chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = report["systems"]
    kinds = [k for k in report["per_kind"][systems[0]] if k != "unanswerable"]
    fig, axes = plt.subplots(1, len(CHART_METRICS), figsize=(5 * len(CHART_METRICS), 4), sharey=True)
    width = 0.8 / len(systems)
    for ax, metric in zip(axes, CHART_METRICS):
        for i, s in enumerate(systems):
            values = [report["per_kind"][s].get(k, {}).get(metric) or 0 for k in kinds]
            ax.bar([x + i * width for x in range(len(kinds))], values, width, label=s)
        ax.set_title(metric)
        ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(kinds))])
        ax.set_xticklabels(kinds, rotation=45, ha="right")
        ax.set_ylim(0, 1.05)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(
    runs: list[SystemRun], questions: list[GoldQuestion], results: Path, report_dir: Path,
    extra: dict | None = None,
) -> dict:
    report_dir.mkdir(parents=True, exist_ok=True)
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("w", encoding="utf-8") as fh:
        for run in runs:
            for row in result_rows(run, questions):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    report = {**build_report(runs), **(extra or {})}
    (report_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (report_dir / "report.md").write_text(markdown(report), encoding="utf-8")
    chart(report, report_dir / "per_kind.png")
    return report


def check_floors(aggregate: dict, floors: dict[str, float]) -> list[str]:
    """Metrics that fell below (or, for rates that should be low, rose above) their floor."""
    problems = []
    for metric, floor in floors.items():
        if metric.startswith("_"):
            continue
        value = aggregate.get(metric)
        if value is None:
            problems.append(f"{metric}: not measured")
        elif HIGHER_IS_BETTER.get(metric, True) and value < floor:
            problems.append(f"{metric}: {value:.3f} < floor {floor:.3f}")
        elif not HIGHER_IS_BETTER.get(metric, True) and value > floor:
            problems.append(f"{metric}: {value:.3f} > ceiling {floor:.3f}")
    return problems
