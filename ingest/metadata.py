"""Guess document metadata from its text; a sidecar file overrides any field.

Sidecar: ``<file>.meta.json`` next to the document (e.g. ``plan.pdf.meta.json``), or
``<stem>.meta.json``, holding any of the fields in SIDECAR_FIELDS.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from ingest.extract import IngestError

SIDECAR_FIELDS = (
    "doc_id", "title", "organisation", "body", "doc_type", "date", "diarienummer", "visibility",
)

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
        start=1,
    )
}
_ISO_DATE = re.compile(r"\b(20\d{2}|19\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_LONG_DATE = re.compile(
    r"\b([1-9]|[12]\d|3[01])\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE
)
_DIARIENUMMER = [
    re.compile(r"\bDnr\.?:?\s*([A-ZÅÄÖ]{0,5}\s?\d[\w/-]*\d)", re.IGNORECASE),
    re.compile(r"\bÄrendenummer:?\s*([A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6})"),
    re.compile(r"\b([A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6})\b"),
    re.compile(r"^\s*((?:RS|HSN|RUN|RF|KS|KF)\s?\d{1,5}-\d{4})\s*$", re.MULTILINE),
    re.compile(r"\b((?:RS|HSN|RUN|RF|KS|KF)\s\d{1,5}-\d{4})\b"),
]
_ORGANISATIONS = [
    re.compile(r"\bRegion (Västerbotten|Norrbotten|Dalarna|Stockholm|Skåne|Uppsala|Gävleborg|"
               r"Jämtland Härjedalen|Västernorrland|Värmland|Örebro län|Västmanland|Sörmland|"
               r"Östergötland|Jönköpings län|Kronoberg|Kalmar län|Gotland|Blekinge|Halland|"
               r"Västra Götaland)(?=s?\b)"),
    re.compile(r"\bGöteborgs Stad(?=s?\b)"),
    re.compile(r"\b[A-ZÅÄÖ][a-zåäö]+s (?:kommun|stad)(?=s?\b)"),
    # "Ekby kommun", "Malmö stad" (no genitive s), but not "Denna kommun", "Varje kommun"
    re.compile(r"\b(?!(?:Denna|Vår|Varje|En|Hela|Samma|Annan|Egen|Ingen|Vilken|Er|Din|Min|Respektive|Berörd|"
               r"Aktuell)\b)[A-ZÅÄÖ][a-zåäö]*[a-rt-zåäö] (?:kommun|stad)(?=s?\b)"),  # (a genitive s is the pattern above)
    re.compile(r"\bRegeringen\b"),
]
# Canonical body names and the patterns (in text) that name them. First match in the header wins.
_BODIES = [
    ("Regionstyrelsens arbetsutskott", r"Regionstyrelsens arbetsutskott"),
    ("Kommunstyrelsens arbetsutskott", r"Kommunstyrelsens arbetsutskott"),
    ("Regionfullmäktige", r"[Rr]egionfullmäktige"),
    ("Kommunfullmäktige", r"[Kk]ommunfullmäktige"),
    ("Regionstyrelsen", r"[Rr]egionstyrelsen?s?\b"),
    ("Kommunstyrelsen", r"[Kk]ommunstyrelsen?s?\b"),
    ("Hälso- och sjukvårdsnämnden", r"[Hh]älso- och sjukvårdsnämnden"),
    ("Regionala utvecklingsnämnden", r"[Rr]egionala utvecklingsnämnden"),
    ("Stadsrevisionen", r"Stadsrevisionen"),
    ("Stadsledningskontoret", r"Stadsledningskontoret"),
    ("Regeringen", r"\bRegeringen\b"),
]
# Any named board: "Nämnden för Intraservice", "Kultur- och fritidsnämnden", "Grundskolenämnden".
_ANY_BODY = re.compile(r"\b(Nämnden för [A-ZÅÄÖ][\wåäö-]+|[A-ZÅÄÖ][a-zåäö]+(?:- och [a-zåäö]+)?nämnden)\b")
# A labelled field names the issuing body: "Organisation: Kultur- och fritidsnämnden".
_BODY_LABEL = re.compile(r"\b(?:Organisation|Nämnd|Organ|Beslutsinstans)\s*:\s*([A-ZÅÄÖ][^\n:|]{2,60}?)(?=\s*(?:\n|\||$|[A-ZÅÄÖ][a-zåäö]+:))")
# "Till kommunfullmäktige", "Missiv till kommunstyrelsen": the recipient, not the author.
_RECIPIENT = re.compile(r"\b(?:till|Till)\s+(?:\w+\s+){0,2}$")
_DOC_TYPES = [
    ("protokoll", r"\bprotokoll(sutdrag)?\b|^§\s*\d+"),
    ("uppdragsdirektiv", r"\buppdragsdirektiv\b"),
    ("sammanfattning", r"^\s*sammanfattning\b"),
    ("revisionsberättelse", r"\brevisionsberättelse\b"),
    ("rapport", r"\b(rapportsammandrag|granskningsrapport|årsrapport|delårsrapport|rapport|"
                r"årsredogörelse|årsbokslut|bokslut|uppföljning)\b"),
    ("uppdrag", r"^#*\s*uppdrag (till|att)\b"),
    ("plan", r"\b(nämndplan|plan \d{4}|verksamhetsplan|\w*plan\b)"),
]


def _first(patterns: list[re.Pattern[str]], text: str) -> str:
    for pat in patterns:
        m = pat.search(text)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    return ""


_PLACE_DATE = re.compile(
    r"(?m)^\s*[A-ZÅÄÖ][a-zåäö]+ den (\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\s+(?:19|20)\d{2})\b"
)


def _iso(text: str) -> str:
    iso = _ISO_DATE.search(text)
    long = _LONG_DATE.search(text)
    if iso and (not long or iso.start() <= long.start()):
        return iso.group(0)
    if long:
        day, month, year = int(long.group(1)), _MONTHS[long.group(2).lower()], long.group(3)
        return f"{year}-{month:02d}-{day:02d}"
    return ""


def guess_date(text: str, head: str = "") -> str:
    """The document's own date, or "" when it does not state one: a labelled date
    ('Sammanträdesdatum: …', 'Datum …'), a signature line ('Göteborg den 8 april 2025'), or a
    date among the first lines of the first page. Deadlines and dates quoted in the body are not
    the document's date, so no other date is taken."""
    date_re = r"((?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\s+[a-zåä]+\s+(?:19|20)\d{2})"
    labelled = re.search(rf"\b(Sammanträdesdatum|Beslutsdatum|Mötesdatum|Datum)\b\D{{0,60}}?{date_re}", text)
    if labelled and _iso(labelled.group(2)):
        return _iso(labelled.group(2))
    signed = _PLACE_DATE.search(text)
    if signed:
        return _iso(signed.group(1))
    top = [ln for ln in head.split("\n") if ln.strip()][:6]
    return _iso("\n".join(ln for ln in top if len(ln.strip()) < 60))  # a dated header line


