"""Named vote lists (voteringslistor) as protocol systems print them in an appendix.

Each list becomes a `VoteList`: one summary paragraph (what was voted on and the counts) and one
paragraph per vote value naming the members ("Röstade Nej (9): Emma Altenhammar (SD), …"), so that
"who voted against …" has a citable answer. Layouts read:

* one cell a line: a header "Antal Ja: 72 / Antal Nej: 9 / …", then name, party, seat and vote for
  every member (`vote_list_at`);
* a table with X-marked "Ja  Nej  Avstår" columns (`marked_vote_table_at`), also for several §§
  side by side in one närvaro- och voteringslista (`marked_vote_lists_at`);
* a table under "Bilaga N" with one or more members a row, each group of columns "Ledamot  Parti
  Röst" or X-marked "Ja  Nej  Avstår" (pdftotext prints a two-column page so), closed by an optional
  "Summa" line (`column_vote_list_at`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import Line
from ingest.tables import gap_cells

# The parliamentary parties written out in full ("Sverigedemokraterna reserverar sig …")
PARTY_ABBREVIATIONS = {
    "socialdemokraterna": "S", "moderaterna": "M", "sverigedemokraterna": "SD", "centerpartiet": "C",
    "vänsterpartiet": "V", "liberalerna": "L", "kristdemokraterna": "KD", "miljöpartiet": "MP",
}

_COUNT = re.compile(r"^Antal\s+(Ja|Nej|Avstår|Frånv\w*|Frånvarande|Kvittade)\s*:\s*(\d+)\s*$", re.IGNORECASE)
_APPENDIX = re.compile(r"^Bilaga\s+\d+\b")
_ITEM = re.compile(r"^(Ärende|Ärendemening|Votering|Omröstning)\s*:\s*(.+)$")
_VOTE = re.compile(r"^(Ja|Nej|Avstår|Frånvarande|Frånv)$")
_SEAT = re.compile(r"^\d{1,3}\s+(Ledamot|Ersättare|Ordförande|Ordf|\d:e\s+v\s+Ordf|[\w:. ]*Ordf\w*)$", re.I)
_PARTY = re.compile(r"^[A-ZÅÄÖ]{1,3}$")
_TRAILING_PARTY = re.compile(r"^(.*\S)\s+([A-ZÅÄÖ]{1,3})$")
_PARAGRAPH_SIGN = re.compile(r"^§\s*\d{1,4}\s+\S")
_HEADER_WORDS = {"namn", "parti", "plats", "röst", "resultat"}
_MAX_NAME_PARTS = 3



@dataclass
class VoteList:
    """One named vote: what it was about, the counts and who voted how."""

    page: int
    label: str  # "Bilaga 6"
    item: list[str] = field(default_factory=list)  # "Ärende: 10:2", "Ärendemening: …"
    counts: list[str] = field(default_factory=list)  # "Antal Ja: 72", …
    votes: dict[str, list[str]] = field(default_factory=dict)  # "Ja" -> ["Aslan Akbas (S)", …]

    @property
    def heading(self) -> str:
        about = next((v.split(":", 1)[1].strip() for v in self.item if v.startswith("Ärendemening")), "")
        return f"{self.label} Omröstning" + (f": {about}" if about else "")

    def paragraphs(self) -> list[tuple[str, str]]:
        """(kind, text) of the summary paragraph and one paragraph per vote value."""
        summary = ". ".join([*self.item, *self.counts]) + "."
        out = [("text", summary)]
        for vote, names in self.votes.items():
            out.append(("table_row", f"Röstade {vote} ({len(names)}): {', '.join(names)}."))
        return out


def _is_furniture_like(text: str, body_words: set[str]) -> bool:
    return text.lower() in body_words or bool(re.match(r"^(\d+\s*\(\d+\)|Protokoll nr \d+|Sammanträdesdatum)", text))


def vote_list_at(lines: list[Line], i: int) -> tuple[int, VoteList] | None:
    """A named vote list starting at line i ("Bilaga N" or a count line within the next lines):
    (index after it, the list), or None."""
    text = lines[i].text.strip()
    if not _APPENDIX.match(text):
        return None
    lookahead = [ln.text.strip() for ln in lines[i + 1 : i + 14] if ln.text.strip()]
    if not any(_COUNT.match(t) for t in lookahead[:8]):
        return None
    vote = VoteList(page=lines[i].page, label=text)
    pending: list[str] = []
    party = ""
    body_words = {"kommunfullmäktige", "kommunstyrelsen", "regionfullmäktige", "regionstyrelsen"}
    j = i + 1
    while j < len(lines):
        t = lines[j].text.strip()
        if not t:
            j += 1
            continue
        if _APPENDIX.match(t) or _PARAGRAPH_SIGN.match(t):
            break
        if m := _COUNT.match(t):
            vote.counts.append(f"Antal {m.group(1)}: {m.group(2)}")
        elif (m := _ITEM.match(t)) and not vote.votes:
            vote.item.append(f"{m.group(1)}: {m.group(2)}")
        elif vote.item and not vote.counts and vote.item[-1].startswith("Ärendemening"):
            vote.item[-1] += f" {t}"  # the subject wraps onto the next line
        elif _VOTE.match(t) and (pending or party):
            name = " ".join(pending[-_MAX_NAME_PARTS:])
            vote.votes.setdefault(t if t != "Frånv" else "Frånvarande", []).append(
                f"{name} ({party})" if party else name
            )
            pending, party = [], ""
        elif _SEAT.match(t) or t.lower() in _HEADER_WORDS or _is_furniture_like(t, body_words):
            pass
        elif _PARTY.match(t):
            party = t
        elif (m := _TRAILING_PARTY.match(t)) and not party and len(t) < 60:
            pending.append(m.group(1))
            party = m.group(2)
        elif len(t) < 60:
            pending.append(t)
        else:
            break  # running text: the list has ended
        j += 1
    if not vote.counts:
        return None
    return j, vote


# A voteringslista printed as a table: a header naming the vote columns, then one row per member
# with a mark ("X", or the side itself) under the column of their vote:
#   Ledamot                 Ja      Nej     Avstår
#   Ulla Berg (S)           X
_MARKED_HEADER = re.compile(r"\bJa\s{2,}Nej\b(?:\s{2,}Avstår\b)?")
_MARK = re.compile(r"(?<!\S)(?P<mark>[Xx×]|Ja|Nej|Avstår)\s*$")
_ROW_NAME = re.compile(r"^\s*(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3})\s*(?:\((?P<party>[A-ZÅÄÖ]{1,3})\)|\s{2,}(?P<col>[A-ZÅÄÖ]{1,3})\b)")
_SUM_ROW = re.compile(r"^\s*(Summa|Totalt|Antal)\b", re.I)


def marked_vote_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A vote table with marks under "Ja  Nej  Avstår" starting at line i: (index after it, one
    line per side naming its members, "Ja (5): Ulla Berg (S), …"), or None."""
    header = _MARKED_HEADER.search(lines[i].text)
    if not header:
        return None
    found = [(m.group(0), m.start()) for m in re.finditer(r"\b(Ja|Nej|Avstår)\b", lines[i].text)]
    if len({side for side, _ in found}) < len(found):
        return None  # columns for several votes ("§ 86: Ja Nej Avst, § 88: Ja Nej Avst"): not read
    if groups := _column_groups(lines[i].text):  # named columns ("Ledamöter  Tjänstgörande ersättare  Ja  Nej")
        j, votes, _ = _table_rows(lines, i, groups)
        if votes:
            return j, [f"{side} ({len(names)}): {', '.join(names)}." for side, names in votes.items()]
    columns = dict(found)
    sides: dict[str, list[str]] = {}
    j = i + 1
    while j < len(lines) and lines[j].text.strip():
        text = lines[j].text.rstrip()
        row, mark = _ROW_NAME.match(text), _MARK.search(text)
        if row and mark:
            side = mark["mark"]
            if side.lower() in ("x", "×"):  # under which column: the nearest header word
                side = min(columns, key=lambda c: abs(columns[c] - mark.start()))
            party = row["party"] or row["col"]
            sides.setdefault(side, []).append(f"{row['name']} ({party})")
        elif not _SUM_ROW.match(text):
            break
        j += 1
    if not sides:
        return None
    return j, [f"{side} ({len(names)}): {', '.join(names)}." for side, names in sides.items()]


