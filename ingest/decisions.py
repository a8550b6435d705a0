"""Decision records from protocols: one record per §, every field cited to the paragraph it came from.

Works on the paragraphs ingest produced (``§ N Title › Subsection`` section paths, vote lists as
``Bilaga N Omröstning`` sections), so the register can be rebuilt from any index without the
original files. It reads what Swedish protocols state in fixed phrases:

* the decision (the "Beslut" subsection, a "… beslutar:" lead, or the § text before the first
  procedural paragraph), split into its numbered points, and whose proposal was adopted;
* yrkanden, votes ("Omröstningen utfaller med 49 Ja mot 32 Nej", "… röstar Nej (6)", "5 ja-röster")
  with the named voters from the § or from the vote list the § points to ("framgår av bilaga 6");
* reservations, jäv, "deltar inte i beslutet", protokollsanteckningar, återremiss / bordläggning.

What cannot be found is reported on the record (``partial`` + ``problems``), never guessed.
"""

from __future__ import annotations

import re
from itertools import pairwise

from core.ids import record_id, reference, section_label
from core.models import Cited, DecisionRecord, DocumentMeta, Paragraph, Stance
from core.sentences import sentence_spans
from ingest.votelists import PARTY_ABBREVIATIONS
from ingest.votes import evidence, people_in, sentences, vote_lists, votes_in

_SIGN = re.compile(r"^§\s*(\d{1,4})\b\s*(.*)$")
_DECISION_HEADING = re.compile(
    r"^(Beslut|Beslutet|[\w-]+(?: och [\w-]+)?s beslut|Fullmäktiges beslut|Förslag till beslut|Beslutsförslag"
    r"|[\w-]+(?: och [\w-]+)? beslutar(?: för egen del)?|[\w-]+(?: och [\w-]+)? föreslår \w*fullmäktige(?: att)? besluta)$", re.I
)
_PROPOSED_HEADING = re.compile(r"^(?:Förslag till beslut|Beslutsförslag)$", re.I)  # the proposal, where a decision heading is missing
_NOTE_HEADING = re.compile(r"^Protokollsanteckning(ar)?$", re.I)
_RESERVATION_HEADING = re.compile(r"^Reservation(er)?$", re.I)
_DECIDES = re.compile(r"\bbeslutar\s*(att)?\s*:?\s*$|\bbeslutar\s*:", re.I)
# A paragraph that is procedure, background or a list of recipients, not the decision itself.
_PROCEDURAL = re.compile(
    r"^(Bordlagt den|Bordlades|Handling(ar)?\b|KF Handling|\d{4} nr \d+|Yrkande(n)? från|Yttrande från"
    r"|Stadsledningskontorets tjänsteutlåtande|Tjänsteutlåtande|Ordföranden|Godkänd voteringsproposition"
    r"|Omröstning|Ledamöterna|Representanterna|Protokollsutdrag|Protokoll$|Justering|Sammanfattning"
    r"|Beslutsunderlag|Ärendet|Bakgrund|Reservation|Protokollsanteckning|Skickas till|Expedieras)"
    r"|\b(yrkar|yrkade|reserverar sig|deltar inte|på grund av jäv|ställer propositioner)\b",
    re.I,
)
_LEAD = re.compile(
    r"^(?P<lead>(?:Enligt|På förslag av)\s+(?P<who>[^:]{3,160})|[^:]{0,200}\b(?:beslutar|föreslår)\b[^:]{0,120}):\s*"
)
# What a decision says it does ("antecknas", "godkänns", "får i uppdrag" …): an unmarked § text
# without one (a question, an interpellation) is not a decision.
_DECISION_VERB = re.compile(
    r"\b(\w+(?:as|ås|s)\.|beslutar|beslutade|får i uppdrag|ges i uppdrag|anses besvarad|godkänner|"
    r"antas|antecknas|avslås|bifalls|bifalles|tillstyrks|bordläggs|återremitteras|justerar)\b", re.I
)
_POINT = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=[A-ZÅÄÖ\"”]|att\s)")  # "1. …", "1) …"
_TRAILING_JOIN = re.compile(r"[,;]\s*(?:samt|och)?\s*$")  # "att anta …, samt" / "2. att avsätta …;"
# Unnumbered att-satser: "att anta riktlinjerna, samt att de gäller från 1 april" (one point each)
_ATT_CLAUSE = re.compile(r"(?:^|(?<=[,;]\s)|(?<=[,;]\ssamt\s)|(?<=[,;]\soch\s))att\s(?!gälla\b)")  # ", att gälla från …" goes on
_FOUND = re.compile(r"finner att (?P<who>.{3,160}?) (?:har )?(?:bifallits|bifalls)", re.I)
_GROUP = re.compile(
    r"\b(?:Ledamöterna|Ledamoten|Representanterna|Representanten|Ersättarna|Gruppen|Partierna)\s+(?:från|för)\s+"
    r"(?P<parties>[A-ZÅÄÖ]{1,3}(?:\s*(?:,|och|samt)\s*[A-ZÅÄÖ]{1,3})*)\b"
)
_PARTY_NAME = re.compile(r"\b(" + "|".join(PARTY_ABBREVIATIONS) + r")s?\b", re.I)
_ABBREVIATION = r"(?:S|M|SD|C|V|L|KD|MP)"
_BARE_PARTIES = re.compile(
    rf"^\s*(?P<parties>{_ABBREVIATION}(?:\s*(?:,|och|samt)\s*{_ABBREVIATION})*)\s+(?:reserver|deltar|deltog|avstår|avstod)")
