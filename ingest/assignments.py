"""Assignment (uppdrag) records from plans, directives, reports and protocols.

Like `ingest.decisions`, this reads the paragraphs ingest produced, so every field cites the
paragraph it came from:

* an assignment is a sentence in which someone is given a task ("X får i uppdrag att …",
  "Regeringen uppdrar åt X att …", "uppdrag … till X att …") or a list item under a lead such as
  "följande uppdrag till regionstyrelsen;" (an item ending in "(RS)" goes to the receiver that
  abbreviation names). In a directive, a paragraph opening "<receiver> ska …" (a receiver the
  directive named, or "Myndigheterna") is one of its measures: part of the umbrella assignment,
  which carries their money. Deadlines are the dates that closely follow a reporting word
  ("ska redovisas senast den 31 mars 2026") in the same section, and a year the task names
  ("ska under 2025 …"); not the date of a decision referred to ("regeringens beslut den …").
  Money is the amounts of the assignment's own paragraph and of a later sentence in its section
  that funds it ("För uppdraget avsätts …"). A flattened "uppdrag | ansvarig"
  table in a plan's assignment section gives tasks that open with an infinitive and their bodies.

Targets (mål) are read by `ingest.targets`.
"""

from __future__ import annotations

import re

from core.ids import record_id, reference, section_label
from core.models import (
    AssignmentRecord,
    Cited,
    Deadline,
    DocumentMeta,
    Evidence,
    Paragraph,
)
from core.sentences import sentence_spans
from ingest.amounts import MONEY, due_dates

