"""Votes in a protocol §: the counts, the named voters per side and the vote list a § points to.

Read from the paragraphs ingest produced: "Omröstningen utfaller med 49 Ja mot 32 Nej", "5 ja-röster",
"Omröstningsresultat: 8 ja, 5 nej, 2 avstår", "… röstar Nej (6)", "Ja-röster (3): …", "För ja
röstade …", "A (S) och B (S) röstar ja", a list of "Name (P) Ja" rows, and the appendix vote lists
(``Bilaga N Omröstning`` sections, `ingest.votelists`) a § refers to ("framgår av bilaga 6", "se
bilaga 2"). Also the person and evidence helpers the protocol readers share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.ids import section_label
from core.models import Evidence, Paragraph, PersonRef, Vote
from core.sentences import sentence_spans
from ingest.votelists import PARTY_ABBREVIATIONS

_VOTE_LIST = re.compile(r"^Bilaga\s+(\d+|[A-Z])\s+Omröstning")

_LIST_SIGN = re.compile(r"^Bilaga\s+(?:\d+|[A-Z])\s+Omröstning: § (\d+)$")

_PERSON = re.compile(
    r"(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:\s+(?:[a-zåäö]{2,4}\s+)?[A-ZÅÄÖÉ][\w'-]+){1,3})\s*\((?P<party>[A-ZÅÄÖ]{1,3})\)"
)

_PROPOSITION = re.compile(r"voteringsproposition:\s*[\"”](?P<text>[^\"”]+)[\"”]", re.I)

_OUTCOME = re.compile(r"utfaller med (?P<yes>\d+) Ja(?:-röster)? mot (?P<no>\d+) Nej", re.I)

_WORD_NUMBERS = {"en": 1, "ett": 1} | {w: n for n, w in enumerate(
    ["två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv", "tretton", "fjorton", "femton"], start=2)}

_NUMBER = r"(?P<n>\d+|" + "|".join(_WORD_NUMBERS) + ")"

# "2 ledamöter avstår", "Vänsterpartiets fyra ledamöter avstår från att rösta"
_ABSTAIN = re.compile(rf"\b{_NUMBER} (?:ledamöter|ledamot|ersättare) (?:avstår|avstod)"
                      r"|\bröst(?:er|en)?\s*,\s*(?:och\s+)?(?P<after>\d+)\s+(?:avstår|avstod|avstående)\b", re.I)  # "… 3 nej-röster, 1 avstår"

_ABSENT = re.compile(rf"\b{_NUMBER} (?:ledamöter|ledamot) (?:är |var )?frånvarande", re.I)

_INLINE_SIDE = re.compile(r"röstar (?P<side>Ja|Nej) \((?P<n>\d+)\)|avstår från att rösta \((?P<abst>\d+)\)", re.I)

# "Omröstningsresultat: 8 ja, 5 nej, 2 avstår"; "Ordförandens förslag (ja) erhåller 8 röster och …
# förslag (nej) 5 röster"
_COUNT_LIST = re.compile(r"\b(?P<yes>\d+)\s+ja\b\s*,?\s*(?P<no>\d+)\s+nej\b(?:\s*,?\s*(?:och\s+)?(?P<abst>\d+)\s+avst\w*)?", re.I)

_SIDE_GETS = re.compile(r"\((?P<side>ja|nej)\)\s+(?:erhåller\s+|får\s+|fick\s+)?(?P<n>\d+)\s+röster\b", re.I)

_COUNTED = re.compile(r"(?P<n>\d+) (?P<side>ja|nej)-röst(?:er)?\b|(?P<n2>\d+) röster mot (?P<n3>\d+)", re.I)

# "Hur var och en har röstat framgår av bilaga 1", "Voteringslista, se bilaga 2"
_APPENDIX_REF = re.compile(r"framgår av bilaga (?P<n>\d+|(?-i:[A-Z])\b)|(?=.*(?:röst|voter|omröstning)).*?\bbilaga (?P<m>\d+|(?-i:[A-Z])\b)", re.I)

_VOTE_ROW = re.compile(r"^Röstade (?P<side>Ja|Nej|Avstår|Frånv\w*|Frånvarande) \((?P<n>\d+)\):\s*(?P<names>.*?)\.?$")

# A named vote list in the § itself: "Ja-röster: A (S), B (M)", "Nej (3): C (SD), D (V)", "Avstår (2): …"
_SIDE_LABEL = re.compile(r"(?:^|(?<=[\s.;]))(?:(?P<side>Ja|Nej|Avstår|Avstående)(?:-röster|röster)?(?:\s+röst(?:ar|ade))?"
                         r"(?:\s*\((?P<n>\d+)\)\s*:?|\s*:|(?<=röstar)(?=\s+(?-i:[A-ZÅÄÖÉ]))|(?<=röstade)(?=\s+(?-i:[A-ZÅÄÖÉ])))"
                         r"|För\s+(?P<for>ja|nej)\s+röstade\s*:?)\s*", re.I)

# The side as a heading of its own ("Ja" then a member a line, merged into "Ja Anna Berg (S) …")
_BARE_SIDE = re.compile(r"^(?P<side>Ja|Nej|Avstår)\s+(?=" + _PERSON.pattern + ")")  # a heading: the sentence's start

# "Anna Berg (S) och Bo Ek (S) röstar ja", "… röstade nej"
# "Helena Vik (V) avstår från att rösta"
_VOTED_SIDE = re.compile(r"\bröst(?:ar|ade)\s+(?P<side>ja|nej)\b|\b(?P<abst>avstår|avstod) från att rösta\b", re.I)

_VOTING = re.compile(r"\bröst(?:ar|ade)\b", re.I)

_ROW_SIDE = re.compile(r"(?P<name>(?!(?:Namn|Parti|Röst|Ledamot)\b)[A-ZÅÄÖÉ][\w'-]+(?:[ -](?!(?:Namn|Parti|Röst)\b)[A-ZÅÄÖÉ][\w'-]+){1,3})"
                       r"(?:\s*\([^)]{1,60}\))?"
                       r"\s+(?P<party>[A-ZÅÄÖ]{1,3})\s+(?P<side>Ja|Nej|Avstår)\b(?!-)")

_PERSON_SIDE = re.compile(_PERSON.pattern + r"\s+(?P<side>Ja|Nej|Avstår)\b(?!-)(?!\s*[:(])")  # not a label "Nej:"

_SUMMARY_COUNT = re.compile(r"Antal (?P<side>Ja|Nej|Avstår|Frånv\w*): (?P<n>\d+)")

_ROLE = re.compile(r"^(?:och\s+)?(?:ordföranden|tjänstgörande ersättaren|ersättaren|ledamoten|vice ordföranden)\s+", re.I)

_HEADER_WORD = re.compile(r"^(?:(?:Funktion|Namn|Parti|Plats|Röst)\s+)+")

def evidence(p: Paragraph, start: int = 0, end: int | None = None) -> Evidence:
    return Evidence(paragraph_id=p.paragraph_id, page=p.page, quote=p.text[start:end].strip())

def sentences(p: Paragraph) -> Iterable[tuple[int, int, str]]:
    for a, b in sentence_spans(p.text):
        yield a, b, p.text[a:b]

def people_in(text: str) -> list[PersonRef]:
    out, seen = [], set()
    for m in _PERSON.finditer(text):
        name = _ROLE.sub("", m["name"]).strip()
        if name not in seen:
            seen.add(name)
            out.append(PersonRef(name=name, party=m["party"]))
    return out

def _named(names: str) -> list[PersonRef]:
    """'Aslan Akbas (S), Bettan Andersson (V)' or 'A (S), B (V) och ordföranden C (S)' -> people."""
    people = [PersonRef(name=_HEADER_WORD.sub("", p.name), party=p.party) for p in people_in(names)]
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

# A roll call by party: "Moderaterna: Linnea Strand och Johan Ek röstar ja.", "Centerpartiet: Ulla
# Berg avstår från att rösta."
_PARTY_ROLL = re.compile(r"^(?P<party>[A-ZÅÄÖ][a-zåäö]+(?: de gröna)?):\s*(?P<names>[A-ZÅÄÖÉ][^:;]{2,300}?)\s+"
                         r"(?:röst(?:ar|ade)\s+(?P<side>ja|nej)|(?:avstår|avstod)\s+från\s+att\s+rösta)\.?$")
_ROLL_NAME = re.compile(r"^[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3}$")


def _party_roll(s: str) -> tuple[str, list[PersonRef]] | None:
    """(side, members) of a party's line in a roll call, or None."""
    m = _PARTY_ROLL.match(s.strip())
    if not m or m["party"].split()[0].lower() not in PARTY_ABBREVIATIONS:
        return None
    names = [n.strip() for n in re.split(r",\s*|\s+och\s+", re.sub(r"\s*\([^)]*\)", "", m["names"]))]
    if not names or not all(_ROLL_NAME.match(n) for n in names):
        return None
    party = PARTY_ABBREVIATIONS[m["party"].split()[0].lower()]
    return _side_key(m["side"] or "avstår"), [PersonRef(name=n, party=party) for n in names]