_STANCE_VERB = re.compile(r"\b(?:reserver|deltar|deltog|avstår|avstod|anmäler|anmälde)", re.I)
_RESERVES = re.compile(r"\breserver(?:ar|ade) (?:sig|de sig)\b", re.I)
_JAV = re.compile(r"på grund av jäv|\banmäler jäv\b|\bjävig\b|\bpga jäv\b", re.I)
_NOT_TAKING_PART = re.compile(
    r"\b(deltar|deltog) inte i (beslutet|handläggningen|besluten)|\bavstår från att delta i beslut", re.I
)
_NOTE = re.compile(r"\bantecknar (som yttrande|till protokollet)|\bprotokollsanteckning\b", re.I)
_MOTION = re.compile(r"\byrkar\b", re.I)
_CASE = re.compile(
    r"(?:Ärendenummer|Diarienummer|Dnr\.?:?)\s*(?P<a>[A-ZÅÄÖ]{0,5}[\s-]?\d[\w:/-]*)"
    r"|\b(?P<b>[A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6}(?::\d+)?)\b|^(?P<c>[A-ZÅÄÖ]{1,5} \d{1,5}-\d{4})$"
)


def _sub(paragraph: Paragraph) -> str:
    parts = paragraph.section.split(" › ")
    return parts[1].strip() if len(parts) > 1 else ""








def _groups(text: str) -> list[str]:
    parties: list[str] = []
    for m in _GROUP.finditer(text):
        for party in re.split(r"\s*(?:,|och|samt)\s*", m["parties"]):
            if party and party not in parties:
                parties.append(party)
    bare = _BARE_PARTIES.match(text)  # "M och KD reserverar sig …"
    for party in re.split(r"\s*(?:,|och|samt)\s*", bare["parties"]) if bare else []:
        if party not in parties:
            parties.append(party)
    verb = _STANCE_VERB.search(text)  # the parties before the verb take the stance, not "… till förmån för M:s"
    for m in _PARTY_NAME.finditer(text[:verb.start()] if verb else text):
        party = PARTY_ABBREVIATIONS[m.group(1).lower()]
        if party not in parties:
            parties.append(party)
    return parties