# A receiver phrase with a modal ("Förvaltningen bör enligt yttrandet ges i uppdrag …") is a recommendation.
_GIVEN = re.compile(
    r"(?P<recv>[A-ZÅÄÖ](?:(?!\s(?:bör|borde|kan|kunde|skulle|kommer att)\s|,?\s(?:samt\s)?att\s)[^.;:]){1,160}?)\s+(?:får|ges|gavs|fick|har\s+(?:nu\s+|även\s+|också\s+|tidigare\s+)?fått|har|hade)\s+(?:även\s+|också\s+|nu\s+|bland annat\s+)?(?:i\s+)?uppdrag(?:et)?\s+(?:att\b|(?=[a-zåäö]{3,}a\s))",  # "får i uppdrag arbeta …" (att left out)
)
# "Nämnden uppdras att …", "Förvaltningen ska fortsätta sitt uppdrag att …"
_CHARGED = re.compile(
    r"(?P<recv>[A-ZÅÄÖ](?:(?!,?\s(?:samt\s)?att\s)[^.;:]){1,160}?)\s+(?:uppdras|ska\s+fortsätta\s+(?:med\s+)?(?:sitt|sina|det)\s+uppdrag(?:et)?)"
    r"\s+(?:även\s+|också\s+)?att\b"
)
# An att-sats of a decision: "att uppdra åt kommundirektören att …", "att ge förvaltningen i uppdrag att …"
_ATT_GIVEN = re.compile(
    r"\batt\s+(?:uppdra\s+(?:åt|till)\s+(?P<recv>[\wåäöÅÄÖ][^.;:]{1,160}?)\s+(?:i\s+uppdrag\s+)?"
    r"|ge\s+(?P<recv2>[\wåäöÅÄÖ][^.;:]{1,160}?)\s+i\s+uppdrag\s+"
    # "…, samt att kultur- och fritidsnämnden ges i uppdrag att …", "att kommundirektören uppdras att …"
    r"|(?P<recv3>[a-zåäö](?:(?!\satt\s)[^.;:,]){1,100}?)\s+(?:(?:får|ges)\s+i\s+uppdrag|uppdras)\s+)att\b"
)
_NEXT_CLAUSE = re.compile(r"[,;]\s*(?:samt\s+|och\s+)?(?:\d{1,2}\.\s+)?att\s|\s\d{1,2}\.\s+att\s")
_GOVERNMENT = re.compile(
    r"\b(?P<giver>Regeringen|(?:[A-ZÅÄÖ][\w]*-\s+och\s+[a-zåäö]+|[A-ZÅÄÖa-zåäö][\w-]*)?(?i:fullmäktige|styrelsen|nämnden))"
    r"\s+(?:(?:uppdrar|uppdrog)\s+(?:åt\s+)?|(?:ger|gav)\s+(?:(?:den\s+\d{1,2}\s+[a-zåäö]+\s+|i\s+[a-zåäö]+\s+)?\d{4}\s+)?(?=[^.;:]{1,160}?\s+i uppdrag\s+att\b))"
    r"(?P<recv>[\wÅÄÖåäö][^.;:]{1,160}?)\s+(?:i uppdrag\s+)?att\b"
)
# The verb first, after a time ("I juni 2026 uppdrog nämnden åt X att …")
_INVERTED = re.compile(
    r"\b(?P<verb>uppdrar|uppdrog)\s+(?P<giver>(?:[A-ZÅÄÖa-zåäö][\w-]*)?(?i:fullmäktige|styrelsen|nämnden))\s+åt\s+"
    r"(?P<recv>[\wÅÄÖåäö][^.;:]{1,160}?)\s+att\b"
)
# A follow-up's status of an earlier assignment: "Uppdraget att …, som regionstyrelsen gav
# regiondirektören den 4 mars 2025, är genomfört." (in a protocol, closing one is not a new one)
_FOLLOWED_UP = re.compile(
    r"^Uppdrage[tn]\s+att\s+[^.;]{3,240}?,\s+som\s+(?P<giver>[^,.;]{2,80}?)\s+(?:gav|lämnade|har\s+gett|gett)\s+"
    r"(?P<recv>[^,.;]{2,80}?)(?:\s+(?:den\s+)?\d{1,2}\s+[a-zåäö]+\s+\d{4}|\s+(?:i\s+[a-zåäö]+\s+)?\d{4}(?:-\d\d-\d\d)?)?\s*,"
)
# In a protocol: a yrkande proposes, it gives nothing; and a § whose decision sends the matter
# back or tables it gives nothing outside that decision (its proposal was not adopted)
_MOTIONS_PART = re.compile(r"^Yrkande(?:n|na)?$", re.I)
_DECISION_PART = re.compile(r"^(?:[\wåäöÅÄÖ-]+s\s+)?beslut(?:et)?$", re.I)
_NOT_DECIDED = re.compile(r"\båterremitter\w*|\bbordl[äa]gg\w*", re.I)
# "Kommunfullmäktige gav i juni 2024 kommunstyrelsen i uppdrag …": an earlier assignment recalled
_GAVE = re.compile(r"\s+(?:gav|uppdrog)\s+")
_REPORTED = re.compile(
    r"\buppdrag\s+(?:[^.;:]{0,80}?\s)?till\s+(?P<recv>[a-zåäöA-ZÅÄÖ][^.;:]{1,160}?),?\s+(?:att|om att)\b"
)
_LIST_LEAD = re.compile(r"\buppdrag(?:en)?\s+till\s+(?P<recv>[\w åäöÅÄÖ-]{3,80}?)\s*[;:]\s*$", re.I)
# The next numbered decision point in a § ("… senast den 30 november 2026. 3. Planens ram …")
_NEXT_POINT = re.compile(r"(?<=\s)\d{1,2}\.\s+(?=[A-ZÅÄÖ])")
# "(RS)" / "(RS, RUN)" at the end of a list item: which of the lead's receivers it is for
_ABBR_TAIL = re.compile(r"\(\s*(?P<abbr>[A-ZÅÄÖ]{2,6}(?:\s*(?:,|och|&)\s*[A-ZÅÄÖ]{2,6})*)\s*\)\s*\.?\s*$")
_NAME_STOP = {"och", "för", "i", "av", "med", "om", "till"}
# "Folkhälsomyndigheten ska (även) ta fram …" opening a paragraph of a directive
_SHALL = re.compile(r"(?P<subj>[A-ZÅÄÖ][^.;:]{1,120}?)\s+ska\s+(?:även\s+|också\s+|dessutom\s+)?(?P<rest>\w.*)", re.S)
_REPORTING = re.compile(r"\b(?:redovisa|rapportera|återrapportera|(?:fortlöpande\s+|löpande\s+)?informera|\w*redovisning\w*|föra\s+en\s+(?:löpande\s+)?dialog|stämma\s+av|samråda|samverka)\b", re.I)  # in the first 120 characters
# "regeringens beslut den 19 december 2019 med uppdrag till X att …" refers to an earlier assignment
_EARLIER = re.compile(r"\bbeslut(?:et)?\s+den\s+[^.]{0,30}?\d{4}\b[^.]{0,40}?\buppdrag\s+till\b", re.I)
# A board's proposal to the council: the assignments in it are given when the council decides.
_OWN_PART = re.compile(r"\bbeslutar\s+(?:för\s+egen\s+del|själv)\b", re.I)
_PROPOSES = re.compile(r"\bföreslår\s+(?:att\s+)?(?:kommun|region)?fullmäktige\s+(?:att\s+)?besluta", re.I)
# A decision that reports on or closes an earlier assignment ("Redovisning av kommunfullmäktiges uppdrag
# 2024-02-01 § 26 till …", "Kommunstyrelsens uppdrag 2025-09-24 § 721 … förklaras fullgjort"): not a new one.
_CLOSES = re.compile(r"\bredovisning\s+av\b[^.]{0,60}?\buppdrag|\buppdrag\s+(?:\d{4}-\d\d-\d\d|den\s+\d{1,2}\s+\w+\s+\d{4})"
                     r"\s+§|\bförklaras\s+(?:fullgjor|slutredovisa)|\banses\s+(?:fullgjor|besvara)", re.I)
