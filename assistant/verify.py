"""The verification gate for model-written answers: no sentence reaches a reader unless the
paragraphs it cites back it.

A model answer is text whose sentences end with markers `[n]` pointing into the numbered
paragraphs the prompt gave it. Each sentence is checked on its own:
1. it has at least one marker, and every marker points to a provided paragraph;
2. every number, date, party abbreviation and capitalised name in it occurs (normalised) in one
   of the paragraphs it cites;
3. a `SupportChecker` finds its content in a cited paragraph;
4. its citation quote is the verbatim sentence of that paragraph that supports it best.
A sentence that fails is dropped and counted, with the reason. The caller falls back to the
extractive answer when nothing survives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.support import SupportChecker, normalize
from core.models import Paragraph
from core.sentences import sentence_spans
from core.swedish import content_words, stem

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[ ,.]\d+)*")
_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]
_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r")(?: (\d{4}))?\b", re.IGNORECASE)
_PARTY = re.compile(r"\((S|M|SD|V|C|L|KD|MP)\)")
# Capitalised words that are names, not sentence openers: a capital after the first word.
_NAME = re.compile(r"(?<=\s)([A-ZÅÄÖ][a-zåäöéü]+(?:[- ][A-ZÅÄÖ][a-zåäöéü]+)*)")


@dataclass
class CheckedSentence:
    text: str  # the sentence without its markers
    markers: list[int]
    ok: bool
    reason: str = ""  # why it was dropped (English, for logs and the evaluation)
    paragraph_id: str = ""  # the cited paragraph that supports it
    quote: str = ""  # verbatim span of that paragraph


@dataclass
class GateResult:
    kept: list[CheckedSentence] = field(default_factory=list)
    dropped: list[CheckedSentence] = field(default_factory=list)


def split_marked(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, its markers) for every sentence of a model answer."""
    # "Text. [1] Next" -> "Text [1]. Next": markers after the full stop belong to the sentence before.
    answer = re.sub(r"([.!?])\s*((?:\[\d+(?:\s*[,;]\s*\d+)*\]\s*)+)", lambda m: f" {m.group(2).strip()}{m.group(1)} ",
                    answer).strip()
    out = []
    for a, b in sentence_spans(answer):
        raw = answer[a:b].strip()
        markers = [int(n) for group in _MARKERS.findall(raw) for n in re.split(r"\s*[,;]\s*", group)]
        text = _MARKERS.sub("", raw).strip()
        if text or markers:
            out.append((text, markers))
    return out


def facts(sentence: str) -> list[str]:
    """Numbers, dates, parties and names a sentence states (each must be in a cited paragraph)."""
    found = [m.group(0) for m in _DATE.finditer(sentence)]
    rest = _DATE.sub(" ", sentence)
    found += list(_NUMBER.findall(rest))
    found += [f"({p})" for p in _PARTY.findall(sentence)]
    found += [m.group(1) for m in _NAME.finditer(" " + sentence.split(" ", 1)[-1]) if len(m.group(1)) > 2]
    return found


def _present(fact: str, text: str) -> bool:
    if fact[:1].isdigit():
        return normalize(fact).replace(" ", "") in normalize(text).replace(" ", "")
    return normalize(fact) in normalize(text) or (fact.istitle() and stem(fact.lower()) in
                                                  {stem(w) for w in content_words(text.lower())})


def best_quote(paragraph: Paragraph, claim: str) -> str:
    """The paragraph's sentence sharing the most content stems with the claim (verbatim)."""
    wanted = {stem(w) for w in content_words(normalize(claim))}
    spans = sentence_spans(paragraph.text, paragraph.kind) or [(0, len(paragraph.text))]

    def overlap(span: tuple[int, int]) -> int:
        return len(wanted & {stem(w) for w in content_words(normalize(paragraph.text[span[0]:span[1]]))})

    a, b = max(spans, key=overlap)
    return paragraph.text[a:b].strip()


def verify_answer(answer: str, paragraphs: list[Paragraph], support: SupportChecker) -> GateResult:
    """Check every sentence of `answer` against `paragraphs` (marker n is paragraphs[n - 1])."""
    result = GateResult()
    for text, markers in split_marked(answer):
        checked = CheckedSentence(text=text, markers=markers, ok=False)
        cited = [paragraphs[n - 1] for n in markers if 1 <= n <= len(paragraphs)]
        if not markers:
            checked.reason = "no citation marker"
        elif len(cited) != len(markers):
            checked.reason = "marker points to no provided paragraph"
        elif not text:
            checked.reason = "empty sentence"
        elif missing := [f for f in facts(text) if not any(_present(f, p.text) for p in cited)]:
            checked.reason = f"not in the cited paragraphs: {', '.join(missing)}"
        else:
            scored = sorted(((support.score(p.text, text), i) for i, p in enumerate(cited)), reverse=True)
            score, best = scored[0]
            if score < support.threshold:
                checked.reason = f"content not supported (score {score:.2f} < {support.threshold:.2f})"
            else:
                checked.ok = True
                checked.paragraph_id = cited[best].paragraph_id
                checked.quote = best_quote(cited[best], text)
        (result.kept if checked.ok else result.dropped).append(checked)
    return result