def _stance(p: Paragraph, a: int, b: int) -> Stance:
    text = p.text[a:b]
    return Stance(people=people_in(text), parties=_groups(text), text=text.strip(), source=evidence(p, a, b))






def _decision_paragraphs(group: list[Paragraph]) -> list[Paragraph]:
    marked = [p for p in group if _DECISION_HEADING.match(_sub(p))]
    if marked:
        exact = [p for p in marked if _sub(p).lower() in ("beslut", "beslutet")]
        decided = [p for p in marked if not _PROPOSED_HEADING.match(_sub(p))]
        return exact or decided or marked
    for i, p in enumerate(group):  # "Regionstyrelsen beslutar" then the decision
        if _DECIDES.search(p.text) and len(p.text) < 200:
            out = [p] if not p.text.rstrip().endswith(("beslutar", "beslutar:", "beslutar att")) else []
            for q in group[i + 1:]:
                if _PROCEDURAL.search(q.text) or _DECIDES.search(q.text):
                    break
                out.append(q)
            if out:
                return out
    out = []
    for p in group:  # no subsections: the text before the first procedural paragraph
        if _PROCEDURAL.search(p.text) or _sub(p):
            break
        out.append(p)
    return out if any(_DECISION_VERB.search(p.text) for p in out) else []


_MID_LEAD = re.compile(
    # "… beslutar:" (not the colon of a property designation, "Östby 3:14")
    r"(?:^|(?<=[.!?]\s))(?:Enligt|På förslag av|[A-ZÅÄÖ][^.:]{0,200}\b(?:beslutar|föreslår)\b)[^.:]{0,160}(?<!\d):(?!\d)\s*"
    # a paragraph opening "Kommunstyrelsen beslutar (följande)" / "… föreslår kommunfullmäktige besluta"
    # then att-satser (mid-paragraph, "2. Nämnden beslutar att …" is a point of its own)
    r"|^[A-ZÅÄÖ][^.:]{0,200}\b(?:beslutar|besluta|beslutade)(?:\s+följande)?\s+(?=(?:1\.\s+)?att\s|1\.\s+[A-ZÅÄÖ])"
)
_AS_PROPOSED = re.compile(r"^[^.]{0,80}\bbeslutar (?:enligt|i enlighet med) (?P<who>[^.]{3,80}?förslag)(?: till beslut)?\.?$")
_PROPOSAL_HEADING = re.compile(
    r"^(?:[\w-]+(?: och [\w-]+)?s )?förslag till (?:beslut|kommunfullmäktige|regionfullmäktige|fullmäktige)$|^[\w-]+s förslag$", re.I)
# a vote list's title left before its table ("Närvaro- och omröstningslista", "§ 100 § 101 § 103")
_LIST_TITLE = re.compile(r"^(?:Närvaro- och )?(?:omröstnings|voterings)lista$|^(?:§\s*\d{1,4}\s*)+$", re.I)
_STANCE_ONLY = re.compile(r"^[^.]{0,160}\b(?:deltar|deltog) (?:inte|ej) i (?:beslutet|handläggningen)\b[^.]*\.?$"
                          r"|^[^.]{0,160}\breserver(?:ar|ade) sig\b[^.]*\.?$|^[^.]{0,160}\banmäler jäv\b[^.]*\.?$", re.I)
_BARE_LEAD = re.compile(r"\b(beslutar|beslutar att|föreslår att \w+ beslutar)\s*:?\s*$", re.I)
_FURNITURE = re.compile(r"^(Protokoll|Justering|Justerandes sign\w*|Utdragsbestyrkande)$|^[\wåäöÅÄÖ ]{3,80} \d{4}-\d\d-\d\d$")


def _segments(text: str) -> list[tuple[int, int, int]]:
    """(lead start, body start, end) of each lead-in block in a paragraph ("… beslutar: X. Y beslutar: Z")."""
    leads = list(_MID_LEAD.finditer(text))
    if not leads:
        return [(0, 0, len(text))]
    out = [(0, 0, leads[0].start())] if leads[0].start() > 0 else []
    for m, nxt in zip(leads, [*leads[1:], None]):
        out.append((m.start(), m.end(), nxt.start() if nxt else len(text)))
    return out


