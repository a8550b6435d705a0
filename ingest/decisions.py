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
from collections.abc import Iterable
from itertools import pairwise

from core.ids import record_id, reference, section_label
from core.models import Cited, DecisionRecord, DocumentMeta, Evidence, Paragraph, PersonRef, Stance, Vote
from core.sentences import sentence_spans
from ingest.votelists import PARTY_ABBREVIATIONS

_SIGN = re.compile(r"^§\s*(\d{1,4})\b\s*(.*)$")
_VOTE_LIST = re.compile(r"^Bilaga\s+(\d+)\s+Omröstning")
_LIST_SIGN = re.compile(r"^Bilaga\s+\d+\s+Omröstning: § (\d+)$")
_DECISION_HEADING = re.compile(
    r"^(Beslut|Beslutet|\w+s beslut|Fullmäktiges beslut|Förslag till beslut|Beslutsförslag)$", re.I
)
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
_POINT = re.compile(r"(?:^|(?<=\s))(\d{1,2})\.\s+(?=[A-ZÅÄÖ\"”]|att\s)")
_TRAILING_JOIN = re.compile(r"[,;]\s*(?:samt|och)?\s*$")  # "att anta …, samt" / "2. att avsätta …;"
# Unnumbered att-satser: "att anta riktlinjerna, samt att de gäller från 1 april" (one point each)
_ATT_CLAUSE = re.compile(r"(?:^|(?<=[,;]\s)|(?<=[,;]\ssamt\s)|(?<=[,;]\soch\s))att\s(?!gälla\b)")  # ", att gälla från …" goes on
_FOUND = re.compile(r"finner att (?P<who>.{3,160}?) (?:har )?(?:bifallits|bifalls)", re.I)
_PERSON = re.compile(
    r"(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:\s+(?:[a-zåäö]{2,4}\s+)?[A-ZÅÄÖÉ][\w'-]+){1,3})\s*\((?P<party>[A-ZÅÄÖ]{1,3})\)"
)
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
_PROPOSITION = re.compile(r"voteringsproposition:\s*[\"”](?P<text>[^\"”]+)[\"”]", re.I)
_OUTCOME = re.compile(r"utfaller med (?P<yes>\d+) Ja(?:-röster)? mot (?P<no>\d+) Nej", re.I)
_WORD_NUMBERS = {"en": 1, "ett": 1} | {w: n for n, w in enumerate(
    ["två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv", "tretton", "fjorton", "femton"], start=2)}
_NUMBER = r"(?P<n>\d+|" + "|".join(_WORD_NUMBERS) + ")"
# "2 ledamöter avstår", "Vänsterpartiets fyra ledamöter avstår från att rösta"
_ABSTAIN = re.compile(rf"\b{_NUMBER} (?:ledamöter|ledamot|ersättare) (?:avstår|avstod)", re.I)
_ABSENT = re.compile(rf"\b{_NUMBER} (?:ledamöter|ledamot) (?:är |var )?frånvarande", re.I)
_INLINE_SIDE = re.compile(r"röstar (?P<side>Ja|Nej) \((?P<n>\d+)\)|avstår från att rösta \((?P<abst>\d+)\)", re.I)
# "Omröstningsresultat: 8 ja, 5 nej, 2 avstår"; "Ordförandens förslag (ja) erhåller 8 röster och …
# förslag (nej) 5 röster"
_COUNT_LIST = re.compile(r"\b(?P<yes>\d+)\s+ja\b\s*,?\s*(?P<no>\d+)\s+nej\b(?:\s*,?\s*(?:och\s+)?(?P<abst>\d+)\s+avst\w*)?", re.I)
_SIDE_GETS = re.compile(r"\((?P<side>ja|nej)\)\s+(?:erhåller\s+|får\s+|fick\s+)?(?P<n>\d+)\s+röster\b", re.I)
_COUNTED = re.compile(r"(?P<n>\d+) (?P<side>ja|nej)-röst(?:er)?\b|(?P<n2>\d+) röster mot (?P<n3>\d+)", re.I)
# "Hur var och en har röstat framgår av bilaga 1", "Voteringslista, se bilaga 2"
_APPENDIX_REF = re.compile(r"framgår av bilaga (?P<n>\d+)|(?=.*(?:röst|voter|omröstning)).*?\bbilaga (?P<m>\d+)", re.I)
_VOTE_ROW = re.compile(r"^Röstade (?P<side>Ja|Nej|Avstår|Frånv\w*|Frånvarande) \((?P<n>\d+)\):\s*(?P<names>.*?)\.?$")
# A named vote list in the § itself: "Ja-röster: A (S), B (M)", "Nej (3): C (SD), D (V)", "Avstår (2): …"
_SIDE_LABEL = re.compile(r"(?:^|(?<=[\s.;]))(?:(?P<side>Ja|Nej|Avstår|Avstående)(?:-röster|röster)?(?:\s+röst(?:ar|ade))?"
                         r"(?:\s*\((?P<n>\d+)\)\s*:?|\s*:)|För\s+(?P<for>ja|nej)\s+röstade\s*:?)\s*", re.I)