_SIDE_WORD = re.compile(r"\b(Ja|Nej|Avst\w*)\b")
_SIGN_COLUMN = re.compile(r"§\s*(\d{1,4})")
_APPENDIX_LINE = re.compile(r"^\s*Bilaga\s+(\d+)\b")
_PERSON = re.compile(r"(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3})\s*\((?P<party>[A-ZÅÄÖ]{1,3})\)")
_X = re.compile(r"(?<!\S)[Xx×](?!\S)")


def _row_voter(text: str, first_mark: int) -> str:
    """Who voted on a row of a multi-§ list, "Name (P)": the last person before the marks (a
    tjänstgörande ersättare stands after the member it replaces), the party in parentheses or in a
    column of its own ("Birgitta Sjöholm, ordf.   S   X")."""
    people = list(_PERSON.finditer(text[:first_mark]))
    if people:
        return f"{people[-1]['name']} ({people[-1]['party']})"
    cells = [c for _, c in gap_cells(text[:first_mark])]
    party = next((c for c in reversed(cells) if _PARTY.match(c)), "")
    names = [n for c in cells if not _PARTY.match(c) and len((n := _ROLE.sub("", c).strip()).split()) >= 2]
    return (f"{names[-1]} ({party})" if party else names[-1]) if names else ""