def _adopted(p: Paragraph, a: int, b: int) -> Cited | None:
    lead = _LEAD.match(p.text[a:b])
    if lead and lead["who"]:
        return Cited(text=lead["who"].strip(), source=evidence(p, a + lead.start("who"), a + lead.end("who")))
    m = re.search(r"tillstyrker (\w+ förslag)", p.text[a:b])
    if m:
        return Cited(text=m.group(1), source=evidence(p, a + m.start(1), a + m.end(1)))
    return None


def _points(paragraphs: list[Paragraph]) -> tuple[list[Cited], Cited | None]:
    points: list[Cited] = []
    adopted: Cited | None = None
    for p in paragraphs:
        if _FURNITURE.match(p.text.strip()):
            continue
        if _BARE_LEAD.search(p.text) and len(p.text) < 200:  # "Regionstyrelsen beslutar" (no colon)
            continue
        for lead_start, start, end in _segments(p.text):
            if start > lead_start and adopted is None:
                adopted = _adopted(p, lead_start, start)
            rest = p.text[start:end]
            if not rest.strip():
                continue
            numbered = list(_POINT.finditer(rest))
            expected = [m for i, m in enumerate(numbered) if m.group(1) == str(i + 1)]
            if expected and expected[0].start() < 3:
                bounds = [m.start() for m in expected] + [len(rest)]
                for m, stop in zip(expected, bounds[1:]):
                    a = start + m.end()
                    b = a + len(_TRAILING_JOIN.sub("", p.text[a:start + stop].rstrip()))
                    points.append(Cited(text=p.text[a:b].strip(), source=evidence(p, a, b)))
            elif rest.lstrip().startswith("att ") and len(clauses := list(_ATT_CLAUSE.finditer(rest))) > 1:
                bounds = [m.start() for m in clauses] + [len(rest)]
                for a, b in pairwise(bounds):
                    text = _TRAILING_JOIN.sub("", rest[a:b].rstrip())
                    points.append(Cited(text=text.strip(), source=evidence(p, start + a, start + a + len(text))))
            else:
                points.append(Cited(text=rest.strip(), source=evidence(p, start, end)))
    # a member's stance under "Beslut" ("Sverigedemokraterna deltar inte i beslutet.") is no decision,
    # unless it is all the § states there
    points = [pt for pt in points if not _LIST_TITLE.match(pt.text)]
    kept = [k for pt in points if (k := _without_stance(pt))]
    return kept or points, adopted


def _without_stance(point: Cited) -> Cited | None:
    """The point without a stance sentence at its end; None when the point is only that."""
    spans = sentence_spans(point.text)
    while spans and _STANCE_ONLY.match(point.text[spans[-1][0]:spans[-1][1]].strip()):
        spans = spans[:-1]
    if not spans:
        return None
    text = point.text[:spans[-1][1]].strip()
    return point if text == point.text else Cited(text=text, source=point.source.model_copy(update={"quote": text}))


def _case_number(group: list[Paragraph], heading: str) -> str:
    for text in [heading, *(p.text for p in group[:3])]:
        m = _CASE.search(text)
        if m:
            return (m["a"] or m["b"] or m["c"]).strip()
    return ""