# The side as a heading of its own ("Ja" then a member a line, merged into "Ja Anna Berg (S) …")
_BARE_SIDE = re.compile(r"^(?P<side>Ja|Nej|Avstår)\s+(?=" + _PERSON.pattern + ")")  # a heading: the sentence's start
# "Anna Berg (S) och Bo Ek (S) röstar ja", "… röstade nej"
_VOTED_SIDE = re.compile(r"\bröst(?:ar|ade)\s+(?P<side>ja|nej)\b", re.I)
_VOTING = re.compile(r"\bröst(?:ar|ade)\b", re.I)
_PERSON_SIDE = re.compile(_PERSON.pattern + r"\s+(?P<side>Ja|Nej|Avstår)\b(?!-)(?!\s*[:(])")  # not a label "Nej:"
_SUMMARY_COUNT = re.compile(r"Antal (?P<side>Ja|Nej|Avstår|Frånv\w*): (?P<n>\d+)")
_CASE = re.compile(
    r"(?:Ärendenummer|Diarienummer|Dnr\.?:?)\s*(?P<a>[A-ZÅÄÖ]{0,5}[\s-]?\d[\w:/-]*)"
    r"|\b(?P<b>[A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6}(?::\d+)?)\b|^(?P<c>[A-ZÅÄÖ]{1,5} \d{1,5}-\d{4})$"
)
_ROLE = re.compile(r"^(?:och\s+)?(?:ordföranden|tjänstgörande ersättaren|ersättaren|ledamoten|vice ordföranden)\s+", re.I)
_HEADER_WORD = re.compile(r"^(?:(?:Funktion|Namn|Parti|Plats|Röst)\s+)+")


def _sub(paragraph: Paragraph) -> str:
    parts = paragraph.section.split(" › ")
    return parts[1].strip() if len(parts) > 1 else ""


def _evidence(p: Paragraph, start: int = 0, end: int | None = None) -> Evidence:
    return Evidence(paragraph_id=p.paragraph_id, page=p.page, quote=p.text[start:end].strip())


def _sentences(p: Paragraph) -> Iterable[tuple[int, int, str]]:
    for a, b in sentence_spans(p.text):
        yield a, b, p.text[a:b]


def _people(text: str) -> list[PersonRef]:
    out, seen = [], set()
    for m in _PERSON.finditer(text):
        name = _ROLE.sub("", m["name"]).strip()
        if name not in seen:
            seen.add(name)
            out.append(PersonRef(name=name, party=m["party"]))
    return out


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
    return Stance(people=_people(text), parties=_groups(text), text=text.strip(), source=_evidence(p, a, b))


def _named(names: str) -> list[PersonRef]:
    """'Aslan Akbas (S), Bettan Andersson (V)' or 'A (S), B (V) och ordföranden C (S)' -> people."""
    people = [PersonRef(name=_HEADER_WORD.sub("", p.name), party=p.party) for p in _people(names)]
    if people:
        return people
    return [PersonRef(name=n.strip()) for n in re.split(r",\s*|\s+och\s+", names) if n.strip()]


def vote_lists(paragraphs: list[Paragraph]) -> dict[str, tuple[list[Paragraph], dict]]:
    """Appendix number -> (its paragraphs, {'counts': {...}, 'named': {...}})."""
    found: dict[str, tuple[list[Paragraph], dict]] = {}
    for p in paragraphs:
        m = _VOTE_LIST.match(section_label(p.section))
        if not m:
            continue
        sign = _LIST_SIGN.search(section_label(p.section))  # one list of several §§: "Bilaga 1 Omröstning: § 86"
        key = f"{m.group(1)}§{sign.group(1)}" if sign else m.group(1)
        ps, data = found.setdefault(key, ([], {"counts": {}, "named": {}}))
        ps.append(p)
        row = _VOTE_ROW.match(p.text)
        if row:
            side = row["side"].lower()
            side = "frånvarande" if side.startswith("frånv") else side
            data["named"][side] = _named(row["names"])
        for c in _SUMMARY_COUNT.finditer(p.text):
            data["counts"][c["side"].lower()[:5]] = int(c["n"])
    return found


