"""Fit the answer scorer (assistant/scorer.json) on the TUNE questions only.

For every tune question, hybrid retrieval gives the candidate paragraphs; each gets the scorer's
features and the label "contains a gold supporting snippet". A logistic regression (scikit-learn)
learns the weights. The abstention threshold is the highest point of the precision/recall curve
(precision = answered questions whose best paragraph supports the answer / answered questions,
recall = the same / answerable questions) that refuses at most 10 % of the answerable tune
questions (--max-false-abstention), so that as many unanswerable ones as possible are refused. It is
read off out-of-fold probabilities (5 folds over questions), as unseen questions will get them; the
curve is saved as a chart::

    python -m evals.fit                     # tune half + sample gold set -> assistant/scorer.json
    python -m evals.fit --output /tmp/s.json --chart eval-results/fit/pr.png

The test half is never read here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from assistant.scorer import FEATURES, MODEL_PATH
from evals.external import DEFAULT_EXTERNAL, HALVES, REPO, build_app
from evals.gold import GoldQuestion, load_questions
from evals.runner import is_supporting
from evals.systems import Unit

TRAINING = [HALVES["tune"], REPO / "evals" / "gold" / "sample.jsonl"]


def document_of(q: GoldQuestion) -> str:
    """The document a question is about (its first supporting paragraph's); an unanswerable
    question is a group of its own."""
    return q.supporting[0].doc if q.supporting else f"question:{q.id}"


def collect(app, questions: list[GoldQuestion]):
    """Feature rows, labels, the question index of each row and the document it belongs to."""
    xs, ys, groups, docs = [], [], [], []
    for n, q in enumerate(questions):
        retrieval = app.retriever.retrieve(q.question)
        hits = retrieval.hits
        if not hits:
            continue
        x = app.scorer.features(app.scorer.question(q.question, retrieval), hits)
        y = [
            float(is_supporting(q, Unit(h.paragraph.paragraph_id, h.paragraph.doc_id, h.document.source, h.paragraph.text)))
            for h in hits
        ]
        xs.append(x)
        ys.extend(y)
        groups.extend([n] * len(hits))
        docs.extend([document_of(q)] * len(hits))
    return np.vstack(xs), np.asarray(ys), np.asarray(groups), np.asarray(docs)


C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def top1(probs, labels, groups) -> float:
    """Share of questions with a supporting candidate whose best-scored candidate supports."""
    best: dict[int, tuple[float, float]] = {}
    for p, y, g in zip(probs, labels, groups):
        if g not in best or p > best[g][0]:
            best[g] = (p, y)
    has = {g for g, y in zip(groups, labels) if y}
    return sum(best[g][1] for g in has) / len(has) if has else 0.0


def out_of_fold(z, y, docs, c: float, folds: int = 5) -> np.ndarray:
    """Each candidate's probability from a model fitted without its document's fold: folds are
    split by document, as unseen documents are what the scorer meets in use."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    probs = np.zeros(len(y))
    for train, held in GroupKFold(n_splits=folds).split(z, y, docs):
        model = LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train])
        probs[held] = model.predict_proba(z[held])[:, 1]
    return probs


def cv_top1(z, y, groups, docs, c: float, folds: int = 5) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    scores = []
    for train, held in GroupKFold(n_splits=folds).split(z, y, docs):
        model = LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train])
        scores.append(top1(model.predict_proba(z[held])[:, 1], y[held], groups[held]))
    print(f"  C={c}: cross-validated top-1 {np.mean(scores):.3f}")
    return float(np.mean(scores))


