"""Sentence boundaries in Swedish governance text (used by the answerer, the scorer and the register)."""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "t.ex", "bl.a", "m.m", "d.v.s", "dvs", "s.k", "ca", "nr", "kap", "org.nr", "resp", "jfr",
    "st", "kl", "tel", "mnkr", "mkr", "tkr", "fr.o.m", "t.o.m", "p.g.a", "pga", "enl", "ang", "f.d",
}


def sentence_spans(text: str, kind: str = "text") -> list[tuple[int, int]]:
    """Character spans of the sentences in `text` (whole text for list items and table rows)."""
    if kind != "text":
        return [(0, len(text))]
    spans, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+[A-ZÅÄÖ0-9§\"”(])", text):
        before = re.search(r"([\w.]+)$", text[start : m.start()])
        word = before.group(1).lower() if before else ""
        next_point = re.match(r"\s+\d{1,2}\.\s+[A-ZÅÄÖ]", text[m.end():])  # "… i bilaga 2. 3. Förvaltningen …"
        if word in _ABBREVIATIONS or (len(word) == 1 and not (word.isdigit() and next_point)):
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]