def _decision_paragraphs(group: list[Paragraph]) -> list[Paragraph]:
    marked = [p for p in group if _DECISION_HEADING.match(_sub(p))]
    if marked:
        exact = [p for p in marked if _sub(p).lower() in ("beslut", "beslutet")]
        return exact or marked
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
    r"|^[A-ZÅÄÖ][^.:]{0,200}\b(?:beslutar|besluta|beslutade)(?:\s+följande)?\s+(?=(?:1\.\s+)?att\s)"
)
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
        return Cited(text=lead["who"].strip(), source=_evidence(p, a + lead.start("who"), a + lead.end("who")))
    m = re.search(r"tillstyrker (\w+ förslag)", p.text[a:b])
    if m:
        return Cited(text=m.group(1), source=_evidence(p, a + m.start(1), a + m.end(1)))
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
                    points.append(Cited(text=p.text[a:b].strip(), source=_evidence(p, a, b)))
            elif rest.lstrip().startswith("att ") and len(clauses := list(_ATT_CLAUSE.finditer(rest))) > 1:
                bounds = [m.start() for m in clauses] + [len(rest)]
                for a, b in pairwise(bounds):
                    text = _TRAILING_JOIN.sub("", rest[a:b].rstrip())
                    points.append(Cited(text=text.strip(), source=_evidence(p, start + a, start + a + len(text))))
            else:
                points.append(Cited(text=rest.strip(), source=_evidence(p, start, end)))
    return points, adopted


def _side_key(word: str) -> str:
    """'Ja' / 'Nej' / 'Avstår' (or 'Avstående') as the key of Vote.named."""
    return {"ja": "ja", "nej": "nej"}.get(word.lower(), "avstår")


_COUNT_FIELD = {"ja": "yes", "nej": "no", "avstår": "abstain"}


def _set_count(v: Vote, side: str, n: int | None, *, keep: bool = False) -> None:
    """Set the count of a side ("ja", "nej", "avstår"); keep=True leaves a count already read."""
    field = _COUNT_FIELD[side]
    if n is not None and not (keep and getattr(v, field) is not None):
        setattr(v, field, n)


def _cite(v: Vote, ev: Evidence) -> None:
    """Add a source to the vote unless it already cites that text."""
    if ev not in v.sources:
        v.sources.append(ev)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def _named_sides(s: str, one_a_line: bool) -> list[tuple[str, int | None, list[PersonRef]]]:
    """(side, stated count, members) of each side a sentence lists: after a label ("Ja-röster (3): …",
    "Nej röstar: …", "För ja röstade …", a bare "Ja" heading), or before "röstar ja"."""
    labels = list(_SIDE_LABEL.finditer(s)) or ([] if one_a_line else list(_BARE_SIDE.finditer(s)))
    spans = [(m.group("side") or m.groupdict().get("for") or "", m.groupdict().get("n"), m.end(), nxt.start() if nxt else len(s))
             for m, nxt in zip(labels, [*labels[1:], None])]
    if not labels and not one_a_line:  # the members stand before their side: "A (S) och B (S) röstar ja"
        after = list(_VOTED_SIDE.finditer(s))
        spans = [(m["side"], None, prev.end() if prev else 0, m.start()) for prev, m in zip([None, *after[:-1]], after)
                 if not _VOTING.search(s, prev.end() if prev else 0, m.start())]  # only the names just before it
    out = []
    for side, n, a, b in spans:
        people = _people(s[a:b])
        if people:
            out.append((_side_key(side), int(n) if n else None, people))
    return out


