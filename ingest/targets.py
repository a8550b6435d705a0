"""Target (mål) records from plans, budgets, follow-ups and directives.

Like `ingest.assignments`, this reads the paragraphs ingest produced, so every field cites the
paragraph it came from (evals/gold/REGISTER.md says what a target is):

* a **table row** with a target column ("Indikator: …; Utgångsvärde (2024): 82 %; Målvärde 2026:
  85 %; Målvärde 2027: 87 %") gives one target per target column with a value. The column names
  say which cell is the indicator, the goal, the baseline, the outcome and the assessment. A
  target column without a year takes the year a heading or the table's caption states for its
  targets ("Mål för 2026"). An earlier outcome is the baseline only where the row has no outcome
  for the target's year (a plan's "Utfall 2022" before "Mål 2024", not a follow-up's last year);
* a **sentence** that says what a measure is to reach: "… ska öka till 92 procent år 2027", "… ska
  vara högst 7 procent år 2026", "Målet är att minst 40 procent av … senast 2030",
  "Målvärdet för 2030 är 90 procent", "… mot målvärdet 60 procent för 2026". A direction without
  a value ("ska öka"), a forecast ("väntas minska med 4 procent") or an amount granted is not a
  target.
"""

from __future__ import annotations

import re

from core.models import DocumentMeta, Paragraph, TargetRecord
from core.sentences import sentence_spans
from ingest.assignments import cite_span, record_base

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Column names ("Målvärde 2026", "Utgångsvärde (2024)", "Utfall jan–aug 2026")
_TARGET_COL = re.compile(r"^(?:Mål|Målvärde|Målvärden|Måltal|Målnivå|Målnivåer)\b", re.I)
_BASE_COL = re.compile(r"^(?:Utgångsvärde|Utgångsläge|Basvärde|Basår|Nuläge|Jämförelsevärde)\b", re.I)
_OUTCOME_COL = re.compile(r"^(?:Utfall|Resultat|Värde)\b", re.I)
_ASSESS_COL = re.compile(r"^(?:Bedömning|Måluppfyllelse|Uppfyllelse|Status)\b", re.I)
_INDICATOR_COL = re.compile(r"^(?:Indikator|Indikatorer|Styrmått|Nyckeltal|Mått|Mätetal)\b", re.I)
_GOAL_COL = re.compile(r"^(?:Delmål|Målområde|Nämndmål|Mål|Strategiskt mål)\b", re.I)
_QUALIFIER = r"(?:(?:minst|högst|lägst|max(?:imalt)?|under|över|mindre än|mer än|cirka|ca)\s+)?"
# A value, as a target column states it: a number (with its qualifier) or a yes/no
_VALUE_CELL = re.compile(rf"^{_QUALIFIER}[<>≤≥]?\s*[-−]?\d|^(?:Ja|Nej)$", re.I)
_NO_VALUE = {"", "-", "–", "—", "saknas", "ej fastställt", "ej fastställd"}
# a direction without a value ("Öka", "Minska") is no target (evals/gold/REGISTER.md)
_DIRECTION = re.compile(r"^(?:öka\w*|minska\w*|ökning|minskning|förbättra\w*|sänka|höja|bibehåll\w*|behålla|"
                        r"oförändra\w*|stabil\w*|positiv utveckling|negativ utveckling)$", re.I)
_FULFILMENT = re.compile(
    r"\b(delvis uppnått|ej uppnått|inte uppnått|uppnåtts|uppnått|uppnås inte|uppnås|delvis uppfyllt|ej uppfyllt|"
    r"inte uppfyllt|uppfyllt|uppfylls inte|uppfylls)\b", re.I)
# A year caption of a table or heading: "Mål för 2026", "Målvärden 2026", "Mål år 2026"
_CAPTION_YEAR = re.compile(r"\bmål\w*\s+(?:för\s+|år\s+)?((?:19|20)\d\d)\b", re.I)
_NUMBER = r"(?:\d{1,3}(?:[  ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
_UNIT_STOP = (r"(?:år|senast|till|jämfört|under|för|och|i|av|vid|mot|från|med|efter|inom|som|jämfört|"
              r"ska|är|var|blev|samt|eller|per)\b")