_FOR_MEASURE = re.compile(r"\s*För\s+(?:[^.]{0,40}?\s)?(?:åtgärden|åtgärderna|denna\s+åtgärd|insatsen|uppdraget|arbetet)\s+får\b", re.I)
_PROPOSED_BEFORE = re.compile(r"\bföreslår\s+(?:att\s+)?$")  # "… föreslår att kommunfullmäktige ger X i uppdrag"
_WHOLE_REPORT = re.compile(r"\buppdrage[tn]\b|\b(?:slut|del)(?:redovis|rapport)\w*", re.I)
_FUNDS = re.compile(r"^\s*För\s+(?:uppdraget|detta|arbetet|åtgärden|ändamålet)\b|\bavsätts\b|\btillförs\b|\bfår\s+(?:[^.]{0,60}?\s)?använda\b", re.I)
_OTHER_TASK = re.compile(r"\bi\s+uppdrag\s+att\b|\buppdrar\s+åt\b", re.I)
_PLURAL_RECEIVER = re.compile(r"^(Myndigheterna|Nämnderna|Styrelserna|Förvaltningarna)$")
# "Myndigheten ska …" in a directive to "Myndigheten för vattenvård": the receiver by its kind
_SINGULAR_RECEIVER = re.compile(r"^(?P<kind>Myndighet|Nämnd|Styrelse|Förvaltning)en$")
# The year the work is done: "X ska under 2025 …", "… i uppdrag att införa … under 2026."
_TASK_YEAR = re.compile(r"\b(?:ska|att)\s+(?:även\s+)?under\s+(?P<year>20\d\d)\b|\bunder\s+(?:(?:våren|hösten|sommaren|vintern)\s+)?(?P<end>20\d\d)(?:\s*\.?\s*$|,?\s+inom\s+(?:en\s+)?ram\b)")  # "… under hösten 2026"
# A two-column "uppdrag | ansvarig" table flattened into text: a task opening with an infinitive
# ("Formalisera arbetet …") and the bodies responsible after it or in the next paragraph
_BODY_UNIT = (r"(?:[A-ZÅÄÖ][\w]*-\s+och\s+)?(?:(?:[A-ZÅÄÖ][\w]*|[a-zåäö]+a)\s+)?"
              r"[\w]*(?i:nämnd|styrelse|förvaltning|fullmäktige|direktör|beredning|kontor)\w*(?:\s+för\s+[a-zåäö]+)?")
_BODIES = re.compile(rf"(?:Alla\s+)?{_BODY_UNIT}(?:(?:,\s*|\s+och\s+){_BODY_UNIT})*")
_INFINITIVE = re.compile(
    r"^(?!(?:Denna|Dessa|Andra|Flera|Båda|Hela|Vissa|Alla|Sina|Våra|Samma|Enda|Nya|Stora|Senaste)\s)"
    r"(?:[A-ZÅÄÖ][a-zåäö]{2,}(?<!rna)a|Ta|Se|Gå|Nå|Få)\s")  # not "Ledamöterna", "Dessa"
_STATUS_LEAD = re.compile(r"^(?:Uppdraget|Arbetet|Utredningen)\b")
_DONE = re.compile(r"\b(förklaras fullgjort|fullgjort|genomfört|avslutat|pågår|delvis genomfört|ej påbörjat)\b", re.I)
def cite_span(p: Paragraph, a: int = 0, b: int | None = None) -> Evidence:
    return Evidence(paragraph_id=p.paragraph_id, page=p.page, quote=p.text[a:b].strip())


