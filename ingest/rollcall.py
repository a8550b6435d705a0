"""Roll-call vote lists whose cells are codes a legend explains.

Protocols print a member's vote as a letter or a sign, with a legend beside the table:

    Förklaring: J = ja, N = nej, A = avstår, – = ej närvarande vid voteringen
    Ledamot / tjänstgörande ersättare     Närvarande §    § 87      § 89
    Socialdemokraterna (S)
      Anna Berg, ordförande               84–92           J         N
                                                          § 87      § 89
    Summa ja                                              20        28

or, inline in a §, with the party first and one vote column:

      Parti   Ledamot                     Röst
      S       Karin Wall, ordförande      +
      Teckenförklaring: + ja, – nej, 0 avstår, / deltar inte i beslutet

Columns are found by their header ("§ 87" or "Röst"), members by their name cell, the party from a
party column, the name's parentheses or the party heading above, and the vote by the legend (J/N/A and
the written-out words when there is none). A code the legend gives no vote ("–", "/", "jäv") is no vote.
"""

from __future__ import annotations

import re

from ingest.clean import Line
from ingest.tables import gap_cells
from ingest.votelists import PARTY_ABBREVIATIONS, VoteList

_NAME_HEADER = re.compile(r"^(?:Ordinarie\s+)?(?:Ledamot|Ledamöter|Namn)\b", re.I)
_VOTE_HEADER = re.compile(r"^(?:Röst|Röstar|Röstade|Votering)$", re.I)
_SIGN_HEADER = re.compile(r"^§\s*(\d{1,4})$")
_PARTY_HEADER = re.compile(r"^Parti$", re.I)
_APPENDIX_LINE = re.compile(r"^\s*Bilaga\s+(\d+)\b")
_SIDES = {"ja": "Ja", "nej": "Nej", "avstår": "Avstår", "avstod": "Avstår", "avstående": "Avstår"}
_DEFAULT_CODES = {"j": "Ja", "ja": "Ja", "n": "Nej", "nej": "Nej", "a": "Avstår", "avstår": "Avstår"}
# "J = ja", "+ ja", ", – = ej närvarande": a code and what it stands for
_LEGEND_PAIR = re.compile(r"(?:^|[:,;]\s*|\s{2,})(?P<code>[^\s,:;=]{1,3})\s*(?P<eq>=)?\s*(?P<word>ja|nej|avstår|avstod|avstående)\b", re.I)
# The member's name, then an optional party or role in parentheses and an optional ", role"
_NAME_CELL = re.compile(
    r"^(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3})\s*(?:\((?P<paren>[^)]{1,60})\))?\s*(?:,\s*[^,()]{1,40})?$")
_PARTY_LINE = re.compile(r"^(?P<name>[A-ZÅÄÖ][a-zåäö]+(?: de gröna)?)(?:\s*\((?P<abbr>[A-ZÅÄÖ]{1,3})\))?$")
_SUMMA = re.compile(r"^\s*Summa\b:?\s*(?P<rest>.*)$", re.I)
_ALIGN = 3
_LOOK_AHEAD = 12


def _legend(lines: list[Line], a: int, b: int) -> dict[str, str]:
    """The codes a legend line between lines a and b explains ("Förklaring: J = ja, …"), lower-cased."""
    for ln in lines[max(a, 0):min(b, len(lines))]:
        pairs = list(_LEGEND_PAIR.finditer(ln.text))
        if ("förklaring" in ln.text.lower() and pairs) or sum(1 for p in pairs if p["eq"]) >= 2:
            return {p["code"].lower(): _SIDES[p["word"].lower()] for p in pairs}
    return {}


def _header(text: str) -> tuple[int, int | None, list[tuple[int, str]]] | None:
    """(name column, party column, vote columns as (position, § or "")) of a header line, or None."""
    cells = gap_cells(text)
    name = next((at for at, c in cells if _NAME_HEADER.match(c)), None)
    if name is None:
        return None
    party = next((at for at, c in cells if _PARTY_HEADER.match(c)), None)
    signs = [(at, m.group(1)) for at, c in cells if (m := _SIGN_HEADER.match(c))]
    votes = signs or [(at, "") for at, c in cells if _VOTE_HEADER.match(c) and at > name]
    if not votes or (signs and any(_VOTE_HEADER.match(c) for _, c in cells)):
        return None
    return name, party, votes


def _party_of(cell: str) -> str | None:
    """A party heading ("Socialdemokraterna (S)", "Miljöpartiet de gröna (MP)") -> its abbreviation."""
    m = _PARTY_LINE.match(cell.strip())
    if not m:
        return None
    if m["abbr"]:
        return m["abbr"]
    return PARTY_ABBREVIATIONS.get(m["name"].split()[0].lower())


