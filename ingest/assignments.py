"""Assignment (uppdrag) and target (mål) records from plans, directives, reports and protocols.

Like `ingest.decisions`, this reads the paragraphs ingest produced, so every field cites the
paragraph it came from:

* an assignment is a sentence in which someone is given a task ("X får i uppdrag att …",
  "Regeringen uppdrar åt X att …", "uppdrag … till X att …") or a list item under a lead such as
  "följande uppdrag till regionstyrelsen;". Deadlines are the dates of reporting sentences
  ("ska redovisas senast den 31 mars 2026") in the same section, money the amounts there;
* a target is a table row with a target column ("Indikator: …; Utfall 2022: 212; Mål 2024: 18 000")
  or a sentence stating a target value for a year ("Målvärdet för 2025 är 90 procent").
"""

from __future__ import annotations

import re

from assistant.ids import record_id, reference, section_label
from assistant.models import (
    AssignmentRecord, Cited, Deadline, DocumentMeta, Evidence, Paragraph, TargetRecord,
)
from assistant.sentences import sentence_spans

_MONTHS = {
    m: i for i, m in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
         "oktober", "november", "december"), 1)
}
_GIVEN = re.compile(
    r"(?P<recv>[A-ZÅÄÖ][^.;:]{1,160}?)\s+(?:får|ges|gavs|fick|har fått|har|hade)\s+(?:även\s+|också\s+|nu\s+|bland annat\s+)?(?:i\s+)?uppdrag(?:et)?\s+att\b",
)
_GOVERNMENT = re.compile(
    r"(?P<giver>Regeringen|[A-ZÅÄÖ][\w-]*(?:fullmäktige|styrelsen|nämnden))\s+(?:uppdrar|ger)\s+(?:åt\s+)?"
    r"(?P<recv>[A-ZÅÄÖ][^.;:]{1,160}?)\s+(?:i uppdrag\s+)?att\b"
)
_REPORTED = re.compile(
    r"\buppdrag\s+(?:[^.;:]{0,80}?\s)?till\s+(?P<recv>[a-zåäöA-ZÅÄÖ][^.;:]{1,160}?),?\s+(?:att|om att)\b"
)
_LIST_LEAD = re.compile(r"\buppdrag(?:en)?\s+till\s+(?P<recv>[\w åäöÅÄÖ-]{3,80}?)\s*[;:]\s*$", re.I)
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_LONG = re.compile(r"\b(\d{1,2}) (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) (20\d\d)\b", re.I)
_MONTH_YEAR = re.compile(r"\b(?:i |per |under )?(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) (20\d\d)\b", re.I)
_DUE = re.compile(r"\b(redovis\w*|rapporter\w*|senast|lämnas|slutrapport|delrapport|ska vara (klar|genomför))", re.I)
_MONEY = re.compile(
    r"\b\d[\d  ]*(?:,\d+)?\s*(?:miljoner|miljon|miljarder|miljard|mnkr|mdkr|mkr|tkr|kronor|kr)\b(?:\s*kronor)?", re.I
)
_DONE = re.compile(r"\b(förklaras fullgjort|fullgjort|genomfört|avslutat|pågår|delvis genomfört|ej påbörjat)\b", re.I)
_TARGET_KEY = re.compile(r"^(Mål|Målvärde|Måltal|Målnivå)\s*(?P<year>(?:19|20)\d\d)?$", re.I)
_OUTCOME_KEY = re.compile(r"^(Utfall|Resultat|Värde|Basvärde|Nuläge)\s*(?P<year>(?:19|20)\d\d)?$", re.I)
_FULFILMENT = re.compile(r"\b(delvis uppnått|ej uppnått|inte uppnått|uppnått|uppfyllt|delvis uppfyllt|ej uppfyllt)\b", re.I)
_TARGET_SENTENCE = re.compile(
    r"\b(?:målvärde(?:t)?|måltal(?:et)?|målet)\b[^.]{0,80}?\b(?:(?:för|till|år|senast)\s+)?(?P<year>20\d\d)\b"
    r"[^.]{0,60}?\b(?:är|ska vara|uppgå till|på)\s+(?P<value>\d[\d  ]*(?:,\d+)?\s*(?:%|procent|kronor|st)?)",
    re.I,
)


