"""Swedish lexical retrieval: BM25 over Snowball stems and over character 4-grams of stems.

Stems match inflections ("uppdraget"/"uppdrag"); the 4-gram index lets compounds and their parts
meet ("tjänsteresor"/"tjänsteresandet", "hyrberoendet"/"beroende av hyrpersonal").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import snowballstemmer
from scipy import sparse

_STEMMER = snowballstemmer.stemmer("swedish")
_WORD = re.compile(r"[0-9a-zåäöéü]+(?:[,.][0-9]+)?", re.IGNORECASE)
STOPWORDS = frozenset(
    """alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
    dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne hennes
    hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min mina mitt
    mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina sitta själv skulle
    som så sådan sådana sådant till under upp ut utan vad var vara varför varit varje vars vart
    vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över ska skall får fick finns
    också många mer vilken hur när något ge gav gavs fått""".split()
)


# Words that frame a question rather than name its subject ("hur stor", "vilken nivå", "enligt
# protokollet", "vad säger planen om …"). They are left out when a question's words are weighed.
QUESTION_FRAME = frozenset(
    """stor stort stora liten litet små hög högt höga låg lågt nivå nivån andel andelen del delen
    säger sägs står nämns framgår beskrivs gäller gällde handlar handlade innebär innebar blev bli
    besked hände hänt gick går ligga ligger låg enligt dokumentet dokumenten protokollet underlagen
    underlaget planen texten beslutet ärendet fråga frågan svar svaret egentligen ungefär exakt
    totalt sammanlagt senaste nuvarande""".split()
)

# Strong verbs change their vowel, which a suffix stemmer cannot see: map the forms people use in
# questions to the present tense the documents use.
IRREGULAR = {
    "avstod": "avstår", "avstått": "avstår", "avstå": "avstår",
    "fick": "får", "fått": "får", "gav": "ger", "gett": "ger", "givit": "ger", "tog": "tar",
    "tagit": "tar", "beslöt": "beslutar", "beslutade": "beslutar", "beslutat": "beslutar",
    "stod": "står", "stått": "står", "drog": "drar", "dragit": "drar", "lade": "lägger",
    "lagt": "lägger", "valde": "väljer", "valt": "väljer", "sade": "säger", "sa": "säger",
}


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(IRREGULAR.get(word, word))


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Lowercased words minus Swedish stopwords."""
    return [w for w in words(text) if w not in STOPWORDS]


def stems(text: str) -> list[str]:
    return [stem(w) for w in content_words(text)]


def grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of the stems of long words (compound parts meet here)."""
    out: list[str] = []
    for s in stems(text):
        if len(s) >= 6 and not s.isdigit():
            out.extend(s[i : i + n] for i in range(len(s) - n + 1))
    return out


class BM25:
    """BM25 (Okapi) over pre-tokenised documents as a sparse matrix: each document's term weights
    (tf saturation and length normalisation) are computed once at build time, so a query is one
    sparse column slice times the idf of its terms (scipy), not a loop over Python postings."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._vocab: dict[str, int] = {}
        self._df = np.zeros(0)
        self._weights = sparse.csc_matrix((0, 0))
        self._n = 0

    def build(self, docs: list[list[str]]) -> None:
        self._n = len(docs)
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.fromiter((len(d) for d in docs), dtype=np.float64, count=len(docs))
        for i, tokens in enumerate(docs):
            for tok, tf in Counter(tokens).items():
                rows.append(i)
                cols.append(vocab.setdefault(tok, len(vocab)))
                tfs.append(tf)
        self._vocab = vocab
        avg = float(lengths.mean()) if len(docs) else 0.0
        tf = np.asarray(tfs, dtype=np.float64)
        r = np.asarray(rows, dtype=np.int64)
        norm = self.k1 * (1 - self.b + self.b * lengths[r] / (avg or 1)) if len(r) else tf
        weights = tf * (self.k1 + 1) / (tf + norm) if len(r) else tf
        self._weights = sparse.csc_matrix((weights, (r, np.asarray(cols, dtype=np.int64))), shape=(len(docs), len(vocab)))
        self._df = np.diff(self._weights.indptr).astype(np.float64)

    def __len__(self) -> int:
        return self._n

    def idf(self, token: str) -> float:
        col = self._vocab.get(token)
        df = self._df[col] if col is not None else 0.0
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def search(self, query: list[str], top_k: int) -> list[tuple[int, float]]:
        cols = sorted({self._vocab[t] for t in query if t in self._vocab})
        if not cols or top_k <= 0:
            return []
        idf = np.log(1 + (self._n - self._df[cols] + 0.5) / (self._df[cols] + 0.5))
        scores = np.asarray(self._weights[:, cols] @ idf).ravel()
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

    def __init__(self) -> None:
        self.stems = BM25()
        self.grams = BM25()

    def build(self, texts: list[str]) -> None:
        self.stems.build([stems(t) for t in texts])
        self.grams.build([grams(t) for t in texts])

    def search(self, query: str, top_k: int) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        return self.stems.search(stems(query), top_k), self.grams.search(grams(query), top_k)


def matching_spans(text: str, query: str) -> list[tuple[int, int]]:
    """[start, end) spans of the words in `text` that match a content word of `query` by stem
    (or share a stem prefix of at least 5 letters: compound parts), for highlighting."""
    wanted = {s for s in stems(query) if s}
    if not wanted:
        return []
    long = [s for s in wanted if len(s) >= 5]
    spans = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if word in STOPWORDS:
            continue
        s = stem(word)
        if s in wanted or any(s.startswith(w) or w.startswith(s) and len(s) >= 5 for w in long):
            spans.append((match.start(), match.end()))
    return spans