class _Table:
    """The rows of one coded table: votes per column, and the Summa counts per column."""

    def __init__(self, name: int, party: int | None, columns: list[tuple[int, str]], codes: dict[str, str]) -> None:
        self.name, self.party, self.columns, self.codes = name, party, columns, codes
        self.votes: dict[str, dict[str, list[str]]] = {sign: {} for _, sign in columns}
        self.counts: dict[str, dict[str, int]] = {sign: {} for _, sign in columns}
        self.group = ""  # the party heading above

    def _column(self, at: int, width: int) -> str | None:
        for pos, sign in self.columns:
            if abs(pos - at) <= _ALIGN or at <= pos < at + width:
                return sign
        return None

    def row(self, text: str) -> bool:
        """Read a member row; False when the line is none."""
        cells = gap_cells(text)
        named = [(at, c) for at, c in cells if at < self.columns[0][0] - _ALIGN and (m := _NAME_CELL.match(c))]
        if len(cells) < 2 or not named:
            return False
        at, cell = named[0]
        m = _NAME_CELL.match(cell)
        assert m is not None
        party = next((c for a, c in cells if self.party is not None and abs(a - self.party) <= _ALIGN
                      and re.fullmatch(r"[A-ZÅÄÖ]{1,3}", c)), "")
        paren = (m["paren"] or "").strip()
        party = party or (paren if re.fullmatch(r"[A-ZÅÄÖ]{1,3}", paren) else "") or self.group
        member = f"{m['name']} ({party})" if party else m["name"]
        for a, c in cells:
            sign = self._column(a, len(c)) if a > at else None
            side = self.codes.get(c.strip().lower()) if sign is not None else None
            if side and sign is not None:
                self.votes[sign].setdefault(side, []).append(member)
        return True

    def summa(self, text: str, rest: str) -> None:
        """'Summa ja   20   28' under the § columns, or 'Summa:  + 6   – 3   0 1' by code."""
        first = rest.split()[0].lower() if rest.split() else ""
        if first in _SIDES:
            for m in re.finditer(r"(?<!\S)(\d{1,3})(?!\S)", text):
                sign = self._column(m.start(), len(m.group(1)))
                if sign is not None:
                    self.counts[sign][_SIDES[first]] = int(m.group(1))
        elif len(self.columns) == 1:
            for m in re.finditer(r"(?<!\S)(\S{1,3})\s+(\d{1,3})(?!\S)", rest):
                if side := self.codes.get(m.group(1).lower()):
                    self.counts[self.columns[0][1]][side] = int(m.group(2))


def _read(lines: list[Line], i: int) -> tuple[int, _Table] | None:
    """The coded table whose header is line i: (index after it, the table), or None."""
    head = _header(lines[i].text)
    if head is None:
        return None
    end_page = lines[i].page
    codes = _legend(lines, i - 10, i) or _legend(lines, i + 1, i + 80) or _DEFAULT_CODES
    table = _Table(*head, codes)
    j, n, rows = i + 1, len(lines), 0
    while j < n and lines[j].page == end_page:
        text = lines[j].text
        stripped = text.strip()
        if not stripped:
            k = next((k for k in range(j, n) if lines[k].text.strip()), n)
            if k < n and lines[k].page == end_page and _continues(lines[k].text, table):
                j = k
                continue
            break
        if summa := _SUMMA.match(text):
            table.summa(text, summa["rest"])
        elif (party := _party_of(stripped)) is not None and len(gap_cells(text)) == 1:
            table.group = party
        elif table.row(text):
            rows += 1
        elif not (_legend(lines, j, j + 1) or all(_SIGN_HEADER.match(c) for _, c in gap_cells(text))):
            break
        j += 1
    if rows < 2 or not any(table.votes.values()):
        return None
    return j, table


def _continues(text: str, table: _Table) -> bool:
    """Does the table go on at this line (after blank lines)?"""
    stripped = text.strip()
    return bool(_SUMMA.match(text) or _party_of(stripped) is not None or "förklaring" in stripped.lower()
                or all(_SIGN_HEADER.match(c) for _, c in gap_cells(text)) or _row_like(text, table))


def _row_like(text: str, table: _Table) -> bool:
    probe = _Table(table.name, table.party, table.columns, table.codes)
    return probe.row(text)