def _evidence(p: Paragraph, a: int = 0, b: int | None = None) -> Evidence:
    return Evidence(paragraph_id=p.paragraph_id, page=p.page, quote=p.text[a:b].strip())


def _dates(text: str) -> list[tuple[str, int, int]]:
    out = [(f"{m[1]}-{m[2]}-{m[3]}", m.start(), m.end()) for m in _ISO.finditer(text)]
    out += [(f"{m[3]}-{_MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}", m.start(), m.end()) for m in _LONG.finditer(text)]
    taken = [(a, b) for _, a, b in out]
    for m in _MONTH_YEAR.finditer(text):
        if not any(a <= m.start(1) < b for a, b in taken):
            out.append((f"{m[2]}-{_MONTHS[m[1].lower()]:02d}", m.start(), m.end()))
    return sorted(out, key=lambda d: d[1])


def _clean_receiver(text: str) -> str:
    text = re.sub(r"^(\d{1,2}\.\s*|att\s+|och\s+|samt\s+)", "", text.strip())
    text = re.sub(r"^Det är\s+(.+?)\s+som$", r"\1", text)  # "Det är Folkhälsomyndigheten som"
    text = re.sub(r"\s*\([^)]{1,40}\)$", "", text)  # "Statens jordbruksverk (Jordbruksverket)"
    return text.strip(" ,")


def _base(meta: DocumentMeta, kind: str, n: int, p: Paragraph) -> dict:
    label = section_label(p.section)
    return dict(
        record_id=record_id(meta.doc_id, kind, n), doc_id=meta.doc_id, document_title=meta.title,
        organisation=meta.organisation, body=meta.body, doc_type=meta.doc_type, date=meta.date,
        visibility=meta.visibility, section=label,
        reference=reference(body=meta.body, organisation=meta.organisation, doc_type=meta.doc_type,
                            date=meta.date, section=label, page=p.page, title=meta.title),
    )


