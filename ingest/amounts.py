"""Dates, deadlines and sums of money as Swedish documents write them."""

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


# A reporting word a deadline follows closely ("redovisas … senast den 31 mars 2026"); not a past
# report ("redovisades för nämnden i juni 2025")
_DUE = re.compile(r"\b(\w*(?:redovis|rapporter)(?!ades\b|ats\b|ade\b)\w*|senast|slutdatum|lämnas|slutrapport|delrapport|ska vara (klar|genomför)"
                  r"|(?:till|vid)\s+(?:\w+s\s+)?sammanträde(?:t)?(?=\s+(?:i|den)\b))", re.I)  # "… till nämndens sammanträde i februari 2027"
# An expected date ("Handlingsplanen beräknas kunna redovisas i mars 2027") is a forecast, not a deadline.
_FORECAST = re.compile(r"\b(?:beräknas|förväntas|väntas|bedöms|planeras)\b", re.I)
_DECIDED_ON = re.compile(r"\b(?:beslut(?:et)?|skrivelse|dom|protokoll)\s+(?:den\s+)?$", re.I)


def due_dates(s: str) -> list[str]:
    """Deadlines of a reporting sentence (ISO date or YYYY-MM), not those of decisions it refers to
    ("regeringens beslut den …")."""
    dues = [m.end() for m in _DUE.finditer(s)]
    if not dues or _FORECAST.search(s):
        return []
    # the date must follow a reporting word closely, so the dates of a status table in the same run
    # of text are not deadlines
    dates = dates_in(s)
    return [iso for k, (iso, start, _) in enumerate(dates)
            if any(0 <= start - e <= 80 and _first_after(dates, k, e, s) for e in dues)
            and not _DECIDED_ON.search(s[max(0, start - 30):start])]


def _first_after(dates: list[tuple[str, int, int]], k: int, due: int, s: str) -> bool:
    """Is date k the first after the reporting word at `due`, or joined to the one before it
    ("senast den 30 september 2027 och den 31 mars 2030")? A later date in a comment ("Status:
    Slutfört. Den öppnade den 2 mars 2026") is not the deadline."""
    before = [d for d in dates[:k] if d[1] >= due]
    return not before or bool(re.fullmatch(r"\s*(?:,|och|samt|respektive)?\s*(?:(?:senast|slutligen)\s+)?(?:den\s+)?", s[before[-1][2]:dates[k][1]]))