def choose_threshold(probs, labels, groups, questions, max_false_abstention: float = 0.10):
    """The highest threshold at which at most `max_false_abstention` of the answerable questions
    would be abstained on: as many unanswerable questions refused as that allows. Returns it and
    the per-question precision/recall curve (precision = answered questions whose best paragraph
    supports / answered; recall = the same / answerable)."""
    best_prob: dict[str, float] = {}
    top_ok: dict[str, bool] = {}
    for p, y, g in zip(probs, labels, groups):
        if g not in best_prob or p > best_prob[g]:
            best_prob[g], top_ok[g] = p, bool(y)
    answerable = [g for g in best_prob if questions[g].answerable]
    curve, allowed = [], []
    for t in sorted(set(np.round(list(best_prob.values()), 4))):
        answered = [g for g, p in best_prob.items() if p >= t]
        good = sum(top_ok[g] for g in answered)
        precision = good / len(answered) if answered else 1.0  # unanswerable ones answered count as wrong
        recall = good / len(answerable) if answerable else 0.0
        curve.append((float(t), precision, recall))
        refused = sum(1 for g in answerable if best_prob[g] < t)
        if refused <= max_false_abstention * len(answerable):
            allowed.append(float(t))
    return max(allowed), curve


def chart(curve, threshold: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([r for _, _, r in curve], [p for _, p, _ in curve], marker=".", lw=1)
    chosen = min(curve, key=lambda c: abs(c[0] - threshold))
    ax.scatter([chosen[2]], [chosen[1]], color="red", zorder=3, label=f"threshold {threshold:.3f}")
    ax.set_xlabel("recall (answered, best paragraph supports / answerable)")
    ax.set_ylabel("precision (answered, best paragraph supports / answered)")
    ax.set_title("Abstention threshold: tune questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "eval-data" / "external")
    parser.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL)
    parser.add_argument("--questions", type=Path, nargs="+", default=TRAINING)
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--chart", type=Path, default=REPO / "evals" / "reports" / "precision_recall.png")
    parser.add_argument("--max-false-abstention", type=float, default=0.10,
                        help="share of answerable tune questions the threshold may refuse")
    parser.add_argument("--no-ingest", action="store_true", help="use the index in --data-dir as it is")
    parser.add_argument("--C", type=float, default=None, help="inverse regularisation strength (default: cross-validated)")
    args = parser.parse_args(argv)
    if any(p.resolve() == HALVES["test"].resolve() for p in args.questions):
        print("the test half must never be fitted on", file=sys.stderr)
        return 2

    app, _ = build_app(args.data_dir, [REPO / "samples", args.external], ingest=not args.no_ingest)
    questions = [q for path in args.questions for q in load_questions(path)]
    x, y, groups, docs = collect(app, questions)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    if args.C is None:  # regularisation chosen by 5-fold cross-validation split by document
        args.C = max(C_GRID, key=lambda c: cv_top1(z, y, groups, docs, c))
        print(f"C = {args.C} (top-1 accuracy cross-validated over documents)")
    model = LogisticRegression(C=args.C, max_iter=2000).fit(z, y)
    # The threshold is read off out-of-fold probabilities: in-sample ones are over-confident on the
    # very questions the weights were fitted to, and would refuse more unseen answerable questions.
    probs = out_of_fold(z, y, docs, args.C)
    threshold, curve = choose_threshold(probs, y, groups, questions, args.max_false_abstention)
    chart(curve, threshold, args.chart)
    fitted = {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": round(threshold, 4),
        "fitted_on": {
            "questions": [str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p) for p in args.questions],
            "count": len(questions), "rows": len(y), "positives": int(y.sum()), "C": args.C,
        },
    }
    args.output.write_text(json.dumps(fitted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    found = len({g for g, label in zip(groups, y) if label})
    answerable = sum(q.answerable for q in questions)
    print(f"fitted on {len(questions)} questions, {len(y)} candidates ({int(y.sum())} supporting); "
          f"a supporting paragraph is among the candidates for {found}/{answerable} answerable questions")
    for name, c in sorted(zip(FEATURES, model.coef_[0]), key=lambda t: -abs(t[1])):
        print(f"  {name:18s} {c:+.3f}")
    chosen = min(curve, key=lambda c: abs(c[0] - threshold))
    print(f"threshold {threshold:.4f}: precision {chosen[1]:.3f}, recall {chosen[2]:.3f} -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