def _split_names(text: str) -> list[str]:
    """"E-hälsomyndigheten, Försäkringskassan och Statens kulturråd" -> three names
    ("Hälso- och sjukvårdsnämnden" stays one)."""
    guarded = re.sub(r"-\s+(och|eller)\s+", lambda m: "-\x00" + m[1] + "\x00", text)
    parts = re.split(r",\s*|\s+(?:och|samt)\s+", guarded)
    return [p.replace("\x00", " ").strip(" ,") for p in parts if p.strip(" ,")]


def _abbreviates(abbr: str, name: str) -> bool:
    """True when `abbr` reads as the initials of `name`'s words and compound parts, in order:
    RS = regionstyrelsen, RUN = regionala utvecklingsnämnden, MUCF = Myndigheten för ungdoms- och
    civilsamhällesfrågor (each word's first letter must be used)."""
    words = [w for w in re.findall(r"\w+", name.casefold()) if w not in _NAME_STOP]
    a = abbr.casefold()
    if not words or not a or words[0][0] != a[0]:
        return False

    def go(i: int, w: int, j: int) -> bool:
        if i == len(a):
            return w == len(words) - 1
        if w + 1 < len(words) and words[w + 1][0] == a[i] and go(i + 1, w + 1, 0):
            return True
        k = words[w].find(a[i], j + 1)
        while k != -1:
            if go(i + 1, w, k):
                return True
            k = words[w].find(a[i], k + 1)
        return False

    return go(1, 0, 0)


def _receiver_for_item(lead_receiver: str, item: str) -> str:
    """The lead's receivers an item's "(RS, RUN)" tail names (all of them when it names none)."""
    tail = _ABBR_TAIL.search(item)
    names = _split_names(lead_receiver)
    if not tail or len(names) < 2:
        return lead_receiver
    abbrs = re.split(r"\s*(?:,|och|&)\s*", tail["abbr"])
    chosen = [n for n in names if any(_abbreviates(x, n) for x in abbrs)]
    if not chosen or len(chosen) == len(names):
        return lead_receiver
    return chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " och " + chosen[-1]


def _clean_receiver(text: str) -> str:
    text = re.sub(r"^(\d{1,2}\.\s*|att\s+|och\s+|samt\s+)", "", text.strip())
    text = re.sub(r"^[A-ZÅÄÖ]{1,3}\s?\d{1,3}(?:\.\d{1,2})?[:.]?\s+(?=[A-ZÅÄÖ])", "", text)  # an item code: "U1 Nämnden"
    # "… gav den 12 februari 2026, § 9, trafikförvaltningen i uppdrag": the date and § of the decision
    text = re.sub(r"^(?:den\s+\d{1,2}\s+[a-zåäö]+\s+\d{4}|i\s+[a-zåäö]+\s+\d{4}|\d{4}-\d\d-\d\d),?\s*(?:§\s*\d+\s*,?\s*)?", "", text)
    text = re.sub(r"^Det är\s+(.+?)\s+som$", r"\1", text)  # "Det är Folkhälsomyndigheten som"
    text = re.sub(r"^(?:.*\s)?till\s+(.+?)\s+som$", r"\1", text)  # "Ärendet återremitteras till X som"
    text = re.sub(r"\s*\([^)]{1,40}\)$", "", text)  # "Statens jordbruksverk (Jordbruksverket)"
    text = re.sub(r"^.*\)\s+(?=[A-ZÅÄÖ][\w-]+(?:\s|$))", "", text)  # a heading run in: "Uppdrag 1 – … (RF …, § 162) Regionstyrelsen"
    return text.strip(" ,")


def record_base(meta: DocumentMeta, kind: str, n: int, p: Paragraph) -> dict:
    label = section_label(p.section)
    return {
        "record_id": record_id(meta.doc_id, kind, n), "doc_id": meta.doc_id, "document_title": meta.title,
        "organisation": meta.organisation, "body": meta.body, "doc_type": meta.doc_type, "date": meta.date,
        "visibility": meta.visibility, "section": label,
        "reference": reference(body=meta.body, organisation=meta.organisation, doc_type=meta.doc_type,
                            date=meta.date, section=label, page=p.page, title=meta.title),
    }


