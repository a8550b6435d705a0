"""Tables that text extraction spreads over lines and cells.

Named vote lists (voteringslistor) are read in `ingest.votelists` and `ingest.rollcall`.

* **Markdown pipe tables** (a header row, a rule row "|---|---|", body rows) become one paragraph
  per body row, each cell named by its column ("Indikator: …; Målvärde 2026: 85 %"), so that a row
  reads, and is cited, on its own.
* **Space-aligned tables** (plain text as a PDF converter lays it out): a header row whose cells
  (two or more spaces apart) name indicator, outcome, target or budget columns, an optional second
  header row ("2025", "jan–aug 2026") and rule, then rows. A row's label may wrap onto the line
  above its values, and a cell onto the line below. Each row becomes one 'Column: cell; …' paragraph.
* **Key–value blocks** (as plan and follow-up systems export one indicator): "Indikator: …" then
  lines "Utgångsvärde 2024: 74 %", "Målvärde 2026: 80 %", "Utfall …: …", "Bedömning: …" become one
  'Key: value; …' paragraph, like a table row.
* **Other target tables**: year columns with a stack of "Mål" / "Utfall" lines under each indicator,
  tables whose columns are the indicators, and tables printed one cell a line (a PDF converted
  without layout) become the same 'Column: cell; …' rows.
* **Any other run of tiny cells** (attendance lists, tables of names and times) is merged into
  paragraphs of bounded size by `merge_cell_runs`: thousands of one-word "paragraphs" would
  otherwise crowd out real text in retrieval.
"""

from __future__ import annotations

import re
from itertools import pairwise, product

