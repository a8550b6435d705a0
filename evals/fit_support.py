"""Fit the verification gate's content-support check (assistant/support.json) on the TUNE half.

The gate (assistant.verify) keeps a model-written sentence only when a paragraph it cites
supports it: score = w * lexical + (1 - w) * cosine, kept when score >= threshold, where lexical is
the share of the sentence's Swedish content stems found in the paragraph (0 when a number of the
sentence is missing) and cosine is the embedder's similarity of sentence and paragraph.

Without a language model there are no real model sentences to learn from, so each gold question
becomes a claim a model could write: the question turned into a statement (its interrogative
opening and "?" dropped) followed by the facts the answer must state (`answer_contains`). Pairs:
- supported: the claim and each retrieved paragraph that contains a gold supporting snippet;
- unsupported: the claim of an answerable question and the top-ranked retrieved paragraphs that
  do not (same topic, but they do not state it), and the claim of an unanswerable question (right
  topic, wrong year, body or figure) and its top-ranked paragraphs.

The weight and threshold are chosen on the tune half to accept as many supported pairs as
possible while accepting at most --max-false-accept (5 %) of the unsupported ones: a false accept
shows a reader an unsupported sentence, a false reject only falls back to the extractive answer.
The test half is scored with the chosen values and reported, never fitted on. Cosine scales differ
by embedder, so the embedding weight is stored for the embedder it was fitted with; any other
embedder gets the lexical check alone, with its own fitted threshold::

    python -m evals.fit_support --no-ingest              # prints tune and test; writes nothing
    python -m evals.fit_support --no-ingest --write      # -> assistant/support.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.support import FIT_PATH, LexicalSupport
from evals.external import DEFAULT_EXTERNAL, HALVES, REPO, build_app
from evals.gold import GoldQuestion, load_questions
from evals.runner import is_supporting
from evals.systems import Unit

# Interrogative openings of Swedish questions (longest first), dropped to make a statement.
_OPENING = re.compile(
    r"^(?:hur (?:mycket|många|stor[at]?|lång[at]?|hög[at]?|gick|ser)|vad (?:hände|blev|är|var|ska|säger)|"
    r"vilk(?:en|et|a)|vad|vem|vilka|när|var|varför|hur|finns|fanns|har|hade|ska|skulle|fick|kan|är|blev)\b\s*",
    re.IGNORECASE,
)
WEIGHTS = tuple(round(w, 2) for w in np.linspace(0.0, 1.0, 21))
NEGATIVES_PER_QUESTION = 3


def claim_of(q: GoldQuestion) -> str:
    """The question as a statement a model could write, with the facts its answer must state."""
    statement = _OPENING.sub("", q.question.strip().rstrip("?").strip())
    facts = ", ".join(q.answer_contains)
    return f"{statement}: {facts}." if facts else f"{statement}."


@dataclass
class Pairs:
    claims: list[str]
    paragraphs: list[str]
    labels: np.ndarray
    lexical: np.ndarray
    cosine: np.ndarray


def collect(app, questions: list[GoldQuestion]) -> Pairs:
    claims, paragraphs, labels = [], [], []
    for q in questions:
        retrieval = app.retriever.retrieve(q.question)
        app.scorer.rerank(q.question, retrieval)
        claim = claim_of(q)
        negatives = 0
        for h in retrieval.hits:
            unit = Unit(h.paragraph.paragraph_id, h.paragraph.doc_id, h.document.source, h.paragraph.text)
            supports = q.answerable and is_supporting(q, unit)
            if not supports and negatives >= NEGATIVES_PER_QUESTION:
                continue
            negatives += not supports
            claims.append(claim)
            paragraphs.append(h.paragraph.text)
            labels.append(int(supports))
    lexical = LexicalSupport()
    lex = np.array([lexical.score(p, c) for p, c in zip(paragraphs, claims)])
    embedder = app.index.cached_embedder()
    pv = embedder.embed_passages(paragraphs)  # cached: the index embedded these paragraphs
    unique = sorted(set(claims))
    cv = dict(zip(unique, embedder.embed_passages(unique)))
    cos = np.clip(np.array([float(pv[i] @ cv[c]) for i, c in enumerate(claims)]), 0.0, 1.0)
    return Pairs(claims, paragraphs, np.array(labels), lex, cos)


def rates(pairs: Pairs, weight: float, threshold: float) -> dict:
    score = weight * pairs.lexical + (1 - weight) * pairs.cosine
    accepted = score >= threshold
    pos, neg = pairs.labels == 1, pairs.labels == 0
    return {"true_accept": round(float(accepted[pos].mean()), 4) if pos.any() else None,
            "false_accept": round(float(accepted[neg].mean()), 4) if neg.any() else None,
            "supported_pairs": int(pos.sum()), "unsupported_pairs": int(neg.sum())}


def best_threshold(pairs: Pairs, weight: float, max_false_accept: float) -> tuple[float, float]:
    """(threshold, true-accept rate): the lowest threshold (4 decimals) that accepts at most
    `max_false_accept` of the unsupported pairs."""
    score = weight * pairs.lexical + (1 - weight) * pairs.cosine
    neg = np.sort(score[pairs.labels == 0])[::-1]
    allowed = int(np.floor(max_false_accept * len(neg)))
    # just above the (allowed + 1)-th highest unsupported score: at most `allowed` of them pass
    threshold = float(np.floor(neg[allowed] * 1e4) / 1e4 + 1e-4) if allowed < len(neg) else 0.0
    threshold = round(threshold, 4)  # above 1: no pair passes (the check cannot separate them)
    return threshold, float((score[pairs.labels == 1] >= threshold).mean())


def fit(pairs: Pairs, max_false_accept: float, weights=WEIGHTS) -> tuple[float, float]:
    # ties go to the larger lexical weight (no embedding call where it adds nothing)
    best = max(((w, *best_threshold(pairs, w, max_false_accept)) for w in weights), key=lambda t: (t[2], t[0]))
    return best[0], best[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "eval-data" / "external")
    parser.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL)
    parser.add_argument("--max-false-accept", type=float, default=0.05,
                        help="share of unsupported tune pairs the check may accept")
    parser.add_argument("--no-ingest", action="store_true", help="use the index in --data-dir as it is")
    parser.add_argument("--write", action="store_true", help=f"write the fit to {FIT_PATH.relative_to(REPO)}")
    args = parser.parse_args(argv)

    app, _ = build_app(args.data_dir, [REPO / "samples", args.external], ingest=not args.no_ingest)
    halves = {name: collect(app, load_questions(HALVES[name])) for name in ("tune", "test")}
    tune = halves["tune"]
    weight, threshold = fit(tune, args.max_false_accept)
    lexical_threshold, _ = best_threshold(tune, 1.0, args.max_false_accept)
    report = {
        "lexical": {"threshold": lexical_threshold,
                    **{h: rates(p, 1.0, lexical_threshold) for h, p in halves.items()}},
        "embedders": {app.embedder.name: {"weight": weight, "threshold": threshold,
                                          **{h: rates(p, weight, threshold) for h, p in halves.items()}}},
        "before": {"lexical 0.75": {h: rates(p, 1.0, 0.75) for h, p in halves.items()}},
        "fitted_on": {"questions": str(HALVES["tune"].relative_to(REPO)), "max_false_accept": args.max_false_accept},
    }
    print("| check | half | true accept (supported kept) | false accept (unsupported kept) |")
    print("|---|---|---|---|")
    rows = [("lexical ≥ 0.75 (before)", 1.0, 0.75), (f"lexical ≥ {lexical_threshold}", 1.0, lexical_threshold),
            (f"{weight}·lexical + {1 - weight:.2f}·cosine ≥ {threshold}", weight, threshold)]
    for label, w, t in rows:
        for half, pairs in halves.items():
            r = rates(pairs, w, t)
            print(f"| {label} | {half} | {r['true_accept']:.3f} | {r['false_accept']:.3f} |")
    print(f"pairs: tune {len(tune.labels)} ({int(tune.labels.sum())} supported), "
          f"test {len(halves['test'].labels)} ({int(halves['test'].labels.sum())} supported)")
    if args.write:
        FIT_PATH.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"-> {FIT_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