def coded_vote_lists_at(lines: list[Line], i: int) -> tuple[int, list[VoteList]] | None:
    """A list with a column per § ("§ 87  § 89") of coded votes, at line i or under the appendix label
    at line i ("Bilaga 1 till …", then the title, the legend and the header): (index after it, one
    VoteList per §), or None."""
    header = i
    appendix = _APPENDIX_LINE.match(lines[i].text)
    if appendix:
        header = next((k for k in range(i + 1, min(i + _LOOK_AHEAD, len(lines)))
                       if lines[k].page == lines[i].page and _header(lines[k].text)), -1)
        if header < 0:
            return None
    elif not _header(lines[i].text):
        return None
    found = _read(lines, header)
    if found is None or not found[1].columns[0][1]:
        return None
    j, table = found
    label = f"Bilaga {appendix.group(1)}" if appendix else next(
        (f"Bilaga {m.group(1)}" for q in range(header, max(header - 10, -1), -1) if (m := _APPENDIX_LINE.match(lines[q].text))),
        "Voteringslista")
    out = []
    for _, sign in table.columns:
        counts = table.counts[sign] or {side: len(names) for side, names in table.votes[sign].items()}
        out.append(VoteList(page=lines[header].page, label=label, item=[f"Ärendemening: § {sign}"],
                            counts=[f"Antal {side}: {k}" for side, k in counts.items()], votes=table.votes[sign]))
    return j, out


def coded_vote_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A table with one vote column of codes in a § starting at line i: (index after it, one line per
    side naming its members, "Ja (6): Karin Wall (S), …"), or None."""
    head = _header(lines[i].text)
    if head is None or head[2][0][1] or len(head[2]) != 1:
        return None
    found = _read(lines, i)
    if found is None:
        return None
    j, table = found
    counts, votes = table.counts[""], table.votes[""]
    return j, [f"{side} ({counts.get(side, len(names))}): {', '.join(names)}." for side, names in votes.items()]


# An appendix listing each side under its count, one line a party:
#   BILAGA A till § 144 - Voteringslista, omröstning 1
#   JA (8)
#      S:  Lena Hjort, Tomas Ekdahl, Eva Mårtensson*
#   NEJ (7)
#      M:  Karin Lövgren
#   AVSTÅR (0)
#      -
#   Totalt: 8 ja, 7 nej, 0 avstår
_LETTERED_APPENDIX = re.compile(r"^\s*(?i:bilaga)\s+(?P<id>\d+|[A-Z])\b.*?§\s*(?P<sign>\d{1,4})")
_SIDE_LINE = re.compile(r"^\s*(?P<side>ja|nej|avstår|avstod|avstående)\s*\((?P<n>\d+)\)\s*:?\s*$", re.I)
_PARTY_NAMES = re.compile(r"^\s*(?P<party>[A-ZÅÄÖ]{1,3}):\s+(?P<names>\S.*)$")
_TOTAL = re.compile(r"^\s*(?:Totalt|Summa)\s*:?", re.I)
_TOTAL_COUNT = re.compile(r"(\d+)\s+(ja|nej|avstår|avstod)\b", re.I)
_NOTE_LINE = re.compile(r"^\s*(?:\*|-|–)\s*")
_MEMBER = re.compile(r"^[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3}$")


def side_party_list_at(lines: list[Line], i: int) -> tuple[int, VoteList] | None:
    """A vote list whose sides stand under "JA (8)" with one line a party ("S: A, B"), under the
    appendix label at line i ("Bilaga A till § 144 …"): (index after it, the list), or None."""
    label = _LETTERED_APPENDIX.match(lines[i].text)
    if not label:
        return None
    j, n = i + 1, len(lines)
    while j < min(n, i + 6) and not _SIDE_LINE.match(lines[j].text):
        if _LETTERED_APPENDIX.match(lines[j].text):
            return None  # the next appendix: this one is no vote list
        j += 1
    if j >= min(n, i + 6):
        return None
    votes: dict[str, list[str]] = {}
    stated: dict[str, int] = {}
    side = ""
    while j < n:
        text = lines[j].text
        if m := _SIDE_LINE.match(text):
            side = _SIDES[m["side"].lower()]
            stated[side] = int(m["n"])
        elif (m := _PARTY_NAMES.match(text)) and side:
            names = [re.sub(r"\s*\([^)]*\)|\*", "", x).strip() for x in m["names"].split(",")]
            if not all(_MEMBER.match(x) for x in names):
                break
            votes.setdefault(side, []).extend(f"{x} ({m['party']})" for x in names)
        elif _TOTAL.match(text):
            stated.update({_SIDES[w.lower()]: int(k) for k, w in _TOTAL_COUNT.findall(text)})
        elif (not (_NOTE_LINE.match(text) and side) and text.strip()) or (not text.strip() and not any(_SIDE_LINE.match(ln.text) or _PARTY_NAMES.match(ln.text)
                                          for ln in lines[j + 1:j + 2])):
            break
        j += 1
    if not votes:
        return None
    return j, VoteList(page=lines[i].page, label=f"Bilaga {label['id']}", item=[f"Ärendemening: § {label['sign']}"],
                       counts=[f"Antal {s}: {k}" for s, k in stated.items()], votes=votes)