def marked_vote_lists_at(lines: list[Line], i: int) -> tuple[int, list[VoteList]] | None:
    """A närvaro- och voteringslista with Ja/Nej/Avstår columns for several §§ side by side ("§ 86"
    and "§ 88" on the line above): (index after it, one VoteList per §), or None. A row's last
    "Name (P)" is who voted (a tjänstgörande ersättare stands after the member it replaces)."""
    sides = [(m.group(1), m.start()) for m in _SIDE_WORD.finditer(lines[i].text)]
    if len(sides) < 4 or len({side[:3].lower() for side, _ in sides}) == len(sides):
        return None
    k = i - 1
    while k >= 0 and not lines[k].text.strip():
        k -= 1
    signs = [(m.group(1), m.start()) for m in _SIGN_COLUMN.finditer(lines[k].text)] if k >= 0 else []
    if len(signs) < 2:
        return None
    columns: list[tuple[int, str, str]] = []  # position, §, side
    for side, at in sides:  # each column under its nearest § (a § stands over, or centred over, its columns)
        sign = min(signs, key=lambda s: abs(s[1] - at))[0]
        columns.append((at, sign, {"ja": "Ja", "nej": "Nej"}.get(side.lower(), "Avstår")))
    if len({sign for _, sign, _ in columns}) != len(signs):
        return None
    label = next((f"Bilaga {m.group(1)}" for q in range(k, max(k - 10, -1), -1)
                  if (m := _APPENDIX_LINE.match(lines[q].text))), "Voteringslista")
    votes: dict[str, dict[str, list[str]]] = {sign: {} for sign, _ in signs}
    j = i + 1
    while j < len(lines) and lines[j].page == lines[i].page and lines[j].text.strip():
        text = lines[j].text
        marks = [m.start() for m in _X.finditer(text)]
        voter = _row_voter(text, marks[0]) if marks else ""
        if not voter:
            if _SUM_ROW.match(text):
                j += 1
                continue
            break
        for at in marks:
            _, sign, side = min(columns, key=lambda c: abs(c[0] - at))
            votes[sign].setdefault(side, []).append(voter)
        j += 1
    if not any(votes.values()):
        return None
    return j, [VoteList(page=lines[i].page, label=label, item=[f"Ärendemening: § {sign}"],
                        counts=[f"Antal {side}: {len(names)}" for side, names in by_side.items()], votes=by_side)
               for sign, by_side in votes.items() if by_side]