def _named_sides(s: str, one_a_line: bool) -> list[tuple[str, int | None, list[PersonRef]]]:
    """(side, stated count, members) of each side a sentence lists: after a label ("Ja-röster (3): …",
    "Nej röstar: …", "För ja röstade …", a bare "Ja" heading), or before "röstar ja"."""
    labels = list(_SIDE_LABEL.finditer(s)) or ([] if one_a_line else list(_BARE_SIDE.finditer(s)))
    spans = [(m.group("side") or m.groupdict().get("for") or "", m.groupdict().get("n"), m.end(), nxt.start() if nxt else len(s))
             for m, nxt in zip(labels, [*labels[1:], None])]
    if not labels and not one_a_line:  # the members stand before their side: "A (S) och B (S) röstar ja"
        after = list(_VOTED_SIDE.finditer(s))
        spans = [(m["side"] or "avstår", None, prev.end() if prev else 0, m.start()) for prev, m in zip([None, *after[:-1]], after)
                 if not _VOTING.search(s, prev.end() if prev else 0, m.start())]  # only the names just before it
    out = []
    for side, n, a, b in spans:
        people = people_in(s[a:b])
        if people:
            out.append((_side_key(side), int(n) if n else None, people))
    return out

def votes_in(group: list[Paragraph], lists: dict[str, tuple[list[Paragraph], dict]], number: str = "") -> list[Vote]:
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
        for a, b, s in sentences(p):
            ev = evidence(p, a, b)
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
                vote().abstain = _count(m["n"] or m["after"])
            for m in _ABSENT.finditer(s):
                vote().absent = _count(m["n"])
            side = _INLINE_SIDE.search(s)
            if side:
                v = vote()
                key = "avstår" if side["abst"] else side["side"].lower()
                _set_count(v, key, int(side["abst"] or side["n"]))
                v.named[key] = people_in(s[: side.start()])
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
            if len(marked) < 2:  # "Namn Parti Röst" rows printed with single spaces: "Lena Viklund S Nej"
                marked = list(_ROW_SIDE.finditer(s)) if len(_ROW_SIDE.findall(s)) >= 3 else marked
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
            if roll := _party_roll(s):  # "Moderaterna: Linnea Strand och Johan Ek röstar ja." (one party a sentence)
                v = vote()
                v.named.setdefault(roll[0], []).extend(roll[1])
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
                    _cite(current, evidence(q))
    return votes