from ingest.clean import Line

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
_GOAL_ROW = re.compile(r"^(?:Nämndmål|Mål|Målområde|Strategiskt mål|Delmål)\s+\d{1,2}(?:\.\d{1,2})?\s*[:.]?\s+\S")
_FOOTNOTE = re.compile(r"\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_ALIGN = 3  # how far a cell may start right of its column's header
# A year or a period as a header cell: "2026", "jan–aug 2026", "2025/26", "jan–aug"
_MONTHS = r"(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zåäö]*\.?"
_PERIOD = re.compile(rf"(?:{_MONTHS}(?:\s*[–-]\s*{_MONTHS})?\s*)?(?:(?:19|20)\d\d(?:/\d\d)?)?|{_MONTHS}\s*[–-]\s*{_MONTHS}", re.I)


def gap_cells(line: str) -> list[tuple[int, str]]:
    """(start, text) of each run of text separated from the next by two or more spaces."""
    return [(m.start(), m.group(0)) for m in _GAP_CELL.finditer(line)]


def _column(starts: list[int], at: int) -> int:
    return max((k for k, c in enumerate(starts) if c <= at + _ALIGN), default=0)


def _split_at_columns(text: str, cells: list[tuple[int, str]], starts: list[int]) -> list[tuple[int, str]]:
    """A cell that runs into the next column with a single space ("Andel förskollärare av pedagogisk
    personal minst 45 %", the value starting right under its header) split where the column starts,
    when that gives the row one cell per column."""
    if len(cells) >= len(starts):
        return cells
    out: list[tuple[int, str]] = []
    for c, t in cells:
        cuts = [s for s in starts if c < s < c + len(t) and text[s - 1] == " " and text[s] != " "]
        for a, b in pairwise([c, *cuts, c + len(t)]):
            out.append((a, text[a:b].strip()))
    return out if len(out) == len(starts) else cells


def aligned_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A space-aligned table starting at line i: (index after it, one 'Column: cell; …' per row)."""
    head = gap_cells(lines[i].text)
    if len(head) < 3 or sum(1 for _, t in head if _COLUMN_WORD.match(t)) < 2 or any(t[0].isdigit() for _, t in head):
        return None
    starts = [c for c, _ in head]
    names = [t for _, t in head]
    body = [ln.text for ln in lines[i + 1:i + 6] if ln.text.strip()]
    indent = min((len(t) - len(t.lstrip()) for t in body), default=0)  # a whole table may be indented
    if starts[0] > indent + 8:  # the first column (row labels) has no name
        starts, names = [0, *starts], ["", *names]
    page, j, n = lines[i].page, i + 1, len(lines)
    if j < n and lines[j].page == page and lines[j].text.strip() and not _RULE.match(lines[j].text):
        more = gap_cells(lines[j].text)
        if more and (all(c >= starts[1] - _ALIGN for c, _ in more) or all(_PERIOD.fullmatch(t) for _, t in more)):
            # a second header row (under the value columns, or years and periods under any column)
            for c, t in more:
                k = _column(starts, c)
                names[k] = names[k][:-1] + t if names[k].endswith("-") and t[:1].islower() else f"{names[k]} {t}".strip()
            j += 1
    if j < n and _RULE.match(lines[j].text):
        j += 1
    rows: list[list[str]] = []
    goals: list[str] = []  # the goal a row stands under ("Nämndmål 1: …" on a row of its own)
    goal = ""
    label: list[str] = []
    while j < n and lines[j].page == page and lines[j].text.strip() and not _RULE.match(lines[j].text):
        cells = _split_at_columns(lines[j].text, gap_cells(lines[j].text), starts)
        placed = [""] * len(starts)
        for c, t in cells:
            k = _column(starts, c)
            placed[k] = f"{placed[k]} {t}".strip()
        if len(cells) == len(starts) and not all(placed):  # a long label pushed the values right: one a column
            placed = [t for _, t in cells]
        if any(_COLUMN_WORD.match(t) for t in placed[1:]) or not (placed[0] or rows or label):
            return None  # a header of three or more lines, or one split by blank lines: not read
        if placed[0] and not any(placed[1:]) and not label and _GOAL_ROW.match(placed[0]):
            goal = placed[0]
        elif placed[0] and not any(placed[1:]):
            label.append(placed[0])  # a wrapped row label: the values follow on a later line
        elif not placed[0] and rows:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], placed)]  # a wrapped cell
        else:
            placed[0] = " ".join([*label, placed[0]]).strip()
            label = []
            rows.append(placed)
            goals.append(goal)
        j += 1
    if not rows:
        return None
    texts = []
    for row, row_goal in zip(rows, goals):
        row[0] = _FOOTNOTE.sub("", row[0])
        texts.append(row_text(["Nämndmål", *names], [row_goal, *row]) if row_goal else row_text(names, row))
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


# "Indikator: Andel elever …" / "Målvärde 2026: minst 80 %" / "Utfall jan–aug 2026: 77 %", one key a line
_BLOCK_START = re.compile(r"^(?:Indikator|Nyckeltal|Styrmått|Mått|Mätetal|Resultatmått)\s*:\s*\S", re.I)
_KEY_VALUE = re.compile(r"^(?P<key>[A-ZÅÄÖ][\wåäö/ –-]{0,40}?)\s*:\s+(?P<value>\S.*)$")


def key_value_block_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """An indicator's key–value block starting at line i: (index after it, its 'Key: value; …' row)."""
    if not _BLOCK_START.match(lines[i].text.strip()):
        return None
    pairs: list[list[str]] = []
    j = i
    while j < len(lines) and lines[j].page == lines[i].page and (t := lines[j].text.strip()):
        m = _KEY_VALUE.match(t)
        if m and (j == i or not _BLOCK_START.match(t)):
            pairs.append([m["key"], m["value"]])
        elif pairs and not m and t[:1].islower():
            pairs[-1][1] += f" {t}"  # a value wrapped onto the next line
        else:
            break
        j += 1
    if sum(1 for key, _ in pairs[1:] if _COLUMN_WORD.match(key)) < 1:
        return None
    return j, [row_text([k for k, _ in pairs], [v for _, v in pairs])]


# An indicator "card": "Indikator" on a line of its own, the indicator, then a one-row aligned table
_CARD_LABEL = re.compile(r"^(?:Indikator|Nyckeltal|Styrmått|Mått|Mätetal|Resultatmått)$", re.I)


def indicator_card_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """An indicator card starting at line i: (index after it, its rows named 'Indikator: …; …')."""
    if not _CARD_LABEL.match(lines[i].text.strip()):
        return None
    j = i + 1
    while j < len(lines) and not lines[j].text.strip():
        j += 1
    if j + 1 >= len(lines) or lines[j].page != lines[i].page or _COLUMN_WORD.match(lines[j].text.strip()):
        return None
    table = aligned_table_at(lines, j + 1)
    if table is None:
        return None
    end, rows = table
    label = f"{lines[i].text.strip()}: {lines[j].text.strip()}"
    return end, [f"{label}; {row}" for row in rows]


# A table whose columns are years and whose rows come in stacks under each indicator:
#                                       2024      2025      2026         2027
#                                                           jan–aug
#   Andel rökfria patienter inför planerad operation
#       Mål                             –         –         85 %         90 %
#       Utfall                          76 %      79 %      83 %
_STACK_LABEL = re.compile(r"^(?:Mål|Målvärde|Målnivå|Utfall|Resultat|Prognos|Budget|Utgångsvärde|Nuläge)$", re.I)
_YEAR_CELL = re.compile(r"^(?:19|20)\d\d(?:/\d\d)?$")


def stacked_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A year-column table with a stack of value lines ("Mål", "Utfall") under each indicator, at line
    i: (index after it, one 'Indikator: …; Mål 2026: 85 %; Utfall 2026: 83 %' per indicator), or None."""
    head = gap_cells(lines[i].text)
    if len(head) < 2 or not all(_YEAR_CELL.match(t) for _, t in head) or head[0][0] < 12:
        return None
    starts, names = [c for c, _ in head], [t for _, t in head]
    page, j, n = lines[i].page, i + 1, len(lines)
    if j < n and lines[j].page == page and (more := gap_cells(lines[j].text)) and all(_PERIOD.fullmatch(t) for _, t in more):
        for c, t in more:  # "jan–aug" under "2026"
            k = min(range(len(starts)), key=lambda k: abs(starts[k] - c))
            names[k] = f"{names[k]} {t}"
        j += 1
    rows: list[tuple[str, list[str]]] = []  # indicator, 'Label year: value' parts
    while j < n and lines[j].page == page and lines[j].text.strip():
        cells = gap_cells(lines[j].text)
        if len(cells) == 1 and cells[0][0] < starts[0] - _ALIGN and not _STACK_LABEL.match(cells[0][1]):
            rows.append((cells[0][1], []))
        elif rows and cells and _STACK_LABEL.match(cells[0][1]) and all(c >= starts[0] - _ALIGN for c, _ in cells[1:]):
            for c, t in cells[1:]:
                k = min(range(len(starts)), key=lambda k: abs(starts[k] - c))
                rows[-1][1].append(f"{cells[0][1]} {names[k]}: {t}")
        else:
            break
        j += 1
    if len(rows) < 1 or not all(parts for _, parts in rows):
        return None
    return j, [f"Indikator: {indicator}; " + "; ".join(parts) for indicator, parts in rows]


# A table printed the other way round: the indicators are the columns, the rows their values.
#                           Punktlighet buss, %     Nöjd kund-index
#   Utgångsläge 2025        88,1                    71
#   Mål 2026                90,0                    73
#   Utfall jan–aug 2026     89,4                    73
_ROW_ROLE = re.compile(r"^(?:Utgångsläge|Utgångsvärde|Nuläge|Basvärde|Mål|Målvärde|Målnivå|Utfall|Resultat|Prognos|"
                       r"Bedömning|Måluppfyllelse|Uppfyllelse|Status)\b", re.I)


def transposed_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A table whose columns are indicators and whose rows are baseline, target, outcome and
    assessment, at line i: (index after it, one 'Indikator: …; Mål 2026: 90,0; …' per column), or None."""
    head = gap_cells(lines[i].text)
    if len(head) < 2 or head[0][0] < 12 or any(_YEAR_CELL.match(t) or _ROW_ROLE.match(t) or _COLUMN_WORD.match(t) for _, t in head):
        return None
    columns: list[list[str]] = [[] for _ in head]
    page, j, n, roles = lines[i].page, i + 1, len(lines), 0
    while j < n and lines[j].page == page and lines[j].text.strip():
        cells = gap_cells(lines[j].text)
        if not cells or cells[0][0] >= head[0][0] - _ALIGN or not _ROW_ROLE.match(cells[0][1]):
            break
        for c, t in cells[1:]:
            k = min(range(len(head)), key=lambda k: abs(head[k][0] - c))
            if abs(head[k][0] - c) <= 2 * _ALIGN:
                columns[k].append(f"{cells[0][1]}: {t}")
        roles += 1
        j += 1
    if roles < 2 or not any(_TARGET_ROW.match(part) for col in columns for part in col):
        return None
    return j, [f"Indikator: {t}; " + "; ".join(col) for (_, t), col in zip(head, columns) if col]


_TARGET_ROW = re.compile(r"^(?:Mål|Målvärde|Målnivå)\b", re.I)


# A table printed one cell a line (a PDF converted without layout): the header's names, a year or
# period under a name on the line after it, then each row's label and its values.
_CELL_VALUE = re.compile(r"^(?:(?:minst|högst|lägst|över|under|ca)\s+)?[<>≤≥]?\s*[-−]?\d[\d  ,.]*\s*(?:%|st|dagar|år|kr)?$"
                         r"|^[-–—]$|^(?:öka|minska|delvis uppnått|ej uppnått|inte uppnått|uppnått|delvis uppfyllt|ej uppfyllt|"
                         r"uppfyllt|saknas|ja|nej)$", re.I)
_HEAD_CELL = re.compile(r"^(?:Indikator|Nyckeltal|Mått|Utgångsvärde|Utgångsläge|Nuläge|Basvärde|Målvärde|Mål|Målnivå|Utfall|"
                        r"Resultat|Bedömning|Måluppfyllelse|Status|Prognos)$", re.I)


def cell_table_at(lines: list[Line], i: int) -> tuple[int, list[str]] | None:
    """A table printed one cell a line, starting with its first column's name at line i ("Indikator"):
    (index after it, one 'Column: cell; …' per row), or None."""
    if not re.fullmatch(r"Indikator|Nyckeltal|Mått", lines[i].text.strip()):
        return None
    names, j, n = [lines[i].text.strip()], i + 1, len(lines)
    while j < n and (t := lines[j].text.strip()) and (_HEAD_CELL.match(t) or (_PERIOD.fullmatch(t) and len(names) > 1)):
        if _HEAD_CELL.match(t):
            names.append(t)
        else:
            names[-1] = f"{names[-1]} {t}"  # "Utfall" / "2026"
        j += 1
    if len(names) < 3 or not any(re.match(r"Mål", x) for x in names):
        return None
    rows: list[str] = []
    while j < n:
        label: list[str] = []
        while j < n and (t := lines[j].text.strip()) and not _CELL_VALUE.match(t) and len(label) < 2:
            label.append(t)
            j += 1
        values = [lines[k].text.strip() for k in range(j, min(j + len(names) - 1, n))]
        if not label or len(values) < len(names) - 1 or not all(_CELL_VALUE.match(v) for v in values):
            j -= len(label)
            break
        rows.append(row_text(names, [" ".join(label), *values]))
        j += len(values)
    return (j, rows) if rows else None
