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
        "januari februari mars april maj juni juli augusti september oktober november december".split(),
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
               r"Västra Götaland)\b"),
    re.compile(r"\bGöteborgs Stad\b"),
    re.compile(r"\b[A-ZÅÄÖ][a-zåäö]+s (?:kommun|stad)\b"),
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
    ("Regeringen", r"\bRegeringen\b"),
]
_DOC_TYPES = [
    ("protokoll", r"\bprotokoll(sutdrag)?\b|^§\s*\d+"),
    ("uppdragsdirektiv", r"\buppdragsdirektiv\b"),
    ("sammanfattning", r"^\s*sammanfattning\b"),
    ("revisionsberättelse", r"\brevisionsberättelse\b"),
    ("rapport", r"\b(rapportsammandrag|granskningsrapport|årsrapport|delårsrapport|rapport)\b"),
    ("plan", r"\b(nämndplan|plan \d{4}|verksamhetsplan|\w*plan\b)"),
    ("uppdrag", r"\buppdrag till\b"),
]


def _first(patterns: list[re.Pattern[str]], text: str) -> str:
    for pat in patterns:
        m = pat.search(text)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    return ""


def guess_date(text: str, head: str = "") -> str:
    """Prefer a meeting date ('Sammanträdesdatum …'), then a date on the first page, then any."""
    date_re = r"((?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\s+[a-zåä]+\s+(?:19|20)\d{2})"
    candidates = []
    for label, area in (("Sammanträdesdatum|Beslutsdatum|Datum", text), ("den|sammanträde", head)):
        near = re.search(rf"({label})\D{{0,60}}?{date_re}", area, re.IGNORECASE)
        if near:
            candidates.append(near.group(2))
    candidates.extend([head, text])
    for cand in candidates:
        iso = _ISO_DATE.search(cand)
        long = _LONG_DATE.search(cand)
        if iso and (not long or iso.start() <= long.start()):
            return iso.group(0)
        if long:
            day, month, year = int(long.group(1)), _MONTHS[long.group(2).lower()], long.group(3)
            return f"{year}-{month:02d}-{day:02d}"
    return ""


def _guess_title(lines: list[str], pdf_title: str) -> str:
    if pdf_title and len(pdf_title) > 5 and not re.search(r"\.(docx?|pdf)$", pdf_title, re.I):
        return pdf_title
    content = [ln.strip() for ln in lines if ln.strip()][:12]
    for i, ln in enumerate(content):
        if re.match(r"^(#+\s*)?(DERIVED|Source|Möte):?", ln) or re.fullmatch(r"[\d\s()]+", ln):
            continue
        if len(ln) < 4 or ln.lower() in {"utdragsbestyrkande", "protokoll"}:
            continue
        title = ln.lstrip("# ").strip()
        # Titles wrapped over two short lines: "Regionstyrelsens" / "nämndplan 2024".
        if i + 1 < len(content) and len(title) < 40 and content[i + 1][:1].islower():
            title = f"{title} {content[i + 1]}"
        return title[:160]
    return ""


def guess_metadata(raw_pages: list[str], pdf_title: str = "") -> dict[str, str]:
    """Best-effort metadata from the text of the document (first page weighted most)."""
    full = "\n".join(raw_pages)
    head = "\n".join(raw_pages[:1])[:3000]
    lines = head.split("\n")

    org_counts: Counter[str] = Counter()
    for pat in _ORGANISATIONS:
        for m in pat.finditer(full):
            org_counts[m.group(0)] += 1
    organisation = org_counts.most_common(1)[0][0] if org_counts else ""

    title = _guess_title(lines, pdf_title)
    # A protocol's page header names the body: "Protokoll / Sammanträdesdatum / <body> <date>".
    header = re.search(r"\b(Sammanträdesdatum|Protokoll)\b", full)
    header_area = full[header.start() : header.start() + 200] if header else ""
    body = ""
    for area in (header_area, title, head, full):
        hits = []
        for canonical, pattern in _BODIES:
            m = re.search(pattern, area)
            if m:
                hits.append((m.start(), -len(m.group(0)), canonical))
        if hits:
            body = min(hits)[2]  # first mention; the longest name at the same place
            break

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