# A voteringslista printed as a table whose rows hold one or more members side by side (pdftotext
# prints a two-column page so), each group of columns "Ledamot  Parti  Röst" (the vote written out)
# or "Ledamot  Parti  Ja  Nej  Avstår" (X-marked):
#   Bilaga 1
#   Voteringslista § 122
#   Ledamot               Parti  Röst     Ledamot               Parti  Röst
#   Anna Berg, ordförande S      Ja       Olle Ek               SD     Nej
#   Summa                        Ja 34    Nej 13    Avstår 2
_NAME_COLUMN = re.compile(r"^(Ledamot|Ledamöter|Namn|Ledamot\s*/\s*(?:tjänstgörande\s+)?ersättare|Tjänstgörande( ledamot)?)$", re.I)
_PARTY_COLUMN = re.compile(r"^Parti$", re.I)
_SUBSTITUTE_COLUMN = re.compile(r"^(?:Tjänstgörande\s+)?ersättare$", re.I)  # who votes in the member's place
_VOTE_COLUMN = re.compile(r"^(Röst|Röstar|Röstade|Votering|Röstning)$", re.I)
_MARK_COLUMN = re.compile(r"^(Ja|Nej|Avst\w*\.?|Frånv\w*\.?)$", re.I)
_ROLE = re.compile(r"(?:,\s*|\s+)\(?(?:\d:e\s+)?(?:vice\s+)?(?:ordförande|ordf\.?|ersättare|ers\.?|tjg\.? ers\.?)\)?\s*$", re.I)
_SUM_COUNT = re.compile(r"\b(Ja|Nej|Avstår|Avst|Frånvarande|Frånv)\b\.?\s*:?\s*(\d+)", re.I)
_LIST_SIGN = re.compile(r"§\s*(\d{1,4})")
# a member in one cell: "Tomas Hjort (S)", "Gun Holm"
_MEMBER = re.compile(r"^(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3})(?:\s*\((?P<party>[A-ZÅÄÖ]{1,3})\))?$")
_STANDS_IN = re.compile(r"\s+(?:för|i stället för|istället för)\s+[A-ZÅÄÖÉ].*$")  # "Anders Wester för Nils Grahn": the substitute votes
_LIST_PART = re.compile(r"^(?:Tjänstgörande\s+)?(?:ersättare|ledamöter)(?:\s+\(.*\))?:?$", re.I)
_ALIGN = 3


def _side(word: str) -> str:
    word = word.lower().rstrip(".")
    return "Ja" if word == "ja" else "Nej" if word == "nej" else "Frånvarande" if word.startswith("frånv") else "Avstår"


def _column_groups(text: str) -> list[list[tuple[int, str]]] | None:
    """The header's columns grouped per member ("Ledamot Parti Röst" twice -> two groups), or None."""
    groups: list[list[tuple[int, str]]] = []
    for at, cell in gap_cells(text):
        if _NAME_COLUMN.match(cell):
            if groups and [r for _, r in groups[-1]] == ["vote"]:
                groups[-1].append((at, "name"))  # "Röst  Ledamot  Parti": the vote first
            else:
                groups.append([(at, "name")])
        elif not groups and _VOTE_COLUMN.match(cell):
            groups.append([(at, "vote")])
        elif not groups:
            return None
        elif _PARTY_COLUMN.match(cell):
            groups[-1].append((at, "party"))
        elif _SUBSTITUTE_COLUMN.match(cell):
            groups[-1].append((at, "substitute"))
        elif _VOTE_COLUMN.match(cell):
            groups[-1].append((at, "vote"))
        elif _MARK_COLUMN.match(cell):
            groups[-1].append((at, _side(cell)))
        elif re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]{2,20}", cell):
            groups[-1].append((at, "other"))  # "Funktion", "Roll", "Kommun": a column that says nothing of the vote
        else:
            return None
    readable = [g for g in groups if any(r == "vote" for _, r in g) or sum(r in ("Ja", "Nej") for _, r in g) == 2]
    return groups if groups and len(readable) == len(groups) else None


def _row_votes(text: str, groups: list[list[tuple[int, str]]]) -> list[tuple[str, str]]:
    """(side, "Name (P)") of each member on a row."""
    starts = [g[0][0] for g in groups]
    placed: list[dict[str, str]] = [{} for _ in groups]
    for at, cell in gap_cells(text):
        g = max((k for k, s in enumerate(starts) if s <= at + _ALIGN), default=0)
        role = max(((c, r) for c, r in groups[g] if c <= at + _ALIGN), default=groups[g][0])[1]
        placed[g][role] = f"{placed[g].get(role, '')} {cell}".strip()
    out = []
    for cells in placed:
        name, party = cells.get("name", ""), cells.get("party", "")
        if sub := _MEMBER.match(cells.get("substitute", "")):  # a tjänstgörande ersättare votes
            name, party = sub["name"], sub["party"] or party
        if not party and (m := _TRAILING_PARTY.match(name)):
            name, party = m.group(1), m.group(2)
        name = _ROLE.sub("", _STANDS_IN.sub("", name)).strip()
        vote = cells.get("vote", "")
        side = _side(vote) if _MARK_COLUMN.match(vote) else next(
            (r for r in ("Ja", "Nej", "Avstår", "Frånvarande") if _X.fullmatch(cells.get(r, ""))), "")
        if len(name.split()) >= 2 and side and (not party or _PARTY.match(party)):
            out.append((side, f"{name} ({party})" if party else name))
    return out


