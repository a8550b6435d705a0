"""Tables that text extraction spreads over one cell per line.

* **Named vote lists** (voteringslistor, as protocol systems print them in an appendix): a header
  "Antal Ja: 72 / Antal Nej: 9 / Antal Avstår: 0 / Antal Frånv: 0", then name, party, seat and vote
  for every member, one cell a line. They become one summary paragraph (what was voted on and the
  counts) and one paragraph per vote value naming the members ("Nej (9): Emma Altenhammar (SD), …"),
  so that "who voted against …" has a citable answer. A närvaro- och voteringslista with X-marked
  Ja/Nej/Avstår columns for several §§ side by side gives one such vote list per §.
* **Markdown pipe tables** (a header row, a rule row "|---|---|", body rows) become one paragraph
  per body row, each cell named by its column ("Indikator: …; Målvärde 2026: 85 %"), so that a row
  reads, and is cited, on its own.
* **Space-aligned tables** (plain text as a PDF converter lays it out): a header row whose cells
  (two or more spaces apart) name indicator, outcome, target or budget columns, an optional second
  header row ("2025", "jan–aug 2026") and rule, then rows. A row's label may wrap onto the line
  above its values, and a cell onto the line below. Each row becomes one 'Column: cell; …' paragraph.
* **Any other run of tiny cells** (attendance lists, tables of names and times) is merged into
  paragraphs of bounded size by `merge_cell_runs`: thousands of one-word "paragraphs" would
  otherwise crowd out real text in retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise, product

from ingest.clean import Line

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
        people, marks = list(_PERSON.finditer(text)), [m.start() for m in _X.finditer(text)]
        if not (people and marks):
            if _SUM_ROW.match(text):
                j += 1
                continue
            break
        voter = people[-1]
        for at in marks:
            _, sign, side = min(columns, key=lambda c: abs(c[0] - at))
            votes[sign].setdefault(side, []).append(f"{voter['name']} ({voter['party']})")
        j += 1
    if not any(votes.values()):
        return None
    return j, [VoteList(page=lines[i].page, label=label, item=[f"Ärendemening: § {sign}"],
                        counts=[f"Antal {side}: {len(names)}" for side, names in by_side.items()], votes=by_side)
               for sign, by_side in votes.items() if by_side]


_CELL_MAX_CHARS = 40
_CELL_MAX_WORDS = 5
_MIN_RUN = 8
_CHUNK_CHARS = 700


_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip().removeprefix("|").removesuffix("|")
    cells = [" ".join(c.split()) for c in inner.split("|")]
    return [re.sub(r"^(\*\*|\*|__)(\S(?:.*\S)?)\1$", r"\2", c) for c in cells]  # "**Summa**"


def row_text(header: list[str], cells: list[str]) -> str:
    """'Column: cell; …' for a table row; a cell without a column name stands alone."""
    parts = [f"{h}: {c}" if h else c for h, c in zip(header, cells) if c]
    return "; ".join(parts)


def pipe_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A Markdown pipe table starting at line i: (index after it, one 'Column: cell; …' per row)."""
    if i + 1 >= len(lines) or not lines[i].text.lstrip().startswith("|") or not _PIPE_RULE.match(lines[i + 1].text.strip()):
        return None
    header = _pipe_cells(lines[i].text)
    rows: list[str] = []
    j = i + 2
    while j < len(lines) and lines[j].page == lines[i].page and lines[j].text.lstrip().startswith("|"):
        text = row_text(header, _pipe_cells(lines[j].text))
        if text:
            rows.append(text)
        j += 1
    return j, rows


_GAP_CELL = re.compile(r"\S+(?: \S+)*")
_COLUMN_WORD = re.compile(
    r"^(?:Indikator(?:er)?|Utfall|Mål|Målvärde|Målnivå|Måltal|Bedömning|Måluppfyllelse|Budget|Prognos|Nuläge|"
    r"Utgångs-?|Utgångsvärde|Basvärde|Resultat|Avvikelse)\b", re.I)