_UNIT = rf"(?:\s*%|(?:\s+(?!{_UNIT_STOP})[A-Za-zåäöÅÄÖ°²]+){{0,2}}(?:\s+per\s+[a-zåäö]+)?)"
_VALUE = rf"(?P<value>{_QUALIFIER}{_NUMBER}{_UNIT})"
_SENTENCE_TARGETS = [
    # "… ska öka till 92 procent", "… ska vara högst 7 procent", "… ska ha minskat med 70 procent"
    # a follow-up's past tense: "… skulle under 2025 uppgå till minst 85 procent"
    re.compile(r"\b(?:ska|skulle)\s+(?:(?:under|år|senast)\s+(?:19|20)\d\d\s+)?(?:ha\s+)?(?:öka[ts]?|minska[ts]?|sjunka|sjunkit|stiga|stigit|höjas|sänkas|uppgå|vara|"
               r"ligga|nå|understiga|överstiga|halveras)\s+(?:till\s+|på\s+|med\s+)?" + _VALUE, re.I),
    # the year first: "Senast 2028 ska antalet sjuksköterskor … vara minst 60 per år"
    re.compile(r"^(?:Senast|Till|År|Under)\s+(?:år\s+)?(?:19|20)\d\d\s+ska\s+[^.]{3,160}?\s+(?:vara|uppgå\s+till|"
               r"öka\s+till|minska\s+till|ha\s+ökat\s+till|ha\s+minskat\s+till|nå)\s+" + _VALUE),
    # "Målet är att minst 40 procent av …"
    re.compile(r"\bmålet(?:\s+för\s+[a-zåäö]+)?\s+är\s+att\s+" + _VALUE, re.I),
    # "… mot målvärdet 60 procent för 2026"
    re.compile(r"\bmålvärdet\s+" + _VALUE, re.I),
    # "… ligger över målet på 85 %", "… över målet (85 procent)"
    re.compile(r"\b(?:målet|målsättningen|målnivån)\s+(?:på\s+|om\s+)?\(?" + _VALUE, re.I),
    # a plan's goal in the imperative: "Minska hyrkostnaden till 4%", "Förbättra … med 20%"
    re.compile(r"^\s*(?:Minska|Öka|Förbättra|Sänka|Höja|Halvera|Korta)\s+[^.;:]{3,120}?\s+(?:till|med)\s+" + _VALUE),
    # a list item: "Andel vuxna som röker dagligen: mål högst 6 % (2026), utfall 6,8 %"
    re.compile(r":\s+(?:mål|målvärde|målnivå)\s+" + _VALUE + r"(?=\s*\((?:19|20)\d\d\))", re.I),
    # "Målvärdet för 2030 är 90 procent"
    re.compile(r"\b(?:målvärde(?:t)?|måltal(?:et)?|målet)\s+(?:för|till|år)\s+(?:år\s+)?(?:19|20)\d\d\s+"
               r"(?:är|ska vara|uppgår till)\s+" + _VALUE, re.I),
]
_FORECAST = re.compile(r"\b(?:väntas|beräknas|bedöms|prognos\w*|förväntas)\b", re.I)
# When a sentence's target is to be reached: "år 2027", "senast 2030", "för 2026", "till 2028"
_WHEN = re.compile(r"\b(?:år|senast(?:\s+år)?|för|till|under|i slutet av|vid utgången av|fram till|till och med)\s+"
                   r"(?:år\s+)?((?:19|20)\d\d)\b", re.I)
_GOAL_YEAR = re.compile(r"\bmål\w*\s+för\s+((?:19|20)\d\d)\b", re.I)  # "Det finansiella målet för 2026 är att …"
_COMPARED = re.compile(rf"\b(?:jämfört med|i jämförelse med|från)\s+(?:(?P<value>{_NUMBER}{_UNIT})\s+)?(?:år\s+)?(?P<year>(?:19|20)\d\d)\b", re.I)
# "Nämndmål 1.1 Fler elever …", "3.4.1 Regionens klimatpåverkan …": the goal without label and number
_GOAL_PREFIX = re.compile(r"^(?:(?:Nämndmål|Strategiskt mål|Målområde|Delmål|Mål)\s+)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s*[:–-]?\s+)?")