def _table_rows(lines: list[Line], j: int, groups: list[list[tuple[int, str]]]) -> tuple[int, dict[str, list[str]], dict[str, int]]:
    """The member rows after header line j: (index after them, side -> members, the Summa line's counts)."""
    votes: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    page, j = lines[j].page, j + 1
    while j < len(lines):
        if lines[j].page != page:  # the list goes on after a page break under its header repeated
            ahead = [k for k in range(j, min(j + 8, len(lines))) if lines[k].page == lines[j].page and _column_groups(lines[k].text)]
            if not ahead:
                break
            page, j = lines[j].page, ahead[0] + 1
            continue
        text = lines[j].text
        if not text.strip():
            k = next((k for k in range(j, len(lines)) if lines[k].text.strip()), len(lines))
            nxt = lines[k].text if k < len(lines) else ""
            if k < len(lines) and (lines[k].page != page or _SUM_ROW.match(nxt) or _LIST_PART.match(nxt.strip())
                                   or _row_votes(nxt, groups)):
                j = k  # a page break (the list may go on under its header), the Summa line, a part for substitutes
                continue
            break
        if _SUM_ROW.match(text):
            counts = {_side(m.group(1)): int(m.group(2)) for m in _SUM_COUNT.finditer(text)} or _counts_under(text, groups)
            j += 1
            break
        row = _row_votes(text, groups)
        if not row and (_LIST_PART.match(text.strip()) or _column_groups(text)):
            j += 1  # "Tjänstgörande ersättare", or the header repeated
            continue
        if not row:
            break
        for side, name in row:
            votes.setdefault(side, []).append(name)
        j += 1
    return j, votes, counts


def _counts_under(text: str, groups: list[list[tuple[int, str]]]) -> dict[str, int]:
    """A Summa line of bare numbers ("Summa   26   12   7") under one group's Ja/Nej/Avstår columns."""
    marks = [(at, role) for at, role in groups[0] if role in ("Ja", "Nej", "Avstår", "Frånvarande")] if len(groups) == 1 else []
    counts: dict[str, int] = {}
    for m in re.finditer(r"(?<!\S)\d{1,3}(?!\S)", text):
        if marks:
            at, role = min(marks, key=lambda c: abs(c[0] - m.start()))
            if abs(at - m.start()) <= 4 and role not in counts:
                counts[role] = int(m.group(0))
    return counts


def column_vote_list_at(lines: list[Line], i: int) -> tuple[int, VoteList] | None:
    """A vote list under an appendix label ("Bilaga 1", then "Voteringslista § 122" and the
    subject) printed as a table of one or more members a row, or as one column per side: (index
    after it, the list), or None."""
    first = lines[i].text.strip()
    appendix = _APPENDIX.match(first)
    if not appendix:
        return None
    label, sign = appendix.group(0), ""  # "Bilaga 2 Voteringslista § 27": the § may stand on the label line
    if m := _LIST_SIGN.search(first[appendix.end():]):
        sign = m.group(1)
    about, j = "", i + 1
    while j < min(len(lines), i + 8) and lines[j].page == lines[i].page:
        t = lines[j].text.strip()
        if t and (groups := _column_groups(lines[j].text)):
            j, votes, counts = _table_rows(lines, j, groups)
            break
        if t and (sided := side_columns_at(lines, j)):
            j, votes, counts = sided
            break
        if t and not sign and (m := _LIST_SIGN.search(t)):
            sign = m.group(1)
        elif t and not about and not re.match(r"^(Voterings|Omröstnings)", t):
            about = t
        j += 1
    else:
        return None
    if len(about) > 200 or not votes:
        return None
    counts = counts or {side: len(names) for side, names in votes.items()}
    item = [f"Ärendemening: § {sign}"] if sign else []
    if about:
        item.append(f"Votering: {about}")
    return j, VoteList(page=lines[i].page, label=label, item=item,
                       counts=[f"Antal {side}: {n}" for side, n in counts.items()], votes=votes)


# Each side's members in a column of its own, under the side and its count, grouped under party
# names written out (a two- or three-column page as pdftotext prints it):
#   JA (26)                          NEJ (25)
#   Socialdemokraterna               Moderaterna
#   Gun Holm                         Olle Ek
#   Lars Dahl (tjg ers)              Sverigedemokraterna
_SIDE_START = re.compile(r"^\s*(?:Ja|Nej|Avst|Frånv)", re.I)
_SIDE_HEADER = re.compile(r"^(?P<side>Ja|Nej|Avstår|Avstod|Avstående|Frånvarande)(?:-röster)?\s*(?:\((?P<n>\d+)\))?:?$", re.I)


