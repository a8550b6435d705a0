"""Score systems on a gold question set: per-question scores and aggregates.

Metrics (aggregate = mean over the questions a metric applies to):
- retrieval: hit@1, hit@5, MRR of the first supporting unit in the system's ranking (answerable);
- citation_precision: share of all citations whose quote is verbatim in the stored unit AND whose
  unit supports the answer (contains a gold supporting snippet, or the SupportChecker finds a gold
  fact in it); citations given on unanswerable questions count as unsupported;
- citation_recall: share of answerable questions with at least one supporting unit cited;
- answer_correctness: share of `answer_contains` facts stated in the answer (numbers normalised);
- abstention_accuracy (unanswerable questions abstained on) and false_abstention_rate (answerable);
- latency p50/p95.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from assistant.support import LexicalSupport, SupportChecker, contains_fact, normalize
from core.ids import make_doc_id
from evals.gold import GoldQuestion, Support
from evals.systems import SystemAnswer, Unit

METRICS = (
    "hit@1", "hit@5", "mrr", "citation_precision", "citation_recall", "answer_correctness",
    "abstention_accuracy", "false_abstention_rate",
)


@dataclass
class QuestionScore:
    id: str
    kind: str
    answerable: bool
    scores: dict[str, float | None]
    citations: int
    precise_citations: int
    latency_ms: float
    abstained: bool
    missing_facts: list[str] = field(default_factory=list)


def _doc_matches(support: Support, unit: Unit) -> bool:
    return support.doc in (unit.source, unit.doc_id) or make_doc_id(support.doc.rsplit(".", 1)[0]) == unit.doc_id


def is_supporting(question: GoldQuestion, unit: Unit) -> bool:
    text = normalize(unit.text)
    return any(_doc_matches(s, unit) and normalize(s.contains) in text for s in question.supporting)


def score_question(
    question: GoldQuestion, out: SystemAnswer, checker: SupportChecker
) -> QuestionScore:
    s: dict[str, float | None] = dict.fromkeys(METRICS)
    precise = 0
    for c in out.cited:
        verbatim = bool(c.quote) and c.quote in c.stored_text
        supported = question.answerable and (
            is_supporting(question, c.unit)
            or any(checker.supports(c.unit.text, fact) for fact in question.answer_contains)
        )
        precise += int(verbatim and supported)
    if out.cited:
        s["citation_precision"] = precise / len(out.cited)
    missing: list[str] = []
    if question.answerable:
        rank = next((i for i, u in enumerate(out.ranked, start=1) if is_supporting(question, u)), None)
        s["hit@1"] = float(rank == 1)
        s["hit@5"] = float(rank is not None and rank <= 5)
        s["mrr"] = 1.0 / rank if rank else 0.0
        s["citation_recall"] = float(any(is_supporting(question, c.unit) for c in out.cited))
        if question.answer_contains:
            answer = "" if out.abstained else out.answer
            missing = [f for f in question.answer_contains if not contains_fact(answer, f)]
            s["answer_correctness"] = 1 - len(missing) / len(question.answer_contains)
        s["false_abstention_rate"] = float(out.abstained)
    else:
        s["abstention_accuracy"] = float(out.abstained)
    return QuestionScore(
        id=question.id, kind=question.kind, answerable=question.answerable, scores=s,
        citations=len(out.cited), precise_citations=precise, latency_ms=round(out.latency_ms, 2),
        abstained=out.abstained, missing_facts=missing,
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def aggregate(scores: list[QuestionScore]) -> dict[str, float | int | None]:
    agg: dict[str, float | int | None] = {}
    for metric in METRICS:
        if metric == "citation_precision":  # micro-average over all citations
            total = sum(q.citations for q in scores)
            agg[metric] = round(sum(q.precise_citations for q in scores) / total, 4) if total else None
            continue
        values = [v for q in scores if (v := q.scores[metric]) is not None]
        agg[metric] = round(sum(values) / len(values), 4) if values else None
    latencies = [q.latency_ms for q in scores]
    agg["latency_p50_ms"] = round(percentile(latencies, 0.5), 1)
    agg["latency_p95_ms"] = round(percentile(latencies, 0.95), 1)
    agg["questions"] = len(scores)
    agg["answerable"] = sum(q.answerable for q in scores)
    return agg


def by_kind(scores: list[QuestionScore]) -> dict[str, dict]:
    groups: dict[str, list[QuestionScore]] = defaultdict(list)
    for q in scores:
        groups[q.kind if q.answerable else "unanswerable"].append(q)
    return {kind: aggregate(items) for kind, items in sorted(groups.items())}


@dataclass
class SystemRun:
    name: str
    questions: list[QuestionScore]
    outputs: list[SystemAnswer]

    @property
    def aggregate(self) -> dict:
        return aggregate(self.questions)

    @property
    def per_kind(self) -> dict:
        return by_kind(self.questions)


def run_system(system, questions: list[GoldQuestion], checker: SupportChecker | None = None, progress=None) -> SystemRun:
    checker = checker or LexicalSupport()
    scores, outputs = [], []
    for q in questions:
        out = system.ask(q.question)
        outputs.append(out)
        scores.append(score_question(q, out, checker))
        if progress:
            progress()
    return SystemRun(system.name, scores, outputs)


def result_rows(run: SystemRun, questions: list[GoldQuestion]) -> list[dict]:
    """One JSON-able row per question: the full response plus its scores."""
    return [
        {"system": run.name, "question": q.model_dump(), "response": out.response,
         "retrieved": [u.unit_id for u in out.ranked], "score": asdict(score)}
        for q, out, score in zip(questions, run.outputs, run.questions)
    ]