def _names_given(raw_receiver: str) -> set[str]:
    """The names an assignment's receiver phrase gives, with short forms in parentheses:
    "Statens jordbruksverk (Jordbruksverket)" -> {"statens jordbruksverk", "jordbruksverket"}."""
    names = set(_split_names(_clean_receiver(re.sub(r"\([^)]*\)", "", raw_receiver))))
    names |= {m.strip() for m in re.findall(r"\(([^)]{2,40})\)", raw_receiver)}
    return {_name_key(n) for n in names if n}


def _name_key(name: str) -> str:
    """Compare names without case and line-break hyphens ("Försäkrings-kassan" = "Försäkringskassan")."""
    return name.casefold().replace("-", "").replace(" ", "")


def _table_assignments(paragraphs: list[Paragraph], giver: str) -> tuple[list[tuple[int, str, str, Cited, bool]], set[int]]:
    """Tasks and their responsible bodies from a flattened "uppdrag | ansvarig" table in a section about
    assignments; returns them and the indices of the paragraphs they used."""
    found: list[tuple[int, str, str, Cited, bool]] = []
    used: set[int] = set()
    pending: tuple[int, int, int] | None = None  # (paragraph, start, end) of a task awaiting its bodies
    for i, p in enumerate(paragraphs):
        if "uppdrag" not in p.section.casefold() or p.section.startswith("§"):  # a plan's table, not a protocol §
            pending = None
            continue
        if p.kind == "list_item":  # the points of a task: its bodies may follow them
            continue
        text = p.text
        whole = _BODIES.fullmatch(text.strip(" ."))
        if whole:
            if pending:
                j, a, b = pending
                found.append((j, giver, whole.group(0), Cited(text=paragraphs[j].text[a:b].strip(),
                                                              source=cite_span(paragraphs[j], a, b)), False))
                used |= {i, j}
            pending = None
            continue
        pending, pos = None, 0
        while pos < len(text) and _INFINITIVE.match(text[pos:]):
            tail = None
            for m in _BODIES.finditer(text, pos):
                after = text[m.end():]
                # a column of its own: capitalised, not the end of the task's sentence ("… mellan förvaltningarna.")
                if m.start() > pos + 15 and m.group(0)[0].isupper() and not after.startswith(".") and (
                        not after.strip() or _INFINITIVE.match(after.lstrip())):
                    tail = m
                    break
            if tail is None:
                pending = (i, pos, len(text))
                break
            task_end = tail.start()
            found.append((i, giver, tail.group(0), Cited(text=text[pos:task_end].strip(), source=cite_span(p, pos, task_end)), False))
            used.add(i)
            pos = tail.end() + (len(text[tail.end():]) - len(text[tail.end():].lstrip()))
    return found, used