_TITLE_KINDS = re.compile(
    r"\b(revisionsberättelse|årsredogörelse|rapport\w*|årsrapport|delårsrapport|årsbokslut|bokslut|"
    r"protokoll\w*|plan\b|\w+plan\b|strategi\w*|uppdrag|uppdragsdirektiv|granskning|policy|"
    r"riktlinje\w*|program\b|sammanfattning|budget)", re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"^(§|\d+(\.\d+)*\.?\s|\(?\d+\s*\(\d+\)|(DERIVED|Source|Möte|Sammanträdesdatum|Datum|Plats och tid|Beslutande)\b|innehåll)|"
    r"^\S+\.(knit|docx?|pdf|html?|txt)$|_", re.IGNORECASE,
)


def _is_body_name(line: str) -> bool:
    head = line.split()[0] if line.split() else ""
    return bool(_ANY_BODY.fullmatch(line)) or any(re.fullmatch(p, line) or re.fullmatch(p, head) for _, p in _BODIES)


def _title_candidates(lines: list[str]) -> list[str]:
    """Title-like lines among the first ones, up to the first § (where a protocol's body starts)."""
    out = []
    content = [ln.strip().lstrip("# ").strip() for ln in lines if ln.strip()][:14]
    for i, ln in enumerate(content):
        if ln.startswith("§"):
            break
        if _NOT_TITLE.search(ln) or len(ln) < 4 or len(ln) > 300 or (not ln[0].isupper() and not ln[0].isdigit()):
            continue
        # Titles wrapped over short lines: "Regionstyrelsens" / "nämndplan 2024".
        for nxt in content[i + 1 : i + 3]:
            if len(ln) >= 40 or not nxt[:1].islower():
                break
            ln = f"{ln} {nxt}"
        if ln.endswith(".") and len(ln.split()) > 8:  # a sentence, not a title
            continue
        out.append(re.sub(r"\s+\d+\s*\(\d+\)$", "", ln))  # "… 1 (2)" page counters
    return out