def _found_assignments(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[tuple[int, str, str, Cited]]:
    """(paragraph index, giver, receiver, task) in document order."""
    found: list[tuple[int, str, str, Cited]] = []
    giver_default = meta.body or meta.organisation
    # "följande uppdrag till regionstyrelsen:" governs the list items after it in the same section
    # (footnotes or a page break between them do not end the list; a new section or lead does)
    lead_receiver, lead_section = "", None
    for i, p in enumerate(paragraphs):
        if p.section != lead_section:
            lead_receiver = ""
        if p.kind == "list_item" and lead_receiver:
            found.append((i, giver_default, lead_receiver, Cited(text=p.text.strip(), source=_evidence(p))))
            continue
        lead = _LIST_LEAD.search(p.text)
        if lead:
            lead_receiver, lead_section = lead["recv"].strip(), p.section
            continue
        for a, b in sentence_spans(p.text, p.kind):
            numbered = re.match(r"\d{1,2}\.\s+", p.text[a:b])  # "2. Trafiknämnden får i uppdrag …"
            a += numbered.end() if numbered else 0
            s = p.text[a:b]
            gov = _GOVERNMENT.search(s)
            given = _GIVEN.search(s)
            reported = _REPORTED.search(s)
            if gov:
                found.append((i, gov["giver"], _clean_receiver(gov["recv"]), Cited(text=s.strip(), source=_evidence(p, a, b))))
            elif given:
                found.append((i, giver_default, _clean_receiver(given["recv"]), Cited(text=s.strip(), source=_evidence(p, a, b))))
            elif reported:
                giver = "kommunfullmäktige" if "fullmäktiges uppdrag" in s else giver_default
                found.append((i, giver, _clean_receiver(reported["recv"]), Cited(text=s.strip(), source=_evidence(p, a, b))))
    return found


def extract_assignments(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[AssignmentRecord]:
    found, seen = [], set()
    for item in _found_assignments(meta, paragraphs):  # a decision repeated in the § is one assignment
        key = " ".join(item[3].text.casefold().split())
        if key not in seen:
            seen.add(key)
            found.append(item)
    records: list[AssignmentRecord] = []
    for n, (i, giver, receiver, task) in enumerate(found, 1):
        p = paragraphs[i]
        nxt = found[n][0] if n < len(found) else len(paragraphs)
        label = section_label(p.section)
        # Where its deadlines and money may be stated: its own paragraph, then the paragraphs of the
        # same section up to the next assignment (the whole document when it states only one).
        scope = [paragraphs[i]] + [q for q in paragraphs[i + 1: max(nxt, i + 1)] if section_label(q.section) == label][:8]
        if len(found) == 1:
            scope = paragraphs[i:] + paragraphs[:i]
        rec = AssignmentRecord(**_base(meta, "assignment", n, p), giver=giver, receiver=receiver, task=task)
        seen_dates: set[str] = set()
        for q in scope:
            spans = sentence_spans(q.text, q.kind)
            for a, b in spans:
                s = q.text[a:b]
                if _DUE.search(s):
                    for iso, _, _ in _dates(s):
                        if iso not in seen_dates:
                            seen_dates.add(iso)
                            rec.deadlines.append(Deadline(date=iso, source=_evidence(q, a, b)))
                for m in _MONEY.finditer(s):
                    rec.money.append(Cited(text=m.group(0).strip(), source=_evidence(q, a + m.start(), a + m.end())))
            rec.paragraph_ids.append(q.paragraph_id)
            if len(found) > 1 and q is not paragraphs[i]:
                continue
        if n == 1 and len(found) > 1:  # "Uppdraget ska slutredovisas senast …" anywhere: the first (umbrella) one
            for q in paragraphs:
                for a, b in sentence_spans(q.text, q.kind):
                    s = q.text[a:b]
                    if re.search(r"\buppdrage[tn]\b", s, re.I) and _DUE.search(s):
                        for iso, _, _ in _dates(s):
                            if iso not in seen_dates:
                                seen_dates.add(iso)
                                rec.deadlines.append(Deadline(date=iso, source=_evidence(q, a, b)))
        done = _DONE.search(task.text)
        if done:
            rec.status = Cited(text=done.group(1), source=task.source)
        if not rec.receiver:
            rec.problems.append("Mottagaren av uppdraget framgår inte.")
        rec.partial = bool(rec.problems)
        records.append(rec)
    return records


def _row_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in text.split("; "):
        key, sep, value = part.partition(": ")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def extract_targets(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[TargetRecord]:
    records: list[TargetRecord] = []

    def add(p: Paragraph, **values) -> None:
        records.append(TargetRecord(**_base(meta, "target", len(records) + 1, p), source=_evidence(p), **values))

    for p in paragraphs:
        if p.kind == "table_row":
            fields = _row_fields(p.text)
            targets = [(k, v, _TARGET_KEY.match(k)) for k, v in fields.items() if _TARGET_KEY.match(k)]
            if not targets:
                continue
            key, value, m = targets[-1]
            year = m["year"] or ""
            outcomes = [(k, v, _OUTCOME_KEY.match(k)) for k, v in fields.items() if _OUTCOME_KEY.match(k)]
            values = dict(target=value, target_year=year)
            values["goal"] = fields.get("Delmål") or fields.get("Målområde") or section_label(p.section)
            values["indicator"] = fields.get("Indikator") or fields.get("Indikatorer") or fields.get("Styrmått", "")
            for k, v, om in outcomes:
                oy = om["year"] or ""
                if year and oy and oy < year:
                    values["baseline"], values["baseline_year"] = v, oy
                else:
                    values["outcome"], values["outcome_year"] = v, oy
            ful = _FULFILMENT.search(p.text)
            values["fulfilment"] = ful.group(1) if ful else ""
            add(p, **values)
            continue
        for a, b in sentence_spans(p.text, p.kind):
            s = p.text[a:b]
            m = _TARGET_SENTENCE.search(s)
            if m:
                ful = _FULFILMENT.search(s)
                records.append(TargetRecord(
                    **_base(meta, "target", len(records) + 1, p), goal=section_label(p.section),
                    indicator=s.strip()[:300], target=m["value"].strip(), target_year=m["year"],
                    fulfilment=ful.group(1) if ful else "", source=_evidence(p, a, b),
                ))
    for rec in records:
        rec.paragraph_ids = [rec.source.paragraph_id]
        if not rec.target_year:
            rec.problems.append("Målåret framgår inte.")
            rec.partial = True
    return records