def _found_assignments(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[tuple[int, str, str, Cited, bool]]:
    """(paragraph index, giver, receiver, task, is a measure of a directive) in document order."""
    giver_default = meta.body or meta.organisation
    known: set[str] = set()
    directive_giver = ""
    # "följande uppdrag till regionstyrelsen:" governs the list items after it in the same section
    # (footnotes or a page break between them do not end the list; a new section or lead does)
    lead_receiver, lead_section = "", None
    proposal_section = None  # "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:" (not given here)
    found, in_table = _table_assignments(paragraphs, giver_default)
    not_decided = {section_label(p.section) for p in paragraphs if p.section.startswith("§")
                   and _DECISION_PART.match(p.section.rsplit(" › ", 1)[-1]) and _NOT_DECIDED.search(p.text)}
    gives_now = any(m["giver"] == "Regeringen" and not _GAVE.match(p.text, m.end("giver"))
                    for p in paragraphs for m in _GOVERNMENT.finditer(p.text))
    for i, p in enumerate(paragraphs):
        if i in in_table:
            continue
        if p.section.startswith("§") and (_MOTIONS_PART.match(p.section.rsplit(" › ", 1)[-1]) or (
                section_label(p.section) in not_decided and not _DECISION_PART.match(p.section.rsplit(" › ", 1)[-1]))):
            continue
        if p.section != lead_section:
            lead_receiver = ""
        if _PROPOSES.search(p.text) or (p.section.startswith("§") and _PROPOSES.search(p.section.rsplit(" › ", 1)[-1])):
            proposal_section = p.section  # the lead in the text, or as the heading above it
        elif p.section == proposal_section and _OWN_PART.search(p.text):
            proposal_section = None  # "Regionstyrelsen beslutar för egen del": its own decision again
        if p.section == proposal_section:
            continue
        if p.kind == "list_item" and lead_receiver:
            found.append((i, giver_default, _receiver_for_item(lead_receiver, p.text),
                          Cited(text=p.text.strip(), source=cite_span(p)), False))
            continue
        lead = _LIST_LEAD.search(p.text)
        if lead:
            lead_receiver, lead_section = lead["recv"].strip(), p.section
            continue
        for a, b in sentence_spans(p.text, p.kind):
            numbered = re.match(r"\d{1,2}\.\s+", p.text[a:b])  # "2. Trafiknämnden får i uppdrag …"
            a += numbered.end() if numbered else 0
            s = p.text[a:b]
            gov = _GOVERNMENT.search(s) or _INVERTED.search(s)
            given = _GIVEN.search(s) or _CHARGED.search(s)
            clauses = [] if gov or given else list(_ATT_GIVEN.finditer(s))
            reported = _REPORTED.search(s)
            followed = _FOLLOWED_UP.search(s) if not p.section.startswith("§") else None
            task = Cited(text=s.strip(), source=cite_span(p, a, b))
            if gov and _PROPOSED_BEFORE.search(s[:gov.start()]):
                pass  # "Nämnden föreslår att kommunfullmäktige ger …": a proposal, given where it is decided
            elif gov and (_GAVE.match(s, gov.end("giver")) or gov.groupdict().get("verb") == "uppdrog") and (p.section.startswith("§") or (gives_now and gov["giver"] == "Regeringen")):
                pass  # an earlier assignment recalled in a § or in the background of a directive
            elif gov:
                found.append((i, gov["giver"], _clean_receiver(gov["recv"]), task, False))
                known |= _names_given(gov["recv"])
                directive_giver = directive_giver or gov["giver"]
            elif given:
                found.append((i, giver_default, _clean_receiver(given["recv"]), task, False))
                known |= _names_given(given["recv"])
            elif clauses:  # each task is its own att-sats, not the decision's lead or the next att-sats
                for c in clauses:
                    nxt = _NEXT_CLAUSE.search(s, c.end())
                    end = a + (nxt.start() if nxt else len(s))
                    clause = Cited(text=p.text[a + c.start():end].strip(), source=cite_span(p, a + c.start(), end))
                    found.append((i, giver_default, _clean_receiver(c["recv"] or c["recv2"] or c["recv3"]), clause, False))
            elif followed:
                found.append((i, followed["giver"][:1].upper() + followed["giver"][1:], _clean_receiver(followed["recv"]), task, False))
            elif reported and not _EARLIER.search(s) and not _CLOSES.search(s):
                giver = "kommunfullmäktige" if "fullmäktiges uppdrag" in s else giver_default
                found.append((i, giver, _clean_receiver(reported["recv"]), task, False))
    if directive_giver != "Regeringen":
        return found
    # A directive's measures: a paragraph opening "<a receiver it named> ska …" (not a reporting duty)
    taken = {(i, t.text) for i, _, _, t, _ in found}
    receivers = {_name_key(r) for _, _, r, _, _ in found}
    for i, p in enumerate(paragraphs):
        spans = sentence_spans(p.text, p.kind)
        if p.kind != "text" or not spans:
            continue
        a, b = spans[0]
        m = _SHALL.match(p.text[a:b])
        if not m or _REPORTING.search(m["rest"][:120]) or ("senast" in m["rest"][:80] and _REPORTING.search(m["rest"])):
            continue
        subject = m["subj"].strip()
        names = [_name_key(n) for n in _split_names(subject)]
        kind = _SINGULAR_RECEIVER.match(subject)
        if not (all(n in known for n in names) or (_PLURAL_RECEIVER.match(subject) and len(known) > 1)
                or (kind and any(kind["kind"].casefold() in n for n in known))
                or (subject == "Myndigheten" and len(receivers) == 1)):  # the one agency the directive addresses
            continue
        task = Cited(text=p.text[a:b].strip(), source=cite_span(p, a, b))
        if (i, task.text) in taken:  # already found ("… med uppdrag till X att …"): mark it a measure
            found = [(j, g, r, t, True) if (j, t.text) == (i, task.text) else (j, g, r, t, d) for j, g, r, t, d in found]
        else:
            found.append((i, directive_giver, subject, task, True))
    return sorted(found, key=lambda f: (f[0], paragraphs[f[0]].text.find(f[3].source.quote)))


def _deadlines_in(q: Paragraph, a: int, b: int) -> list[tuple[str, Evidence]]:
    """The deadlines a sentence states, cited to it."""
    return [(iso, cite_span(q, a, b)) for iso in due_dates(q.text[a:b])]


def _add_deadline(rec: AssignmentRecord, iso: str, ev: Evidence) -> None:
    """Add a deadline to the record unless it already has that date (the first evidence wins)."""
    if all(d.date != iso for d in rec.deadlines):
        rec.deadlines.append(Deadline(date=iso, source=ev))


def _add_task_year(rec: AssignmentRecord) -> None:
    """The year the task names as when the work is done ("ska under 2025 …", "… under 2026.")."""
    year = _TASK_YEAR.search(rec.task.text)
    if year:
        _add_deadline(rec, year["year"] or year["end"], rec.task.source)


def extract_assignments(meta: DocumentMeta, paragraphs: list[Paragraph]) -> list[AssignmentRecord]:
    found, seen = [], set()
    for item in _found_assignments(meta, paragraphs):  # a decision repeated in the § is one assignment
        key = (item[2].casefold(), " ".join(item[3].text.casefold().split()))
        if key not in seen:
            seen.add(key)
            found.append(item)
    # "Uppdraget ska slutredovisas senast …" anywhere: a deadline of the umbrella assignment
    umbrella_due = [(iso, ev) for q in paragraphs for a, b in sentence_spans(q.text, q.kind)
                    if _WHOLE_REPORT.search(q.text[a:b]) for iso, ev in _deadlines_in(q, a, b)]
    # A directive's measures ("Jordbruksverket ska under 2025 …") are assignments of their own, with
    # their own year and money (evals/gold/REGISTER.md, "Granularity"); the umbrella also lists
    # every measure's money.
    measure_money = [m for n, f in enumerate(found) if f[4] for m in _measure_money(found, n, paragraphs)]
    records: list[AssignmentRecord] = []
    for n, (i, giver, receiver, task, measure) in enumerate(found):
        if measure:
            records.append(_measure_record(meta, len(records) + 1, found, n, paragraphs, umbrella_due))
            continue
        p = paragraphs[i]
        nxt = found[n + 1][0] if n + 1 < len(found) else len(paragraphs)
        label = section_label(p.section)
        # Where its deadlines and money may be stated: in a protocol's §, its own decision point
        # only (the § goes on with other decisions, a budget's amounts, the reasoning); elsewhere
        # its own paragraph, then the paragraphs of the same section up to the next assignment (the
        # whole document when it states only one). evals/gold/REGISTER.md states both rules.
        rec = AssignmentRecord(**record_base(meta, "assignment", len(records) + 1, p), giver=giver, receiver=receiver, task=task)
        _add_task_year(rec)
        start = p.text.find(task.source.quote)
        if p.section.startswith("§") and start >= 0:
            # A decision point's own dates and sums, not its neighbours': an att-sats ("3. att uppdra
            # åt X att …") is a point of its own; a sentence goes on to the next assignment of the
            # paragraph ("X får i uppdrag att … Slutrapport lämnas per december 2024.").
            end = start + len(task.source.quote)
            if not task.text.startswith("att "):
                later = [at for at in (p.text.find(f[3].source.quote) for f in found[n + 1:] if f[0] == i) if at > start]
                end = min(later, default=len(p.text))
            if re.match(r"\d{1,2}\.\s", p.text):  # numbered points: the next point is another decision
                point = _NEXT_POINT.search(p.text, start + 1)
                end = min(end, point.start() if point else end)
            for a, b in sentence_spans(p.text, p.kind):
                for iso, ev in _deadlines_in(p, max(a, start), min(b, end)) if a < end and b > start else []:
                    _add_deadline(rec, iso, ev)
            rec.paragraph_ids.append(p.paragraph_id)
            own = _money_at(p, start, end)
            rec.money = [m for k, m in enumerate(own) if m.text not in {o.text for o in own[:k]}]
        else:
            scope = [p]
            for q in [q for q in paragraphs[i + 1:max(nxt, i + 1)] if section_label(q.section) == label][:8]:
                if _OTHER_TASK.search(q.text):
                    break  # another task stated there (a proposal not counted as given): its dates are its own
                scope.append(q)
            if len(found) == 1:
                scope = paragraphs[i:] + paragraphs[:i]
            for q in scope:
                for a, b in sentence_spans(q.text, q.kind):
                    for iso, ev in _deadlines_in(q, a, b):
                        _add_deadline(rec, iso, ev)
                rec.paragraph_ids.append(q.paragraph_id)
            # money: the assignment's own paragraph, and a later sentence that funds it ("För
            # uppdraget avsätts 2 miljoner kronor."), not every amount of the section's statistics
            rec.money = _money_in(scope) if len(found) == 1 else _money_in([p]) + [
                m for q in scope[1:] for a, b in sentence_spans(q.text, q.kind) if _FUNDS.search(q.text[a:b])
                for m in _money_at(q, a, b)]
        if n == 0 and len(found) > 1 and (giver == "Regeringen" or any(f[4] for f in found)):
            # a directive's umbrella: its report dates, wherever they stand (a plan's numbered
            # assignments are each other's peers, not one umbrella)
            for iso, ev in umbrella_due:
                _add_deadline(rec, iso, ev)
        done, source = _DONE.search(task.text), task.source
        after = p.text.find(task.source.quote) + len(task.source.quote)
        nxt_sentence = next(((a, b) for a, b in sentence_spans(p.text, p.kind) if a >= after), None)
        if not done and nxt_sentence and _STATUS_LEAD.match(p.text[nxt_sentence[0]:nxt_sentence[1]]):
            done = _DONE.search(p.text[nxt_sentence[0]:nxt_sentence[1]])  # "… i uppdrag att … Uppdraget pågår."
            source = cite_span(p, *nxt_sentence)
        if done:
            rec.status = Cited(text=done.group(1), source=source)
        if not rec.receiver:
            rec.problems.append("Mottagaren av uppdraget framgår inte.")
        rec.partial = bool(rec.problems)
        records.append(rec)
    umbrella = next((r for r, f in zip(records, found) if not f[4] and r.giver == found[0][1]), None) if measure_money else None
    if umbrella is not None:
        have = {m.text for m in umbrella.money}
        for m in measure_money:
            if m.text not in have:
                have.add(m.text)
                umbrella.money.append(m)
    return records


def _measure_record(
    meta: DocumentMeta, number: int, found: list[tuple[int, str, str, Cited, bool]], n: int,
    paragraphs: list[Paragraph], umbrella_due: list[tuple[str, Evidence]],
) -> AssignmentRecord:
    """Measure n of a directive: its year ("ska under 2025"), the reporting dates of its own
    paragraph, the directive's final report date, and its money."""
    i, giver, receiver, task, _ = found[n]
    p = paragraphs[i]
    rec = AssignmentRecord(**record_base(meta, "assignment", number, p), giver=giver, receiver=receiver, task=task)
    _add_task_year(rec)
    final = [max(umbrella_due, key=lambda d: d[0])] if umbrella_due else []  # the slutredovisning, not interim reports
    for iso, ev in [*(d for a, b in sentence_spans(p.text, p.kind) for d in _deadlines_in(p, a, b)), *final]:
        _add_deadline(rec, iso, ev)
    rec.money = _measure_money(found, n, paragraphs)
    for pid in [p.paragraph_id, *(m.source.paragraph_id for m in rec.money)]:
        if pid not in rec.paragraph_ids:
            rec.paragraph_ids.append(pid)
    return rec


def _money_at(q: Paragraph, a: int, b: int) -> list[Cited]:
    return [Cited(text=m.group(0).strip(), source=cite_span(q, a + m.start(), a + m.end())) for m in MONEY.finditer(q.text[a:b])]


def _money_in(paragraphs: list[Paragraph]) -> list[Cited]:
    return [m for q in paragraphs for a, b in sentence_spans(q.text, q.kind) for m in _money_at(q, a, b)]


def _measure_money(found: list[tuple[int, str, str, Cited, bool]], n: int, paragraphs: list[Paragraph]) -> list[Cited]:
    """The money of measure n (evals/gold/REGISTER.md): in its own paragraph, and, when it is the
    first measure under its heading, in the sentence "För åtgärden får X … använda …" under it."""
    i = found[n][0]
    section = paragraphs[i].section
    own = _money_in([paragraphs[i]])
    first = next(j for j, f in enumerate(found) if f[4] and paragraphs[f[0]].section == section)
    if first != n:
        return own
    under = [q for q in paragraphs[i + 1:] if q.section == section][:12]
    return own + [m for q in under for a, b in sentence_spans(q.text, q.kind) if _FOR_MEASURE.match(q.text[a:b])
                  for m in _money_at(q, a, b)]
