"""Swedish text tools shared by every stage: words, stopwords, Snowball stems (with the strong
verbs a suffix stemmer cannot see), compound 4-grams, and the spans of a text that match a query."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

# A Snowball stemmer object keeps the word being stemmed in its own state: shared by the server's
# worker threads it mixes their words up (wrong stems, or an IndexError). One per thread.
_STEMMERS = threading.local()
_WORD = re.compile(r"[0-9a-zåäöéü]+(?:[,.][0-9]+)?", re.IGNORECASE)
STOPWORDS = frozenset(
    ["alla", "allt", "att", "av", "blev", "bli", "blir", "blivit", "de", "dem", "den", "denna", "deras", "dess", "dessa", "det", "detta", "dig", "din", "dina", "ditt", "du", "där", "då", "efter", "ej", "eller", "en", "er", "era", "ert", "ett", "från", "för", "ha", "hade", "han", "hans", "har", "henne", "hennes", "hon", "honom", "hur", "här", "i", "icke", "ingen", "inom", "inte", "jag", "ju", "kan", "kunde", "man", "med", "mellan", "men", "mig", "min", "mina", "mitt", "mot", "mycket", "ni", "nu", "när", "någon", "något", "några", "och", "om", "oss", "på", "samma", "sedan", "sig", "sin", "sina", "sitta", "själv", "skulle", "som", "så", "sådan", "sådana", "sådant", "till", "under", "upp", "ut", "utan", "vad", "var", "vara", "varför", "varit", "varje", "vars", "vart", "vem", "vi", "vid", "vilka", "vilkas", "vilken", "vilket", "vår", "våra", "vårt", "än", "är", "åt", "över", "ska", "skall", "får", "fick", "finns", "också", "många", "mer", "vilken", "hur", "när", "något", "ge", "gav", "gavs", "fått"]
)


# Words that frame a question rather than name its subject ("hur stor", "vilken nivå", "enligt
# protokollet", "vad säger planen om …"). They are left out when a question's words are weighed.
QUESTION_FRAME = frozenset(
    ["stor", "stort", "stora", "liten", "litet", "små", "hög", "högt", "höga", "låg", "lågt", "nivå", "nivån", "andel", "andelen", "del", "delen", "säger", "sägs", "står", "nämns", "framgår", "beskrivs", "gäller", "gällde", "handlar", "handlade", "innebär", "innebar", "blev", "bli", "besked", "hände", "hänt", "gick", "går", "ligga", "ligger", "låg", "enligt", "dokumentet", "dokumenten", "protokollet", "underlagen", "underlaget", "planen", "texten", "beslutet", "ärendet", "fråga", "frågan", "svar", "svaret", "egentligen", "ungefär", "exakt", "totalt", "sammanlagt", "senaste", "nuvarande"]
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
    stemmer = getattr(_STEMMERS, "swedish", None)
    if stemmer is None:
        stemmer = _STEMMERS.swedish = snowballstemmer.stemmer("swedish")
    return stemmer.stemWord(IRREGULAR.get(word, word))


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
        if s in wanted or any(s.startswith(w) or (w.startswith(s) and len(s) >= 5) for w in long):
            spans.append((match.start(), match.end()))
    return spans