def _party_cell(cell: str) -> str | None:
    """A party heading: 'Socialdemokraterna' -> 'S', 'Miljöpartiet de gröna' -> 'MP', a local party
    ('Sjukvårdspartiet') -> ''; None when the cell is no party."""
    words = cell.split()
    if words and (len(words) == 1 or words[0] == "Miljöpartiet") and words[0].lower() in PARTY_ABBREVIATIONS:
        return PARTY_ABBREVIATIONS[words[0].lower()]
    return "" if re.fullmatch(r"[A-ZÅÄÖ][a-zåäöé]{4,}", cell) and not _SIDE_HEADER.match(cell) else None


def _list_cell(cell: str) -> bool:
    return _party_cell(cell) is not None or bool(_MEMBER.match(_ROLE.sub("", cell)))


def side_columns_at(lines: list[Line], i: int) -> tuple[int, dict[str, list[str]], dict[str, int]] | None:
    """Sides in columns of their own starting at header line i: (index after it, side -> "Name (P)",
    the counts the header states), or None."""
    if not _SIDE_START.match(lines[i].text):  # every line of every document passes here: a cheap test first
        return None
    head = [(at, _SIDE_HEADER.match(cell)) for at, cell in gap_cells(lines[i].text)]
    if len(head) < 2 or not all(m for _, m in head):
        return None
    sides = [(at, _side(m["side"])) for at, m in head if m]
    if len({side for _, side in sides}) != len(sides):
        return None
    starts = [at for at, _ in sides]
    party = [""] * len(sides)
    votes: dict[str, list[str]] = {side: [] for _, side in sides}
    j = i + 1
    while j < len(lines) and lines[j].page == lines[i].page:
        cells = gap_cells(lines[j].text)
        if not cells:
            j += 1
            if j < len(lines) and gap_cells(lines[j].text) and all(_list_cell(c) for _, c in gap_cells(lines[j].text)):
                continue  # a blank line between party groups
            break
        if not all(_list_cell(c) for _, c in cells):
            break
        for at, cell in cells:
            k = max((n for n, s in enumerate(starts) if s <= at + _ALIGN), default=0)
            if (heading := _party_cell(cell)) is not None:
                party[k] = heading
            elif m := _MEMBER.match(_ROLE.sub("", cell)):
                who = m["party"] or party[k]
                votes[sides[k][1]].append(f"{m['name']} ({who})" if who else m["name"])
        j += 1
    if not any(votes.values()):
        return None
    stated = {_side(m["side"]): int(m["n"]) for _, m in head if m and m["n"]}
    return j, {side: names for side, names in votes.items() if names}, stated


def cell_vote_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A vote table printed one cell a line ("Ledamot" / "Parti" / "Röst", then name, party and vote
    of each member, as pdftotext prints a table without -layout) starting at line i: (index after
    it, one line per side naming its members, "Ja (6): Eva Sandberg (S), …"), or None."""
    if not _NAME_COLUMN.match(lines[i].text.strip()):
        return None
    cells = [(j, t) for j in range(i, min(len(lines), i + 400)) if (t := lines[j].text.strip())]
    roles = ["name"]
    for _, t in cells[1:4]:
        role = "party" if _PARTY_COLUMN.match(t) else "vote" if _VOTE_COLUMN.match(t) else ""
        if not role:
            break
        roles.append(role)
    if "vote" not in roles:
        return None
    sides: dict[str, list[str]] = {}
    end, k = i, len(roles)
    for start in range(k, len(cells) - k + 1, k):
        member = dict(zip(roles, (t for _, t in cells[start:start + k])))
        name = _ROLE.sub("", member["name"]).strip()
        party = member.get("party", "")
        if len(name.split()) < 2 or not _MARK_COLUMN.match(member["vote"]) or (party and not _PARTY.match(party)):
            break
        sides.setdefault(_side(member["vote"]), []).append(f"{name} ({party})" if party else name)
        end = cells[start + k - 1][0] + 1
    if sum(len(names) for names in sides.values()) < 2:
        return None
    return end, [f"{side} ({len(names)}): {', '.join(names)}." for side, names in sides.items()]