def _row_fields(text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for part in text.split("; "):
        key, sep, value = part.partition(": ")
        fields.append((key.strip(), value.strip()) if sep else ("", part.strip()))  # a cell without a column name
    return fields


def _goal_of(section: str) -> str:
    """The nearest goal heading of a section path, without its label and number; year captions and
    table captions are not goals."""
    parts = [t.strip() for t in section.split("›")]
    for part in reversed(parts):
        if not part or _CAPTION_YEAR.fullmatch(part) or re.match(r"^(?:Tabell|Figur|Diagram)\b", part, re.I):
            continue
        return _GOAL_PREFIX.sub("", part).strip() or part
    return ""


def _caption_year(paragraphs: list[Paragraph], i: int) -> str:
    """The year a heading or the table's caption states for its targets ("Mål för 2026")."""
    p = paragraphs[i]
    for part in reversed(p.section.split("›")):
        m = _CAPTION_YEAR.search(part)
        if m:
            return m.group(1)
    j = i - 1
    while j >= 0 and paragraphs[j].kind == "table_row" and paragraphs[j].section == p.section:
        j -= 1
    if j >= 0 and paragraphs[j].section == p.section and len(paragraphs[j].text) <= 200:
        m = _CAPTION_YEAR.search(paragraphs[j].text)
        if m:
            return m.group(1)
    return ""


def _year(key: str) -> str:
    years = _YEAR.findall(key)
    return years[-1] if years else ""


def _fulfilment(text: str) -> str:
    m = _FULFILMENT.search(text)
    return m.group(1) if m else ""


def _row_targets(meta: DocumentMeta, paragraphs: list[Paragraph], i: int, number: int) -> list[TargetRecord]:
    p = paragraphs[i]
    fields = _row_fields(p.text)
    goal, indicator, assessment = "", "", ""
    targets, bases, outcomes = [], [], []
    for key, value in fields:
        if _TARGET_COL.match(key) and (_VALUE_CELL.match(value) or (_year(key) and value.lower() not in _NO_VALUE and not _DIRECTION.match(value))):
            targets.append((_year(key), value))
        elif _GOAL_COL.match(key) and not _year(key) and value.lower() not in _NO_VALUE and not goal:
            goal = value
        elif _BASE_COL.match(key) and value.lower() not in _NO_VALUE:
            bases.append((_year(key), value))
        elif _OUTCOME_COL.match(key) and value.lower() not in _NO_VALUE:
            outcomes.append((_year(key), value))
        elif _ASSESS_COL.match(key):
            assessment = _fulfilment(value)
        elif _INDICATOR_COL.match(key) and not indicator:
            indicator = value
    if not indicator and fields:
        indicator = next((v for k, v in fields if not (_TARGET_COL.match(k) or _BASE_COL.match(k) or _OUTCOME_COL.match(k))), "")
    records: list[TargetRecord] = []
    for year, value in targets:
        if stated := re.fullmatch(r"(.+?)\s*\(((?:19|20)\d\d)\)", value):  # "minst 85 % (2026)" under "Mål (år)"
            value, year = stated.group(1), stated.group(2)
        year = year or _caption_year(paragraphs, i)
        # the outcome for the target's year; an outcome column without a year is this report's
        now = [o for o in outcomes if year and o[0] >= year] or [o for o in outcomes if not o[0] or not year][-1:]
        earlier = [o for o in outcomes if year and o[0] and o[0] < year]
        base = bases[-1] if bases else (earlier[-1] if earlier and not now else ("", ""))
        outcome = now[-1] if now else ("", "")
        records.append(TargetRecord(
            **record_base(meta, "target", number + len(records), p), source=cite_span(p),
            goal=goal or _goal_of(p.section), indicator=indicator, target=value, target_year=year,
            baseline=base[1], baseline_year=base[0], outcome=outcome[1], outcome_year=outcome[0],
            fulfilment=assessment or _fulfilment(p.text),
        ))
    return records


def _sentence_target(meta: DocumentMeta, p: Paragraph, a: int, b: int, number: int) -> TargetRecord | None:
    s = p.text[a:b]
    if _FORECAST.search(s):
        return None
    m = next((m for rx in _SENTENCE_TARGETS if (m := rx.search(s))), None)
    if m is None:
        return None
    value = m["value"].strip()
    compared = _COMPARED.search(s, m.end())
    after = s[m.end():compared.start() if compared else len(s)]
    when = _WHEN.search(after) or _WHEN.search(s[:m.start()]) or _GOAL_YEAR.search(s)
    year = when.group(1) if when else ""
    if not year and (bare := _YEAR.search(after[:60])):  # "… ska vara högst 6,0 procent 2026."
        year = bare.group(1)
    if not year and (stated := re.match(r"\s*\(((?:19|20)\d\d)\)", s[m.end():])):  # "mål högst 6 % (2026)"
        year = stated.group(1)
    if not year:  # "Målvärdet för 2030 är 90 procent": the year inside the match
        inside = _YEAR.search(s[m.start():m.start("value")])
        year = inside.group(1) if inside else ""
    subject = s[:m.start()].strip()
    return TargetRecord(
        **record_base(meta, "target", number, p), source=cite_span(p, a, b), goal=_goal_of(p.section),
        indicator=(subject or s.strip())[:300], target=value, target_year=year,
        baseline=(compared["value"] or "").strip() if compared else "", baseline_year=compared["year"] if compared else "",
        fulfilment=_fulfilment(s),
    )


def extract_targets(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[TargetRecord]:
    records: list[TargetRecord] = []
    for i, p in enumerate(paragraphs):
        if p.kind == "table_row":
            records.extend(_row_targets(meta, paragraphs, i, len(records) + 1))
            continue
        for a, b in sentence_spans(p.text, p.kind):
            rec = _sentence_target(meta, p, a, b, len(records) + 1)
            if rec is not None:
                records.append(rec)
    for rec in records:
        rec.paragraph_ids = [rec.source.paragraph_id]
        if not rec.target_year:
            rec.problems.append("Målåret framgår inte.")
            rec.partial = True
    return records