def _record(meta: DocumentMeta, number: str, key: str, group: list[Paragraph], lists) -> DecisionRecord:
    label = section_label(group[0].section)
    sign = _SIGN.match(label)
    title = sign.group(2).strip() if sign else label
    rec = DecisionRecord(
        record_id=record_id(meta.doc_id, "decision", key), doc_id=meta.doc_id, document_title=meta.title,
        organisation=meta.organisation, body=meta.body, doc_type=meta.doc_type, date=meta.date,
        visibility=meta.visibility, section=label, number=number, title=title,
        reference=reference(body=meta.body, organisation=meta.organisation, doc_type=meta.doc_type,
                            date=meta.date, section=label, page=group[0].page, title=meta.title),
        case_number=_case_number(group, label), paragraph_ids=[p.paragraph_id for p in group],
    )
    decision = _decision_paragraphs(group)
    rec.decision_points, rec.adopted = _points(decision)
    if len(rec.decision_points) == 1 and (by := _AS_PROPOSED.search(rec.decision_points[0].text)):
        # "Kommunfullmäktige beslutar enligt kommunstyrelsens förslag.": the proposal's points
        proposal = [p for p in group if _PROPOSAL_HEADING.match(_sub(p))]
        points, _ = _points(proposal)
        if points:
            rec.adopted = Cited(text=by["who"], source=rec.decision_points[0].source)
            rec.decision_points = points
    for p in group:
        sub = _sub(p)
        for a, b, s in sentences(p):
            if _RESERVES.search(s) or (_RESERVATION_HEADING.match(sub) and (people_in(s) or _groups(s))):
                rec.reservations.append(_stance(p, a, b))
            elif _JAV.search(s):
                rec.jav.append(_stance(p, a, b))
            elif _NOT_TAKING_PART.search(s):
                rec.not_participating.append(_stance(p, a, b))
            if _MOTION.search(s):
                rec.motions.append(Cited(text=s.strip(), source=evidence(p, a, b)))
            if _NOTE_HEADING.match(sub) or _NOTE.search(s):
                rec.notes.append(Cited(text=s.strip(), source=evidence(p, a, b)))
        if rec.adopted is None:
            found = _FOUND.search(p.text)
            if found:
                rec.adopted = Cited(text=found["who"], source=evidence(p, found.start("who"), found.end("who")))
    rec.votes = votes_in(group, lists, number)
    for point in rec.decision_points:
        if re.search(r"\båterremitt|\båterremiss", point.text, re.I) and not re.search(r"avslag på återremiss", point.text, re.I):
            rec.deferred, rec.deferred_source = "återremiss", point.source
        elif re.search(r"\bbordl(äggs|ägga|agt till)\b", point.text, re.I):
            rec.deferred, rec.deferred_source = "bordläggning", point.source
    if not rec.decision_points:
        rec.problems.append("Ingen beslutstext hittades i paragrafen.")
    for i, v in enumerate(rec.votes, 1):
        if v.yes is None or v.no is None:
            rec.problems.append(f"Omröstning {i} saknar röstsiffror.")
    if meta.ocr:
        rec.problems.append("Texten är OCR-läst; kontrollera mot originalet.")
    rec.partial = bool(rec.problems)
    return rec


def extract_decisions(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[DecisionRecord]:
    """One record per § (in document order) of a document that has § sections; [] otherwise."""
    lists = vote_lists(paragraphs)
    groups: list[tuple[str, list[Paragraph]]] = []
    for p in paragraphs:
        m = _SIGN.match(section_label(p.section))
        if not m:
            continue
        if groups and section_label(groups[-1][1][0].section) == section_label(p.section):
            groups[-1][1].append(p)
        else:
            groups.append((m.group(1), [p]))
    # A § listed twice (a table of contents, then the § itself): the occurrence without a decision
    # is dropped when another one has it.
    has_decision = [bool(_decision_paragraphs(g)) for _, g in groups]
    decided = {n for (n, _), d in zip(groups, has_decision) if d}
    groups = [(n, g) for (n, g), d in zip(groups, has_decision) if n not in decided or d]
    records: list[DecisionRecord] = []
    used: dict[str, int] = {}
    for number, group in groups:
        used[number] = used.get(number, 0) + 1
        key = number if used[number] == 1 else f"{number}-{used[number]}"
        records.append(_record(meta, number, key, group, lists))
    return records
