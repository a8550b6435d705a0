"""Dates and sums of money as Swedish documents write them."""

from __future__ import annotations

import re

_MONTHS = {
    m: i for i, m in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
         "oktober", "november", "december"), 1)
}
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_LONG = re.compile(r"\b(\d{1,2}) (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) (20\d\d)\b", re.I)
_MONTH_YEAR = re.compile(r"\b(?:i |per |under )?(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) (20\d\d)\b", re.I)
MONEY = re.compile(
    r"\b\d[\d  ]*(?:,\d+)?\s*(?:miljoner|miljon|miljarder|miljard|mnkr|mdkr|mkr|tkr|kronor|kr)\b(?:\s*kronor)?", re.I
)


def dates_in(text: str) -> list[tuple[str, int, int]]:
    """(ISO date or YYYY-MM, start, end) of each date: "2026-03-31", "31 mars 2026", "i mars 2026"."""
    out = [(f"{m[1]}-{m[2]}-{m[3]}", m.start(), m.end()) for m in _ISO.finditer(text)]
    out += [(f"{m[3]}-{_MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}", m.start(), m.end()) for m in _LONG.finditer(text)]
    taken = [(a, b) for _, a, b in out]
    for m in _MONTH_YEAR.finditer(text):
        if not any(a <= m.start(1) < b for a, b in taken):
            out.append((f"{m[2]}-{_MONTHS[m[1].lower()]:02d}", m.start(), m.end()))
    return sorted(out, key=lambda d: d[1])
