"""Hybrid retrieval: dense (Chroma) + BM25 on stems + BM25 on 4-grams, fused by reciprocal rank."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from core.models import DocumentMeta, Paragraph
from core.settings import Settings
from index.store import ParagraphIndex

# The lexical score is BM25 on stems plus this share of BM25 on 4-grams (each normalised by its
# best score): the 4-grams are a recall aid for compounds, too noisy to rank on their own.
GRAM_WEIGHT = 0.3
# Besides the fused top, the answerer also reads this many of each list's own best paragraphs.
HEADS = 2


@dataclass
class Hit:
    paragraph: Paragraph
    document: DocumentMeta
    score: float  # fused RRF score
    dense: float  # cosine similarity to the question (0 when not among the dense candidates)
    ranks: dict[str, int] = field(default_factory=dict)
    probability: float = 0.0  # P(answers the question), set by assistant.scorer.Scorer
    # Why the paragraph cannot answer: "year_conflict", "org_conflict", "no_shared_term" (scorer)
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Retrieval:
    hits: list[Hit]
    organisations: list[str]  # organisations the question named (retrieval was limited to them)
    timings_ms: dict[str, float]
    unknown_organisations: list[str] = field(default_factory=list)  # named, but not in the index
    query_vector: np.ndarray | None = None  # the question's embedding (for scoring features)


# "Region Dalarna", "Luleå kommun", "Stockholms stad", "Malmö stad".
_ORG_MENTION = re.compile(
    r"\bRegion(?:en)? (?:[A-ZÅÄÖ][a-zåäö]+)(?: (?:län|[A-ZÅÄÖ][a-zåäö]+))?"
    r"|\b[A-ZÅÄÖ][a-zåäö]+(?: kommun| stad|s kommun|s stad)\b"
)


def unknown_organisations(question: str, known: set[str]) -> list[str]:
    """Organisations the question names explicitly that no indexed document comes from."""
    unknown = []
    for mention in _ORG_MENTION.findall(question):
        if not organisations_in(mention, known):
            unknown.append(mention)
    return unknown

def organisations_in(question: str, known: set[str]) -> list[str]:
    """Organisations the question names, by full name or distinctive last word
    ('Norrbotten' -> 'Region Norrbotten', 'Göteborg' -> 'Göteborgs Stad')."""
    q = question.lower()
    found = []
    for org in sorted(known):
        if not org:
            continue
        names = {org.lower()}
        words = [w for w in re.findall(r"\w+", org.lower()) if w not in {"region", "stad", "kommun", "s"}]
        names.update(w for w in words if len(w) >= 5)
        names.update(w.rstrip("s") for w in words if len(w) >= 6 and w.endswith("s"))
        if any(re.search(rf"\b{re.escape(n)}", q) for n in names):
            found.append(org)
    return found


class HybridRetriever:
    def __init__(self, index: ParagraphIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def retrieve(
        self, question: str, top_k: int | None = None, allowed: set[str] | None = None
    ) -> Retrieval:
        """Rank paragraphs for `question`; `allowed` (doc ids) limits the documents searched."""
        s = self.settings
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query_vector = self.index.embed_question(question)
        timings["embed_query"] = _ms(t0)

        snap = self.index.snapshot()
        documents = {
            d: meta for d, meta in snap.documents.items() if allowed is None or d in allowed
        }
        # Organisations the question names are scoring features, never a filter: a wrong or
        # missing organisation in a document's metadata must not remove the answer.
        known = {d.organisation for d in documents.values()}
        orgs = organisations_in(question, known)
        unknown = unknown_organisations(question, known)
        scope = None if allowed is None or len(documents) == len(snap.documents) else set(documents)

        t0 = time.perf_counter()
        dense = self.index.dense_search(query_vector, s.dense_top_k, scope) if documents else []
        timings["dense"] = _ms(t0)
        t0 = time.perf_counter()
        lexical = self._lexical(question, s.lexical_top_k, scope) if documents else []
        timings["lexical"] = _ms(t0)

        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ranked in (("dense", dense), ("lexical", lexical)):
            for rank, (pid, _score) in enumerate(ranked, start=1):
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (s.rrf_k + rank)
                ranks.setdefault(pid, {})[name] = rank
        order = [pid for pid, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))]
        limit = top_k or s.answer_paragraphs
        chosen = order[:limit]
        for ranked in (dense, lexical):  # each list's own best are always read
            chosen += [pid for pid, _ in ranked[:HEADS] if pid not in chosen]
        dense_sim = dict(dense)
        hits = []
        for pid in chosen:
            found = self.index.paragraph(pid)
            if found is not None:
                paragraph, document = found
                hits.append(Hit(paragraph, document, fused[pid], dense_sim.get(pid, 0.0), ranks[pid]))
        return Retrieval(
            hits=hits, organisations=orgs, timings_ms=timings, unknown_organisations=unknown,
            query_vector=query_vector,
        )

    def _lexical(self, question: str, top_k: int, scope: set[str] | None) -> list[tuple[str, float]]:
        """One lexical ranking: normalised BM25 on stems + GRAM_WEIGHT x normalised BM25 on 4-grams."""
        by_stem, by_gram = self.index.lexical_search(question, top_k, scope)
        scores: dict[str, float] = {}
        for weight, ranked in ((1.0, by_stem), (GRAM_WEIGHT, by_gram)):
            top = ranked[0][1] if ranked else 0.0
            for pid, score in ranked:
                scores[pid] = scores.get(pid, 0.0) + weight * score / (top or 1.0)
        return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]


def _ms(start: float) -> float:
    return round(1000 * (time.perf_counter() - start), 2)