def _guess_title(lines: list[str], pdf_title: str, body: str, is_protocol: bool) -> str:
    """The document's own title: a PDF title, else the first early line naming a kind of document
    ('Revisionsberättelse …', 'Delårsrapport …'; a bare kind word takes the next line), else
    'Protokoll <body>' for a protocol, else the first title-like line; "" when nothing fits."""
    candidates = _title_candidates(lines)
    if pdf_title and len(pdf_title) > 5 and not re.search(r"\.(docx?|pdf)$", pdf_title, re.I):
        candidates.insert(0, pdf_title)
    for i, ln in enumerate(candidates):
        if _TITLE_KINDS.search(ln):
            if len(ln.split()) == 1 and is_protocol and ln.lower().startswith("protokoll"):
                return f"Protokoll {body}".strip()  # "PROTOKOLL" over the header: the body's protocol
            if len(ln.split()) == 1:  # "Rapportsammandrag" / "Stadsrevisionen" / the title
                rest = [c for c in candidates[i + 1 :] if not _is_body_name(c) and "@" not in c]
                if rest:
                    return rest[0][:300]
            return ln[:300]
    if is_protocol:
        return f"Protokoll {body}".strip()
    for ln in candidates:
        if not _is_body_name(ln):
            return ln[:300]
    return ""


def guess_metadata(raw_pages: list[str], pdf_title: str = "") -> dict[str, str]:
    """Best-effort metadata from the text of the document (first page weighted most)."""
    full = "\n".join(raw_pages)
    head = "\n".join(raw_pages[:1])[:3000]
    lines = head.split("\n")

    organisation = ""
    for area in (head, full):  # the first page names the document's own organisation
        org_counts: Counter[str] = Counter()
        for pat in _ORGANISATIONS:
            for m in pat.finditer(area):
                org_counts[m.group(0)] += 1
        if org_counts:
            organisation = org_counts.most_common(1)[0][0]
            break

    # A protocol's page header names the body: "Protokoll / Sammanträdesdatum / <body> <date>".
    header = re.search(r"\b(Sammanträdesdatum|Protokoll)\b", full)
    header_area = full[header.start() : header.start() + 200] if header else ""
    labelled = _BODY_LABEL.search(head)
    body = labelled.group(1).strip() if labelled else ""
    for area in ("" if body else header_area, head):
        if body or not area:
            continue
        hits = []
        for canonical, pattern in [*_BODIES, ("", _ANY_BODY.pattern)]:
            for m in re.finditer(pattern, area):
                if _RECIPIENT.search(area[max(0, m.start() - 40) : m.start()]):
                    continue  # "Till kommunfullmäktige": the addressee
                hits.append((m.start(), -len(m.group(0)), canonical or m.group(0)))
                break
        if hits:
            body = min(hits)[2]  # first mention; the longest name at the same place
    is_protocol = bool(re.search(r"^§\s*\d+", full, re.MULTILINE)) and bool(header)
    title = _guess_title(lines, pdf_title, body, is_protocol)

    doc_type = ""
    for area in (title, head[:1500]):
        for name, pattern in _DOC_TYPES:
            if re.search(pattern, area, re.IGNORECASE | re.MULTILINE):
                doc_type = name
                break
        if doc_type:
            break

    return {
        "title": title,
        "organisation": organisation,
        "body": body,
        "doc_type": doc_type,
        "date": guess_date(full, head),
        "diarienummer": _first(_DIARIENUMMER, full),
    }


def sidecar_path(path: Path) -> Path | None:
    for cand in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")):
        if cand.is_file():
            return cand
    return None


def load_sidecar(path: Path) -> dict[str, str]:
    """Read the sidecar metadata next to `path` (empty when there is none)."""
    side = sidecar_path(path)
    if side is None:
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"Metadatafilen {side.name} kunde inte läsas.", str(exc)) from exc
    if not isinstance(data, dict):
        raise IngestError(f"Metadatafilen {side.name} måste vara ett JSON-objekt.", "not an object")
    unknown = sorted(set(data) - set(SIDECAR_FIELDS))
    if unknown:
        raise IngestError(
            f"Okända fält i {side.name}: {', '.join(unknown)}.",
            f"allowed: {', '.join(SIDECAR_FIELDS)}",
        )
    return {k: str(v).strip() for k, v in data.items()}
