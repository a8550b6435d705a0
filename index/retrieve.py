"""Hybrid retrieval: dense (Chroma) + BM25 on stems + BM25 on 4-grams, fused by reciprocal rank."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from assistant.models import DocumentMeta, Paragraph
from assistant.settings import Settings
from index.store import ParagraphIndex

# Weight of each ranked list in the fusion. The 4-gram list is a recall aid for compounds and
# counts half.
FUSION_WEIGHTS = {"dense": 1.0, "stems": 1.0, "grams": 0.5}


@dataclass
class Hit:
    paragraph: Paragraph
    document: DocumentMeta
    score: float  # fused RRF score
    dense: float  # cosine similarity to the question (0 when not among the dense candidates)
    ranks: dict[str, int] = field(default_factory=dict)


@dataclass
class Retrieval:
    hits: list[Hit]
    organisations: list[str]  # organisations the question named (retrieval was limited to them)
    timings_ms: dict[str, float]


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

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieval:
        s = self.settings
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query_vector = self.index.embedder.embed_query(question)
        timings["embed_query"] = _ms(t0)

        snap = self.index.snapshot()
        orgs = organisations_in(question, {d.organisation for d in snap.documents.values()})

        t0 = time.perf_counter()
        dense = self.index.dense_search(query_vector, s.dense_top_k, orgs or None)
        timings["dense"] = _ms(t0)
        t0 = time.perf_counter()
        by_stem, by_gram = self.index.lexical_search(question, s.lexical_top_k)
        timings["lexical"] = _ms(t0)

        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ranked in (("dense", dense), ("stems", by_stem), ("grams", by_gram)):
            for rank, (pid, _score) in enumerate(ranked, start=1):
                fused[pid] = fused.get(pid, 0.0) + FUSION_WEIGHTS[name] / (s.rrf_k + rank)
                ranks.setdefault(pid, {})[name] = rank
        dense_sim = dict(dense)
        hits = []
        for pid, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):
            found = self.index.paragraph(pid)
            if found is None:
                continue
            paragraph, document = found
            if orgs and document.organisation not in orgs:
                continue
            hits.append(Hit(paragraph, document, score, dense_sim.get(pid, 0.0), ranks[pid]))
            if len(hits) >= (top_k or s.answer_paragraphs):
                break
        return Retrieval(hits=hits, organisations=orgs, timings_ms=timings)


def _ms(start: float) -> float:
    return round(1000 * (time.perf_counter() - start), 2)
