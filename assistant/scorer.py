"""One learned scorer for "does this paragraph answer the question?".

Every candidate paragraph from hybrid retrieval gets a small, generic feature vector (dense
similarity and ranks, BM25 rank, IDF-weighted coverage of the question's words in the paragraph,
its best sentence and its context, whether it carries the kind of fact the question asks for —
a number, a date, a name, a vote, a decision — its section role, and conflicts with a year or an
organisation the question names). A logistic regression over those features, fitted on the tune
half of the gold set by ``python -m evals.fit`` and stored as ``assistant/scorer.json``, turns
them into a probability. The same probability ranks the paragraphs, decides abstention (the
threshold is chosen on the tune half's precision/recall curve) and picks what to cite.

Nothing here is keyed to a document or a question: the features are computed the same way for
any corpus, and the weights are a dozen numbers anyone can read.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.sentences import sentence_spans
from core.swedish import QUESTION_FRAME, content_words, grams, stem
from index.retrieve import Hit, Retrieval
from index.store import ParagraphIndex, section_text

MODEL_PATH = Path(__file__).with_name("scorer.json")

FEATURES = (
    "dense", "dense_gap", "dense_rr", "lex_rr", "fused_rr", "section_dense",
    "cov_text", "cov_ctx", "cov_sent", "cov_section", "cov_missing",
    "num_match", "date_match", "person_match", "vote_match", "decision_match",
    "decision_section", "table_row", "list_item", "short", "log_len",
    "year_conflict", "org_conflict", "org_match",
    "type_any", "section_rr", "top_section_type",
    "money_match", "type_missing", "miss_idf", "full_date_match",
)

# What kind of fact a question asks for. These only switch features on; their weights are fitted.
_ASKS_NUMBER = re.compile(r"\b(hur (mycket|många|stor\w*|hög\w*|lång\w*)|belopp|kostnad\w*|summa|"
                          r"procent\w*|antal\w*|andel\w*|nivå\w*|värde\w*|miljon\w*|kronor)\b", re.I)
_ASKS_DATE = re.compile(r"\b(när|datum|senast|deadline|tidpunkt|vilket år|vilken dag|hur länge)\b", re.I)
_ASKS_PERSON = re.compile(r"\b(vem|vilka (personer|ledamöter|partier)|vilket parti|reserver\w*|jäv\w*|"
                          r"ordförande\w*|yrka\w*|föreslog|avstod|avstå\w*)\b", re.I)
_ASKS_VOTE = re.compile(r"\b(röst\w*|omröstning\w*|votering\w*|ja-röst\w*|nej-röst\w*|majoritet)\b", re.I)
_ASKS_DECISION = re.compile(r"\b(beslut\w*|besl[uö]t\w*|bifall\w*|avslag\w*|antog|godkände|fastställ\w*)\b", re.I)

_HAS_NUMBER = re.compile(r"\d")
_ASKS_MONEY = re.compile(r"\b(hur mycket (pengar|kosta\w*)|kosta[rd]?|kostnad\w*|belopp\w*|budget\w*|"
                         r"värd|värt|kronor|miljoner|miljarder|medel|anslag\w*|bidrag\w*)\b", re.I)
_HAS_AMOUNT = re.compile(r"\d(?:[\d ]*\d)?(?:,\d+)?\s*(kronor|kr\b|mnkr|mkr|mdkr|tkr|miljoner|miljarder|"
                         r"procent|%|procentenheter)", re.I)
_HAS_DATE = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|"
                       r"september|oktober|november|december)\b", re.I)
# A named person or party, or what protocols record about people: jäv, not taking part, reserving.
_HAS_PERSON = re.compile(r"\([A-ZÅÄÖ]{1,3}\)|\b[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+\b|\b(?:KD|SD|MP)\b|"
                         r"\b(?:jäv\w*|deltar (?:ej|inte)|reserverar|avstår)\b")
_HAS_VOTE = re.compile(r"(?i:omröstning\w*|votering\w*|\bröst\w*|-röst\w*)|\b\d+\s+Ja\b|\bJa \(\d+\)|"
                       r"\bAntal (?:Ja|Nej)\b|\bRöstade\b")
# A day-precise date ("28 februari 2031", "2025-05-22"), not just a year or a period.
_HAS_FULL_DATE = re.compile(r"\b\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|"
                            r"oktober|november|december)\b|\b(19|20)\d\d-\d\d-\d\d\b", re.I)
_HAS_DECISION = re.compile(r"\b(beslut(ar|ade|at)|avslå(s|r)|bifall(s|er)|anses besvarad|återremitter\w*|"
                           r"bordläggs|antas|godkänns|fastställs|beviljas|antecknas|uppdras)\b", re.I)
_DECISION_SECTION = re.compile(r"(beslut|förslag till beslut)$", re.I)

# Questions that can only be answered by a fact of one kind: a sum of money, a count or value, a
# date, a vote. The best paragraph must state one (a hard refusal, like a year conflict).
_STRICT_ASKS = (
    (re.compile(r"\bhur mycket (?:pengar|kosta\w*|får\b.{1,60}\banvända)|\bvad kosta(?:r|de)\b|"
                r"\bvilket belopp\b|\bhur stor (?:budget|kostnad|summa)\w*|\bvärt\b", re.I), _HAS_AMOUNT),
    (re.compile(r"\bvilket siffervärde\b|\bhur många\b", re.I), re.compile(r"\b(?!(?:19|20)\d\d\b)\d")),
    # which meeting: only a day names it ("sammanträdet den 25 april 2024"), a year does not
    (re.compile(r"\b(?:på|vid|till) vilket \w*(?:sammanträde|möte)t?\b", re.I), re.compile(
        r"(?:sammanträde|möte)\w*\s+(?:\w+\s+){0,2}?(?:den\s+)?(?:\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|"
        r"augusti|september|oktober|november|december)|(?:19|20)\d\d-\d\d-\d\d)", re.I)),
    (re.compile(r"^\s*när\b|\bvilket datum\b|\bvilken dag\b|\bvilken tidpunkt\b", re.I), re.compile(
        _HAS_DATE.pattern + r"|\bkl(?:ockan|\.)? ?\d|\b(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|"
        r"vardag|helg)\w*|\b(?:vår|sommar|höst|vinter)(?:en|terminen)?\b|\b(?:kvartal|vecka|årsskiftet)\b", re.I)),
    (re.compile(r"\bhur röstade\b|\bomröstning(?:en)?\b|\brösts?iffr\w*", re.I), _HAS_VOTE),
)


def missing_fact(question: str, text: str) -> bool:
    """The question asks for an amount, a count, a date or a vote that `text` does not state."""
    return any(asks.search(question) and not has.search(text) for asks, has in _STRICT_ASKS)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")



@dataclass
class Question:
    """What is computed once per question."""

    text: str
    weights: dict[str, float]
    asks: dict[str, bool]
    years: list[str]
    orgs_named: list[str] = field(default_factory=list)  # known organisations it names
    unknown_orgs: list[str] = field(default_factory=list)  # named, but no document has them
    vector: np.ndarray | None = None  # its embedding


def _matches(term: str, stems: frozenset[str], gram_set: frozenset[str]) -> bool:
    """A question term occurs in a text: same stem, a shared stem prefix of 5+ letters, or (long
    terms) most of its 4-grams (compound parts)."""
    if term in stems:
        return True
    if len(term) >= 5 and any((s.startswith(term) or term.startswith(s)) and len(s) >= 5 for s in stems):
        return True
    if len(term) >= 6:
        tg = {term[i : i + 4] for i in range(len(term) - 3)}
        return len(tg & gram_set) >= 0.7 * len(tg)
    return False


@lru_cache(maxsize=8_192)
def _terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Stems and 4-grams of a text (cached: the same paragraphs come back question after question).
    An entry takes about 10 KB, and a question adds about 30: the bound keeps a long-running server
    at about 80 MB here (65,536 entries would have grown to about 650 MB after ~2,000 questions)."""
    return frozenset(stem(w) for w in content_words(text)), frozenset(grams(text))