_RULE = re.compile(r"^\s*[-–—=_]{10,}\s*$")
_FOOTNOTE = re.compile(r"\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_ALIGN = 3  # how far a cell may start right of its column's header


def _gap_cells(line: str) -> list[tuple[int, str]]:
    """(start, text) of each run of text separated from the next by two or more spaces."""
    return [(m.start(), m.group(0)) for m in _GAP_CELL.finditer(line)]


def _column(starts: list[int], at: int) -> int:
    return max((k for k, c in enumerate(starts) if c <= at + _ALIGN), default=0)


def aligned_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A space-aligned table starting at line i: (index after it, one 'Column: cell; …' per row)."""
    head = _gap_cells(lines[i].text)
    if len(head) < 3 or sum(1 for _, t in head if _COLUMN_WORD.match(t)) < 2 or any(t[0].isdigit() for _, t in head):
        return None
    starts = [c for c, _ in head]
    names = [t for _, t in head]
    if starts[0] > 8:  # the first column (row labels) has no name
        starts, names = [0, *starts], ["", *names]
    page, j, n = lines[i].page, i + 1, len(lines)
    if j < n and lines[j].page == page and lines[j].text.strip() and not _RULE.match(lines[j].text):
        more = _gap_cells(lines[j].text)
        if more and all(c >= starts[1] - _ALIGN for c, _ in more):  # a second header row
            for c, t in more:
                k = _column(starts, c)
                names[k] = names[k][:-1] + t if names[k].endswith("-") and t[:1].islower() else f"{names[k]} {t}".strip()
            j += 1
    if j < n and _RULE.match(lines[j].text):
        j += 1
    rows: list[list[str]] = []
    label: list[str] = []
    while j < n and lines[j].page == page and lines[j].text.strip() and not _RULE.match(lines[j].text):
        cells = _gap_cells(lines[j].text)
        placed = [""] * len(starts)
        for c, t in cells:
            k = _column(starts, c)
            placed[k] = f"{placed[k]} {t}".strip()
        if any(_COLUMN_WORD.match(t) for t in placed[1:]) or not (placed[0] or rows or label):
            return None  # a header of three or more lines, or one split by blank lines: not read
        if placed[0] and not any(placed[1:]):
            label.append(placed[0])  # a wrapped row label: the values follow on a later line
        elif not placed[0] and rows:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], placed)]  # a wrapped cell
        else:
            placed[0] = " ".join([*label, placed[0]]).strip()
            label = []
            rows.append(placed)
        j += 1
    if not rows:
        return None
    texts = []
    for row in rows:
        row[0] = _FOOTNOTE.sub("", row[0])
        texts.append(row_text(names, row))
    return j, texts


def is_cell(text: str) -> bool:
    """A short fragment that is a table cell rather than a sentence."""
    return len(text) <= _CELL_MAX_CHARS and len(text.split()) <= _CELL_MAX_WORDS and not text.endswith(".")


def merge_cell_runs(paragraphs: list, make) -> list:
    """Merge runs of at least _MIN_RUN consecutive cell-sized text paragraphs (same page and
    section) into paragraphs of at most _CHUNK_CHARS, cells joined by ' | '.

    `paragraphs` have .page, .section, .kind, .text; `make(page, section, text)` builds a merged one.
    """
    out: list = []
    run: list = []

    def close() -> None:
        if len(run) >= _MIN_RUN:
            chunk: list[str] = []
            for p in run:
                if chunk and len(" | ".join(chunk)) + len(p.text) > _CHUNK_CHARS:
                    out.append(make(run[0].page, run[0].section, " | ".join(chunk)))
                    chunk = []
                chunk.append(p.text)
            if chunk:
                out.append(make(run[0].page, run[0].section, " | ".join(chunk)))
        else:
            out.extend(run)
        run.clear()

    for p in paragraphs:
        if p.kind == "text" and is_cell(p.text) and (
            not run or (run[-1].page == p.page and run[-1].section == p.section)
        ):
            run.append(p)
            continue
        close()
        if p.kind == "text" and is_cell(p.text):
            run.append(p)
        else:
            out.append(p)
    close()
    return out


def _valid_number(groups: list[str]) -> bool:
    """Swedish thousands grouping: '2 434', '44 150 000', '101,3'."""
    if not groups:
        return False
    first, rest = groups[0], groups[1:]
    for k, g in enumerate(groups):
        if "," in g and k != len(groups) - 1:
            return False
    head = first.split(",")[0]
    if not (1 <= len(head) <= 3 or (not rest and len(head) <= 7)):
        return False
    if head.startswith("0") and len(head) > 1:
        return False
    return all(len(g.split(",")[0]) == 3 for g in rest)


def split_values(tail: str, n_columns: int) -> list[str]:
    """Split the value tail of a table row into at most `n_columns` values.

    '2 434 1 973' -> ['2 434', '1 973']; '50 % 60 %' -> ['50 %', '60 %']; 'Ja' -> ['Ja'].
    Ambiguous digit runs prefer values of similar magnitude.
    """
    tokens = tail.split()
    values: list[str] = []
    run: list[str] = []
    for tok in tokens:
        if tok == "%":
            if run:
                values.append(" ".join(run) + " %")
                run = []
        elif tok.endswith("%"):
            run.append(tok[:-1])
            values.append(" ".join(run) + " %")
            run = []
        elif tok in ("Ja", "Nej"):
            if run:
                values.append(" ".join(run))
                run = []
            values.append(tok)
        else:
            run.append(tok)
    if run:
        want = max(1, n_columns - len(values))
        best: list[str] | None = None
        best_cost = None
        for k in range(min(want, len(run)), 0, -1):
            for cuts in product(range(1, len(run)), repeat=k - 1):
                if list(cuts) != sorted(set(cuts)):
                    continue
                bounds = [0, *cuts, len(run)]
                parts = [run[a:b] for a, b in pairwise(bounds)]
                if all(_valid_number(p) for p in parts):
                    sizes = [len("".join(p).split(",")[0]) for p in parts]
                    cost = max(sizes) - min(sizes)
                    if best_cost is None or cost < best_cost:
                        best, best_cost = [" ".join(p) for p in parts], cost
            if best:
                break
        values.extend(best or [" ".join(run)])
    return values