def _votes(group: list[Paragraph], lists: dict[str, tuple[list[Paragraph], dict]], number: str = "") -> list[Vote]:
    votes: list[Vote] = []
    current: Vote | None = None

    def vote() -> Vote:
        nonlocal current
        if current is None:
            current = Vote()
            votes.append(current)
        return current

    for p in group:
        props = list(_PROPOSITION.finditer(p.text))  # the quoted proposition may span sentences
        for a, b, s in _sentences(p):
            ev = _evidence(p, a, b)
            prop = next((m for m in props if a <= m.start() < b), None)
            if prop:
                current = Vote(proposition=prop["text"].strip())
                votes.append(current)
                _cite(current, ev)
            out = _OUTCOME.search(s)
            if out:
                v = vote() if current is None or current.yes is None else current
                if v.yes is not None:  # a second outcome without a new proposition
                    v = Vote()
                    votes.append(v)
                    current = v
                v.yes, v.no = int(out["yes"]), int(out["no"])
                _cite(v, ev)
            for m in _ABSTAIN.finditer(s):
                vote().abstain = _count(m["n"])
            for m in _ABSENT.finditer(s):
                vote().absent = _count(m["n"])
            side = _INLINE_SIDE.search(s)
            if side:
                v = vote()
                key = "avstår" if side["abst"] else side["side"].lower()
                _set_count(v, key, int(side["abst"] or side["n"]))
                v.named[key] = _people(s[: side.start()])
                _cite(v, ev)
            for m in _COUNT_LIST.finditer(s):
                v = vote()
                v.yes, v.no = int(m["yes"]), int(m["no"])
                _set_count(v, "avstår", int(m["abst"]) if m["abst"] else None)
                _cite(v, ev)
            for m in _SIDE_GETS.finditer(s):
                v = vote()
                _set_count(v, _side_key(m["side"]), int(m["n"]))
                _cite(v, ev)
            counted = list(_COUNTED.finditer(s))
            stated = {("ja" if m["side"].lower() == "ja" else "nej") if m["n"] else "pair": m for m in counted}
            pair = (int(stated["ja"]["n"]), int(stated["nej"]["n"])) if "ja" in stated and "nej" in stated else None
            if pair and current is not None and current.yes is not None and current.no is not None \
                    and (current.yes, current.no) != pair:
                current = None  # other counts than the vote's so far: the next vote in the §
            for m in counted:
                v = vote()
                if m["n"]:
                    _set_count(v, _side_key(m["side"]), int(m["n"]))
                else:
                    v.yes, v.no = int(m["n2"]), int(m["n3"])
                _cite(v, ev)
            marked = list(_PERSON_SIDE.finditer(s))
            if len(marked) >= 2:  # "Peter Lindgren (M) Ja Karin Berg (M) Ja Olle Ek (SD) Nej": one name a line
                v = vote()
                if v.named:
                    current = v = Vote()
                    votes.append(v)
                for m in marked:
                    v.named.setdefault(_side_key(m["side"]), []).append(PersonRef(name=_ROLE.sub("", m["name"]).strip(), party=m["party"]))
                _cite(v, ev)
            for listed_side, listed_n, people in _named_sides(s, bool(marked)):
                v = vote()
                if listed_side in v.named and v.named[listed_side] != people:  # a side listed again: the next vote's list
                    current = v = Vote()
                    votes.append(v)
                v.named.setdefault(listed_side, people)
                _set_count(v, listed_side, listed_n, keep=True)
                _cite(v, ev)
            ref = _APPENDIX_REF.search(s)
            n = (ref["n"] or ref["m"]) if ref else ""
            key = (f"{n}§{number}" if f"{n}§{number}" in lists else n) if ref else ""
            if ref and key in lists and (current is not None or _LIST_SIGN.match(section_label(lists[key][0][0].section))):
                current = vote()  # a list of its own for this § ("Bilaga 1 Omröstning: § 86") is its vote
                listed, data = lists[key]
                for key, people in data["named"].items():
                    current.named.setdefault(key, people)
                counts = data["counts"]
                _set_count(current, "ja", counts.get("ja"), keep=True)
                _set_count(current, "nej", counts.get("nej"), keep=True)
                _set_count(current, "avstår", counts.get("avstå") or None, keep=True)
                for q in listed:
                    _cite(current, _evidence(q))
    return votes


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
    for p in group:
        sub = _sub(p)
        for a, b, s in _sentences(p):
            if _RESERVES.search(s) or (_RESERVATION_HEADING.match(sub) and (_people(s) or _groups(s))):
                rec.reservations.append(_stance(p, a, b))
            elif _JAV.search(s):
                rec.jav.append(_stance(p, a, b))
            elif _NOT_TAKING_PART.search(s):
                rec.not_participating.append(_stance(p, a, b))
            if _MOTION.search(s):
                rec.motions.append(Cited(text=s.strip(), source=_evidence(p, a, b)))
            if _NOTE_HEADING.match(sub) or _NOTE.search(s):
                rec.notes.append(Cited(text=s.strip(), source=_evidence(p, a, b)))
        if rec.adopted is None:
            found = _FOUND.search(p.text)
            if found:
                rec.adopted = Cited(text=found["who"], source=_evidence(p, found.start("who"), found.end("who")))
    rec.votes = _votes(group, lists, number)
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