def _missing_rarest(weights: dict[str, float], text: str) -> float:
    """Weight of the rarest question term absent from `text`, relative to the rarest term overall."""
    if not weights:
        return 0.0
    t_stems, t_grams = _terms(text)
    missing = [w for term, w in weights.items() if not _matches(term, t_stems, t_grams)]
    return max(missing, default=0.0) / max(weights.values())


def coverage(weights: dict[str, float], text: str) -> float:
    """IDF-weighted share of the question's terms that occur in `text`."""
    total = sum(weights.values())
    if not total:
        return 0.0
    t_stems, t_grams = _terms(text)
    return sum(w for term, w in weights.items() if _matches(term, t_stems, t_grams)) / total


def term_weights(index: ParagraphIndex, question: str) -> dict[str, float]:
    """The question's subject terms (stems, question frame left out) weighted by BM25 idf."""
    bm25 = index.snapshot().lexical.stems
    terms = {stem(w) for w in content_words(question) if w not in QUESTION_FRAME}
    return {t: max(bm25.idf(t), 0.1) for t in terms}


_TYPE_FEATURES = ("num_match", "date_match", "person_match", "vote_match", "decision_match")


class Scorer:
    """Logistic regression over FEATURES; weights from scorer.json."""

    def __init__(self, index: ParagraphIndex, path: Path | None = None) -> None:
        self.index = index
        self.model = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
        names = self.model["features"]
        missing = set(names) - set(FEATURES)
        if missing:
            raise ValueError(f"scorer model uses unknown features: {sorted(missing)}")
        self._cols = [FEATURES.index(n) for n in names]
        self._mean = np.asarray(self.model["mean"], np.float64)
        self._scale = np.asarray(self.model["scale"], np.float64)
        self._coef = np.asarray(self.model["coef"], np.float64)
        self._intercept = float(self.model["intercept"])
        self.threshold = float(self.model["threshold"])

    # ------------------------------------------------------------------ features
    def question(self, text: str, retrieval: Retrieval) -> Question:
        weights = term_weights(self.index, text)
        asks = {
            "number": bool(_ASKS_NUMBER.search(text)), "date": bool(_ASKS_DATE.search(text)),
            "person": bool(_ASKS_PERSON.search(text)), "vote": bool(_ASKS_VOTE.search(text)),
            "decision": bool(_ASKS_DECISION.search(text)), "money": bool(_ASKS_MONEY.search(text)),
        }
        return Question(
            text, weights, asks, _YEAR.findall(text), list(retrieval.organisations),
            list(retrieval.unknown_organisations), retrieval.query_vector,
        )

    def features(self, q: Question, hits: list[Hit]) -> np.ndarray:
        best_dense = max((h.dense for h in hits), default=0.0)
        sections = self.index.section_vectors() if q.vector is not None else {}
        by_fused = {id(h): r for r, h in enumerate(sorted(hits, key=lambda h: -h.score), start=1)}
        # Sections ranked by how well their title/path meets the question (dense + lexical).
        section_score: dict[str, float] = {}
        for hit in hits:
            key = section_text(hit.document, hit.paragraph)
            if key not in section_score:
                vec = sections.get(key)
                section_score[key] = (float(vec @ q.vector) if vec is not None else 0.0) + coverage(q.weights, key)
        section_rank = {k: r for r, k in enumerate(sorted(section_score, key=lambda k: -section_score[k]), start=1)}
        asked = any(q.asks[k] for k in ("number", "date", "person", "vote", "decision"))
        named = q.orgs_named + q.unknown_orgs
        rows = []
        for hit in hits:
            p, doc, text = hit.paragraph, hit.document, hit.paragraph.text
            context = f"{doc.title} {p.section} {text}"
            section = section_text(doc, p)
            where = f"{context} {doc.date} {doc.source}"
            org_match = bool(q.orgs_named) and doc.organisation in q.orgs_named
            cov_text = coverage(q.weights, text)
            f = {
                "dense": hit.dense, "dense_gap": hit.dense - best_dense,
                "dense_rr": 1.0 / hit.ranks["dense"] if "dense" in hit.ranks else 0.0,
                "lex_rr": 1.0 / hit.ranks["lexical"] if "lexical" in hit.ranks else 0.0,
                "fused_rr": 1.0 / by_fused[id(hit)],
                "section_dense": float(sections[section] @ q.vector) if section in sections else 0.0,
                "cov_text": cov_text, "cov_ctx": coverage(q.weights, context),
                "cov_sent": max((coverage(q.weights, text[a:b]) for a, b in sentence_spans(text, p.kind)), default=0.0),
                "cov_section": coverage(q.weights, f"{doc.title} {p.section}"), "cov_missing": 1.0 - cov_text,
                "num_match": float(q.asks["number"] and bool(_HAS_NUMBER.search(text))),
                "date_match": float(q.asks["date"] and bool(_HAS_DATE.search(text))),
                "person_match": float(q.asks["person"] and bool(_HAS_PERSON.search(text))),
                "vote_match": float(q.asks["vote"] and bool(_HAS_VOTE.search(text))),
                "decision_match": float(q.asks["decision"] and bool(_HAS_DECISION.search(text))),
                "decision_section": float(bool(_DECISION_SECTION.search(p.section.split(" › ")[-1]))),
                "table_row": float(p.kind == "table_row"), "list_item": float(p.kind == "list_item"),
                "short": float(len(text) < 60), "log_len": math.log(1 + len(text)),
                "year_conflict": float(bool(q.years) and not all(y in where for y in q.years)),
                "org_conflict": float(
                    bool(named) and not org_match and not any(o.lower() in context.lower() for o in named)
                ),
                "org_match": float(org_match),
                # What the question asks for but the paragraph does not carry: a sum of money, any
                # of the fact kinds asked, or the question's most specific (rarest) term.
                "money_match": float(q.asks["money"] and bool(_HAS_AMOUNT.search(text))),
                "miss_idf": _missing_rarest(q.weights, context),
                "section_rr": 1.0 / section_rank[section],
                "full_date_match": float(q.asks["date"] and bool(_HAS_FULL_DATE.search(text))),
            }
            f["type_any"] = float(any(f[name] for name in _TYPE_FEATURES))
            f["top_section_type"] = f["type_any"] * float(section_rank[section] == 1)
            f["type_missing"] = float(asked and not f["type_any"])
            rows.append([f[name] for name in FEATURES])
        return np.asarray(rows, np.float64).reshape(len(hits), len(FEATURES))

    # ------------------------------------------------------------------ scoring
    def probabilities(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        z = ((x[:, self._cols] - self._mean) / self._scale) @ self._coef + self._intercept
        return 1.0 / (1.0 + np.exp(-z))

    def rerank(self, question: str, retrieval: Retrieval) -> Retrieval:
        """Score every candidate, order the hits by probability (hit.probability is set)."""
        q = self.question(question, retrieval)
        x = self.features(q, retrieval.hits)
        probs = self.probabilities(x)
        for hit, prob, row in zip(retrieval.hits, probs, x):
            hit.probability = float(prob)
            hit.conflicts = [name for name in ("year_conflict", "org_conflict") if row[FEATURES.index(name)]]
            if q.weights and row[FEATURES.index("cov_ctx")] == 0.0:
                hit.conflicts.append("no_shared_term")  # not one subject word of the question
            if missing_fact(question, hit.paragraph.text):
                hit.conflicts.append("missing_fact")  # asks for a sum/count/date/vote it does not state
        retrieval.hits.sort(key=lambda h: -h.probability)
        return retrieval

