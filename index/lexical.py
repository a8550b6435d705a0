"""Swedish lexical retrieval: BM25 over Snowball stems and over character 4-grams of stems.

Stems match inflections ("uppdraget"/"uppdrag"); the 4-gram index lets compounds and their parts
meet ("tjänsteresor"/"tjänsteresandet", "hyrberoendet"/"beroende av hyrpersonal").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.swedish import grams, stems


@dataclass
class TermCounts:
    """Term frequencies of a run of paragraphs (one document, or many merged) in CSR form:
    paragraph i has the terms ``terms[cols[indptr[i]:indptr[i+1]]]`` with counts ``tfs[…]``.
    ``terms`` is sorted and unique. Plain arrays, so they save and load as .npy files."""

    terms: np.ndarray
    indptr: np.ndarray
    cols: np.ndarray
    tfs: np.ndarray

    @classmethod
    def count(cls, docs: list[list[str]]) -> TermCounts:
        vocab: dict[str, int] = {}
        cols: list[int] = []
        tfs: list[int] = []
        indptr = [0]
        for tokens in docs:
            for tok, tf in Counter(tokens).items():
                cols.append(vocab.setdefault(tok, len(vocab)))
                tfs.append(tf)
            indptr.append(len(cols))
        terms = np.asarray(list(vocab), dtype=str) if vocab else np.zeros(0, dtype="<U1")
        order = np.argsort(terms, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return cls(terms[order], np.asarray(indptr, np.int64), rank[np.asarray(cols, np.int64)], np.asarray(tfs, np.int32))

    @classmethod
    def merge(cls, parts: list[TermCounts]) -> TermCounts:
        """Stack the paragraphs of `parts` in order, over one shared sorted vocabulary (vectorised:
        no Python loop over terms, so merging ten thousand documents takes seconds, not minutes)."""
        if not parts:
            return cls.count([])
        terms, inverse = np.unique(np.concatenate([p.terms for p in parts]), return_inverse=True)
        term_offsets = np.cumsum([0] + [len(p.terms) for p in parts])
        row_offsets = np.cumsum([0] + [int(p.indptr[-1]) for p in parts])
        cols = np.concatenate([inverse[off + p.cols] for off, p in zip(term_offsets, parts)])
        indptr = np.concatenate([[0]] + [off + p.indptr[1:] for off, p in zip(row_offsets, parts)])
        tfs = np.concatenate([p.tfs for p in parts])
        return cls(terms, indptr.astype(np.int64), cols.astype(np.int64), tfs.astype(np.int32))

    def __len__(self) -> int:
        return len(self.indptr) - 1


class BM25:
    """BM25 (Okapi) over pre-tokenised documents as a sparse matrix: each document's term weights
    (tf saturation and length normalisation) are computed once at build time, so a query is one
    sparse column slice times the idf of its terms (scipy), not a loop over Python postings.
    The vocabulary is a sorted array (looked up by binary search), so a built index is a handful
    of arrays that `index.lexical_store` saves and memory-maps."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.terms = np.zeros(0, dtype="<U1")
        self.df = np.zeros(0)
        self.weights = sparse.csc_matrix((0, 0))
        self._n = 0

    def build(self, docs: list[list[str]]) -> None:
        self.load_counts(TermCounts.count(docs))

    def load_counts(self, counts: TermCounts) -> None:
        """Weights from term counts: tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))."""
        n = len(counts)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(counts.indptr))
        tf = counts.tfs.astype(np.float64)
        lengths = np.bincount(rows, weights=tf, minlength=n) if n else np.zeros(0)
        avg = float(lengths.mean()) if n else 0.0
        norm = self.k1 * (1 - self.b + self.b * lengths[rows] / (avg or 1))
        # float32: half the bytes a query touches in the memory-mapped index, and ranks the same
        # (relative error 6e-8, far below the score gaps BM25 ranks by; scores sum in float64)
        weights = (tf * (self.k1 + 1) / (tf + norm) if len(tf) else tf).astype(np.float32)
        matrix = sparse.csc_matrix((weights, (rows, counts.cols)), shape=(n, len(counts.terms)))
        self.load_arrays(counts.terms, matrix.data, matrix.indices, matrix.indptr, n)

    def load_arrays(self, terms, data, indices, indptr, n: int) -> None:
        """Adopt a built index's arrays (as saved by `arrays()`; they may be memory-mapped)."""
        self.terms, self._n = terms, int(n)
        self.weights = sparse.csc_matrix((data, indices, indptr), shape=(self._n, len(terms)), copy=False)
        self.df = np.diff(np.asarray(indptr)).astype(np.float64)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"terms": self.terms, "data": self.weights.data, "indices": self.weights.indices,
                "indptr": self.weights.indptr, "n": np.asarray(self._n)}

    def __len__(self) -> int:
        return self._n

    def _columns(self, tokens) -> list[int]:
        if not len(self.terms):
            return []
        wanted = np.asarray(sorted(set(tokens)), dtype=str)
        if not len(wanted):
            return []
        pos = np.minimum(np.searchsorted(self.terms, wanted), len(self.terms) - 1)
        return sorted(int(c) for c in pos[self.terms[pos] == wanted])

    def idf(self, token: str) -> float:
        cols = self._columns([token])
        df = self.df[cols[0]] if cols else 0.0
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def search(self, query: list[str], top_k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `top_k` best documents for `query`; `rows` (a boolean mask) limits the documents
        searched, inside the scoring, so a narrow filter never starves the list."""
        cols = self._columns(query)
        if not cols or top_k <= 0:
            return []
        idf = np.log(1 + (self._n - self.df[cols] + 0.5) / (self.df[cols] + 0.5))
        scores = np.asarray(self.weights[:, cols] @ idf).ravel()
        if rows is not None:
            scores = np.where(rows, scores, 0.0)
        hit = np.flatnonzero(scores > 0)
        if len(hit) > top_k:  # the top_k best; among equal scores at the cut, the lowest positions
            cut = -np.partition(-scores[hit], top_k - 1)[top_k - 1]
            above, equal = hit[scores[hit] > cut], hit[scores[hit] == cut]
            hit = np.concatenate([above, equal[: top_k - len(above)]])
        # equal scores (same tf and length) differ in the last bits with summation order: round, so
        # ties always go to the lower position
        order = sorted(hit.tolist(), key=lambda d: (-round(float(scores[d]), 9), d))
        return [(d, float(scores[d])) for d in order]


class LexicalIndex:
    """Two BM25 indexes (stems, 4-grams) over the same paragraphs, addressed by position."""

    FIELDS = ("stems", "grams")

    def __init__(self) -> None:
        self.stems = BM25()
        self.grams = BM25()

    def build(self, texts: list[str]) -> None:
        self.load_counts(*tokenise(texts))

    def load_counts(self, by_stem: TermCounts, by_gram: TermCounts) -> None:
        self.stems.load_counts(by_stem)
        self.grams.load_counts(by_gram)

    def search(
        self, query: str, top_k: int, rows: np.ndarray | None = None
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        return self.stems.search(stems(query), top_k, rows), self.grams.search(grams(query), top_k, rows)


def tokenise(texts: list[str]) -> tuple[TermCounts, TermCounts]:
    """Stem and 4-gram counts of `texts` (the expensive part of building: Snowball in Python)."""
    return TermCounts.count([stems(t) for t in texts]), TermCounts.count([grams(t) for t in texts])
