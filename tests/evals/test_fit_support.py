"""Fitting the gate's support check (evals.fit_support) on synthetic pairs: the false-accept
limit holds, and the weight goes to the score that separates."""

import numpy as np

from evals.fit_support import Pairs, best_threshold, claim_of, fit, rates
from evals.gold import GoldQuestion


def pairs(lexical, cosine, labels) -> Pairs:
    n = len(labels)
    return Pairs([""] * n, [""] * n, np.array(labels), np.array(lexical, float), np.array(cosine, float))


def test_a_question_becomes_a_statement_with_its_facts():
    q = GoldQuestion(id="a", question="Hur mycket ska tjänsteresandet minska till 2026?", answerable=True,
                     answer_contains=["15 procent"], supporting=[{"doc": "plan.txt", "contains": "15 procent"}])
    assert claim_of(q) == "ska tjänsteresandet minska till 2026: 15 procent."
    u = GoldQuestion(id="u", question="Vem leder krisledningsnämnden i Umeå?", answerable=False)
    assert claim_of(u) == "leder krisledningsnämnden i Umeå."


def test_the_threshold_keeps_false_accepts_within_the_limit():
    rng = np.random.default_rng(0)
    labels = [1] * 100 + [0] * 200
    lexical = np.r_[rng.uniform(0.4, 1.0, 100), rng.uniform(0.0, 0.8, 200)]
    p = pairs(lexical, np.zeros(300), labels)
    threshold, true_accept = best_threshold(p, 1.0, 0.05)
    r = rates(p, 1.0, threshold)
    assert r["false_accept"] <= 0.05 and r["true_accept"] == true_accept > 0.3
    lower = rates(p, 1.0, threshold - 0.01)  # any lower threshold breaks the limit or gains nothing
    assert lower["false_accept"] > 0.05 or lower["true_accept"] == r["true_accept"]


def test_the_weight_goes_to_the_score_that_separates():
    rng = np.random.default_rng(1)
    labels = [1] * 50 + [0] * 150
    noise = rng.uniform(0, 1, 200)  # lexical says nothing here
    cosine = np.r_[rng.uniform(0.85, 0.95, 50), rng.uniform(0.6, 0.84, 150)]
    weight, threshold = fit(pairs(noise, cosine, labels), 0.05)
    assert weight <= 0.1  # ties go to the larger lexical weight; any real share of noise costs accepts
    r = rates(pairs(noise, cosine, labels), weight, threshold)
    assert r["true_accept"] == 1.0 and r["false_accept"] <= 0.05
    lexical_only = rates(pairs(noise, cosine, labels), 1.0, best_threshold(pairs(noise, cosine, labels), 1.0, 0.05)[0])
    assert lexical_only["true_accept"] < 0.5
