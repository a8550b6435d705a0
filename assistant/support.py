"""Does a passage support a claim? Number-aware normalisation and the entailment interface.

`SupportChecker` is used by the evaluation (does a cited paragraph support a gold fact?) and by
the verification gate for model-written answers (`assistant.verify`). Two offline
implementations: lexical (stems and numbers must be present) and embedding (cosine similarity
with the configured embedder).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from core.swedish import content_words, stem
from index.embedders import Embedder

# The gate's weight and thresholds, fitted on the evaluation's tune half (python -m evals.fit_support).
FIT_PATH = Path(__file__).with_name("support.json")

_UNITS = [
    (r"miljarder kronor|miljarder kr|mdkr|mdr kr|mrd kr", "mdkr"),
    (r"miljoner kronor|miljoner kr|mnkr|mkr|milj\.? kr|miljoner", "mnkr"),
    (r"tusen kronor|tkr", "tkr"),
    (r"kronor", "kr"),
    (r"procent|procentenheter", "%"),
]


def normalize(text: str) -> str:
    """Lowercase; '2 434' -> '2434'; '15 procent' -> '15 %'; '26 miljoner kronor' -> '26 mnkr'."""
    text = " ".join(text.lower().split())
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)  # thousands separators: '44 150 000'
    for pattern, unit in _UNITS:
        text = re.sub(rf"(?<=\d)\s*(?:{pattern})\b", f" {unit}", text)
    text = re.sub(r"(?<=\d)%", " %", text)
    return text


def contains_fact(text: str, fact: str) -> bool:
    """A fact is present when its normalised form is a substring of the normalised text."""
    return normalize(fact) in normalize(text)


class SupportChecker(ABC):
    """Entailment interface: how strongly `premise` (a cited paragraph) supports `claim`."""

    threshold: float = 0.5

    @abstractmethod
    def score(self, premise: str, claim: str) -> float:
        """0..1, higher is stronger support."""

    def supports(self, premise: str, claim: str) -> bool:
        return self.score(premise, claim) >= self.threshold


class LexicalSupport(SupportChecker):
    """Share of the claim's content words (Swedish stems) found in the premise; every number in
    the claim must be in the premise, or the score is 0."""

    threshold = 0.75

    def score(self, premise: str, claim: str) -> float:
        p_norm, c_norm = normalize(premise), normalize(claim)
        numbers = re.findall(r"\d+(?:,\d+)?", c_norm)
        if any(n not in p_norm for n in numbers):
            return 0.0
        claim_stems = {stem(w) for w in content_words(c_norm) if not w.isdigit()}
        if not claim_stems:
            return 1.0 if numbers else 0.0
        premise_stems = {stem(w) for w in content_words(p_norm)}
        return len(claim_stems & premise_stems) / len(claim_stems)


class EmbeddingSupport(SupportChecker):
    """Cosine similarity between premise and claim with the configured embedder."""

    def __init__(self, embedder: Embedder, threshold: float = 0.85) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def score(self, premise: str, claim: str) -> float:
        vecs = self.embedder.embed_passages([premise, claim])
        return float(np.clip(vecs[0] @ vecs[1], 0.0, 1.0))


class GateSupport(SupportChecker):
    """The verification gate's check: `weight` * lexical + (1 - weight) * cosine >= threshold.

    `fitted` reads both from assistant/support.json for the configured embedder (cosine scales
    differ between embedders); an embedder it was not fitted for gets the lexical check alone
    with the lexical threshold fitted beside it. Settings may override either.
    """

    def __init__(self, embedder: Embedder | None, weight: float, threshold: float) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError("weight must be in [0, 1]")
        if weight < 1.0 and embedder is None:
            raise ValueError("an embedding weight needs an embedder")
        self.embedder, self.weight, self.threshold = embedder, weight, threshold
        self.lexical = LexicalSupport()

    @classmethod
    def fitted(cls, embedder: Embedder, weight: float | None = None, threshold: float | None = None,
               path: Path = FIT_PATH) -> GateSupport:
        fit = json.loads(path.read_text(encoding="utf-8"))
        own = fit["embedders"].get(embedder.name)
        if weight is None:
            weight = own["weight"] if own else 1.0
        if threshold is None:
            if own and weight == own["weight"]:
                threshold = own["threshold"]
            elif weight == 1.0:
                threshold = fit["lexical"]["threshold"]
            else:
                raise ValueError("a support weight that was not fitted needs its own threshold")
        return cls(embedder if weight < 1.0 else None, weight, threshold)

    def score(self, premise: str, claim: str) -> float:
        lexical = self.lexical.score(premise, claim)
        if self.weight >= 1.0 or self.embedder is None:
            return lexical
        vecs = self.embedder.embed_passages([premise, claim])
        cosine = float(np.clip(vecs[0] @ vecs[1], 0.0, 1.0))
        return self.weight * lexical + (1.0 - self.weight) * cosine
