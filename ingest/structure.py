"""Recover the section tree and the citable paragraphs from cleaned lines.

Sections: protocol paragraphs ("§ 8 …") with their sub-headings (Sammanfattning, Beslut, …),
numbered headings ("2.2. Uppdragsmål 2025"), plan goals ("Mål 6. …"), Markdown headings and short
stand-alone heading lines. Paragraphs: text blocks, list items, and rows of goal/indicator tables
rewritten as one readable unit with their column names
("Delmål: …; Indikator: …; Utfall 2022: 2 434; Mål 2024: 1 973").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import PROTOCOL_SUBHEADINGS, Line, is_bullet, strip_bullet
from ingest.rollcall import coded_vote_lists_at, coded_vote_table_at, side_party_list_at
from ingest.tables import (
    aligned_table_at,
    cell_table_at,
    indicator_card_at,
    key_value_block_at,
    merge_cell_runs,
    pipe_table_at,
    split_values,
    stacked_table_at,
    transposed_table_at,
)
from ingest.votelists import (
    VoteList,
    cell_vote_table_at,
    column_vote_list_at,
    marked_vote_lists_at,
    marked_vote_table_at,
    side_columns_at,
    vote_list_at,
)

SECTION_SEP = " › "
_GENERIC_LEVEL = 9

# "Kommunstyrelsens beslut", "Nämndens beslut", "Regionstyrelsens förslag till beslut": a body's decision
_BODY_DECISION_HEADING = re.compile(
    r"^[A-ZÅÄÖ][\wåäö-]+(?: och [\wåäö-]+)?s (?:beslut|förslag till (?:beslut|kommunfullmäktige|regionfullmäktige|fullmäktige))$")
# A lead on a line of its own, the att-satser below it: "Kommunstyrelsen beslutar (för egen del)",
# "Kommunstyrelsen föreslår kommunfullmäktige besluta". Right under a body's proposal ("Kommunstyrelsens
# förslag till kommunfullmäktige") it is the proposal's own lead, not a heading.
_LEAD_HEADING = re.compile(
    r"^[A-ZÅÄÖ][\wåäö-]+(?: och [\wåäö-]+)? (?:beslutar(?: för egen del)?|föreslår \w*fullmäktige(?: att)? besluta)$")
# "§ 96", "KF § 96", "BUN § 45", "Kf § 84", "Mbn § 3" (not "Se § 12" in running text)
_PARAGRAPH_SIGN = re.compile(r"^(?:(?:[A-ZÅÄÖ]{2,6}|(?!(?:Se|Jfr|Enl|Och|Vid|Om|Av|Med|Till|Från|Ur|Mot)\b)[A-ZÅÄÖ][a-zåäö]{1,3})\s+)?§\s*(\d{1,4})\b\s*(.*)$")
# "§ 244." or "§ 117, den 27 mars 2025, § 178 och …" continue a sentence ("Bordlagt den …,"):
# a reference to a paragraph, not the start of one.
_SIGN_REFERENCE = re.compile(r"^[.,;:)]|^(?:och|samt|den|i)\b|^§")  # "§ 86 § 88": a vote list's column header
# "§ 5 Val av justerare. Till justerare utses Anna Ek." (compact minutes): the title is the first
# sentence, the rest of the line is the § text, which would otherwise vanish into the heading.
_TITLE_THEN_TEXT = re.compile(r"^(?P<title>.{3,}?[a-zåäöé0-9)])\.\s+(?P<text>[A-ZÅÄÖ§].*\S)$")
_CASE_NUMBER = re.compile(
    r"(Ärendenummer|Diarienummer|Dnr\.?:?)\s*(?:[A-ZÅÄÖ]{1,5}\s+(?=\d))?\S+|\b[A-ZÅÄÖ]{1,5}\s?\d{1,5}-\d{4}\b"
    r"|\b[A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6}\b|\b[A-ZÅÄÖ]{1,5}\s?\d{4}/\d{1,5}(?:[.:-]\d{1,4})?\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.\s*(?P<title>[A-ZÅÄÖ][^.!?]{1,80})$"
)
# A longer numbered title ("10. Förmedla bidrag till V.S. Visit Sweden AB för att …") is a heading
# only on a line of its own (blank lines around it), as Markdown and plain-text documents write them
_NUMBERED_LONG = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<title>[A-ZÅÄÖ](?:[^.!?:;]|(?<=\b[A-ZÅÄÖ])\.|\.(?=\S)){20,140})$")
_NUMBERED_MULTI = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<title>[A-ZÅÄÖ][^.!?]{1,80})$")
_GOAL = re.compile(r"^(Mål|Målområde|Strategiskt mål)\s+\d{1,2}[.:]?\s+\S.{0,100}$")
_PART = re.compile(r"^(?:Åtgärd|Insats|Delområde)\s+\d{1,2}[.:]\s+[A-ZÅÄÖ][^.!?]{2,80}$")
_APPENDIX_HEADING = re.compile(r"^(?i:bilaga)\s+(?:\d{1,2}|[A-Z])\s+till\s+(?:[A-ZÅÄÖa-zåäö]{1,20}\s+)?§\s*\d{1,4}\b")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_TABLE_HEADER = re.compile(r"\bIndikator(er)?\b.*\b(Utfall|Mål|Målvärde)\s+\d{4}", re.IGNORECASE)
_VALUE_COLUMN = re.compile(r"\b(?:Utfall|Mål|Målvärde|Resultat|Prognos|Budget|Måltal)\s+\d{4}\b")
_VALUE_TAIL = re.compile(
    r"(?:^|\s)((?:(?:\d[\d ]*(?:,\d+)?(?:\s?%)?|Ja|Nej)(?:\s+|$))+)$"
)
_TERMINAL = ".,;:!?"


@dataclass
class ParsedParagraph:
    page: int
    section: str
    kind: str
    text: str


@dataclass
class _Block:
    page: int
    kind: str  # "text" | "list_item" | "table_row"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.lines)).strip()


@dataclass
class _Heading:
    level: int
    title: str


@dataclass
class _TableHeader:
    columns: list[str]


def _typical_line_length(lines: list[Line]) -> dict[int, int]:
    per_page: dict[int, list[int]] = {}
    for ln in lines:
        if ln.text.strip():
            per_page.setdefault(ln.page, []).append(len(ln.text.strip()))
    result = {}
    for page, lengths in per_page.items():
        lengths.sort()
        result[page] = lengths[int(0.9 * (len(lengths) - 1))]
    return result


def _starts_upper(text: str) -> bool:
    return bool(text) and (text[0].isupper() or text[0] == "§")


_TITLE_CONNECTORS = {"och", "om", "av", "för", "i", "till", "att", "angående", "med", "samt", "på",
                     "inom", "mot", "vid", "från", "ur", "under", "efter", "avseende", "gällande"}


def _title_goes_on(prev: str) -> bool:
    """Does a § title line continue on the next (capitalised) line? Yes after a connector, a
    comma or a capitalised word (a name split over lines: 'Martin' / 'Wannholt (D)')."""
    last = prev.rstrip().split()[-1] if prev.strip() else ""
    return prev.rstrip().endswith((",", "-", "–")) or last.lower() in _TITLE_CONNECTORS or last[:1].isupper()


def _near_text(lines: list, i: int, step: int) -> str:
    """The nearest non-blank line after (step 1) or before (step -1) line i, within three lines."""
    for k in range(i + step, i + 4 * step, step):
        if 0 <= k < len(lines) and lines[k].text.strip():
            return lines[k].text.strip()
    return ""


def _clean_case_numbers(text: str) -> str:
    return re.sub(r"\s{2,}", " ", _CASE_NUMBER.sub("", text)).strip(" ,-–")


def _strict_heading(text: str) -> _Heading | None:
    """Headings recognised by their form alone."""
    if _APPENDIX_HEADING.match(text):  # "Bilaga 1 till § 91": an appendix ends the § it belongs to
        return _Heading(1, text.strip())
    if text.rstrip(":").strip().lower() in PROTOCOL_SUBHEADINGS or _BODY_DECISION_HEADING.match(text.rstrip(":").strip()):
        return _Heading(2, text.rstrip(":").strip())
    if _LEAD_HEADING.match(text.rstrip(":").strip()):
        return _Heading(2, text.rstrip(":").strip())
    md = _MARKDOWN.match(text)
    if md:
        return _Heading(len(md.group(1)), md.group(2).strip())
    num = _NUMBERED.match(text) or _NUMBERED_MULTI.match(text)
    if num and len(text) <= 90:
        depth = num.group("num").count(".") + 1
        return _Heading(depth, f"{num.group('num')} {num.group('title').strip()}")
    if _GOAL.match(text) and not _TABLE_HEADER.search(text) and text[-1] not in ".;,":
        return _Heading(1, text.strip())
    if _PART.match(text):  # "Åtgärd 2. Bidrag till kommunal skyfallskartering"
        return _Heading(2, text.strip())
    return None


# a vote list's row printed with single spaces: "Gunilla Norén (ordförande) M Ja"
_VOTE_ROW = re.compile(r"\s[A-ZÅÄÖ]{1,3}\s+(?:Ja|Nej|Avstår)$")


def _generic_heading(text: str, next_text: str | None, typical: int, layout: str) -> bool:
    """A short stand-alone line followed by a capitalised line reads as a heading."""
    if not next_text or not _starts_upper(text) or not _starts_upper(next_text):
        return False
    if is_bullet(next_text) or text[-1] in _TERMINAL or len(text) > 70 or _VOTE_ROW.search(text):
        return False
    if not 2 <= len(text.split()) <= 10:
        return False
    if sum(c.isdigit() for c in text) > 0.2 * len(text):
        return False
    if layout == "pdf" and len(text) > 0.7 * typical:
        return False
    return len(text) < 0.8 * max(len(next_text), 1) or layout == "pdf"


def _number_of(line: Line) -> tuple[int, ...] | None:
    m = _NUMBERED.match(line.text.strip())
    return tuple(int(n) for n in m["num"].split(".")) if m else None


def _in_numbered_list(lines: list[Line], i: int) -> bool:
    """Line i and the line right before or after it (no blank line between, same page) are numbered
    one after the other at the same depth ("1. Inledning" / "2. Bakgrund"): a list such as a table
    of contents. Numbered headings have text between them."""
    here = _number_of(lines[i])
    if here is None:
        return False
    for j, step in ((i - 1, -1), (i + 1, 1)):
        if 0 <= j < len(lines) and lines[j].page == lines[i].page:
            there = _number_of(lines[j])
            if there is not None and len(there) == len(here) and there[:-1] == here[:-1] and there[-1] == here[-1] + step:
                return True
    return False


def _segment(lines: list[Line], layout: str) -> list[tuple[int, object]]:
    """Turn lines into (page, item) where item is a _Heading, _TableHeader or _Block."""
    typical = _typical_line_length(lines)
    items: list[tuple[int, object]] = []
    cur: _Block | None = None
    in_table = 0  # page of the open goal/indicator table, 0 when none
    in_sign = False  # inside a protocol's § (its numbered lines are decision points, not headings)

    def flush() -> None:
        nonlocal cur
        if cur is not None and cur.text:
            items.append((cur.page, cur))
        cur = None

    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        text = line.text.strip()
        if cur is not None and cur.page != line.page:
            flush()  # blocks split by a page break are re-joined by _merge_continuations
        if not text:
            flush()
            i += 1
            continue
        same_page = i + 1 < n and lines[i + 1].page == line.page
        next_text = lines[i + 1].text.strip() if same_page else None

        found = vote_list_at(lines, i) or column_vote_list_at(lines, i) or side_party_list_at(lines, i)
        several = (marked_vote_lists_at(lines, i) or coded_vote_lists_at(lines, i)) if found is None else None
        if found is not None or several is not None:
            flush()
            if found is not None:
                i, votes = found[0], [found[1]]
            elif several is not None:
                i, votes = several
            for vote in votes:
                items.append((line.page, _Heading(1, vote.heading)))
                items.append((line.page, vote))
            in_sign = False
            in_table = 0
            continue

        piped = (pipe_table_at(lines, i) or aligned_table_at(lines, i) or key_value_block_at(lines, i)
                 or indicator_card_at(lines, i) or stacked_table_at(lines, i) or transposed_table_at(lines, i)
                 or cell_table_at(lines, i))
        if piped is not None:  # a Markdown or space-aligned table: one paragraph per row
            flush()
            i, rows = piped
            items.extend((line.page, _Block(line.page, "table_row", [row])) for row in rows)
            in_table = 0
            continue

        marked = marked_vote_table_at(lines, i) or cell_vote_table_at(lines, i) or coded_vote_table_at(lines, i)
        sided = side_columns_at(lines, i) if marked is None else None
        if sided is not None:  # each side in a column of its own
            i, members, stated = sided
            marked = i, [f"{side} ({stated.get(side, len(names))}): {', '.join(names)}." for side, names in members.items()]
        if marked is not None:  # one paragraph naming each side's members
            flush()
            i, rows = marked
            items.append((line.page, _Block(line.page, "text", rows)))
            continue

        sign = _PARAGRAPH_SIGN.match(text)
        if sign and _SIGN_REFERENCE.match(sign.group(2)):
            sign = None
        compact = _TITLE_THEN_TEXT.match(sign.group(2)) if sign else None
        if compact and len(compact["text"].split()) >= 3:
            flush()
            assert sign is not None  # compact is only matched inside a § sign
            items.append((line.page, _Heading(1, f"§ {sign.group(1)} {_clean_case_numbers(compact['title'])}")))
            in_sign = True
            cur = _Block(line.page, "text", [compact["text"]])
            i += 1
            continue
        if sign:
            flush()
            title_parts = [_clean_case_numbers(sign.group(2))]
            j = i + 1
            own_title = bool(title_parts[0])
            if not own_title:  # "§ 234 Ärendenummer X" then the title after a blank line
                while j < n and not lines[j].text.strip():
                    j += 1
            taken = 0
            while j < n and taken < 4:
                cand = lines[j].text.strip()
                if not cand or _strict_heading(cand) or _PARAGRAPH_SIGN.match(cand) or is_bullet(cand):
                    break
                cleaned = _clean_case_numbers(cand)
                prev = title_parts[-1] if title_parts and title_parts[-1] else ""
                tail = j + 1 < n and _strict_heading(lines[j + 1].text.strip()) is not None
                if cleaned and prev and _starts_upper(cand) and not _title_goes_on(prev) and not (
                    tail and len(cand.split()) <= 2  # "… av den allmänna" + "VA-anläggningen" + "Beslut"
                ):
                    break  # "… i kommunfullmäktige" + "Länsstyrelsen har …": the body begins
                if cleaned:
                    title_parts.append(cleaned)
                j += 1
                taken += 1
                if not cleaned and not title_parts[-1]:  # "§ 113" / "Dnr BUN 2026/0142" / the title after a blank line
                    while j < n and not lines[j].text.strip():
                        j += 1
                if cand.endswith("."):
                    break
            title = " ".join(p for p in title_parts if p)
            items.append((line.page, _Heading(1, f"§ {sign.group(1)} {title}".strip())))
            in_sign = True
            i = j
            continue

        if _TABLE_HEADER.search(text):
            flush()
            columns = _VALUE_COLUMN.findall(text)
            items.append((line.page, _TableHeader(columns or ["Värde"])))
            in_table = line.page
            i += 1
            continue

        heading = _strict_heading(text)
        if heading is None and layout != "pdf" and (next_text == "" or i + 1 == n):
            long_num = _NUMBERED_LONG.match(text)
            if long_num and _near_text(lines, i, -1)[-1:] in ("", ".", "!", "?"):
                heading = _Heading(1, f"{long_num['num']} {long_num['title'].strip()}")
        if heading is not None and text[0].isdigit() and _in_numbered_list(lines, i):
            heading = None  # "1. Inledning" / "2. Bakgrund" / …: a table of contents, not headings
        if heading is not None and text[0].isdigit() and (
            (next_text and next_text[0].islower()) or text.endswith(",") or _near_text(lines, i, -1).endswith(":")
            or in_sign
        ):
            # "1. Uppföljningen, i enlighet med bilaga 1 till" + "stadsledningskontorets …", or the
            # numbered points a "… beslutar:" introduces: list items, not headings
            heading = None
        if heading is not None and _LEAD_HEADING.match(heading.title) and (
            (items and isinstance(items[-1][1], _Heading) and re.search(r"s förslag\b", items[-1][1].title))
            or not re.match(r"(?:att\s|\d{1,2}[.)]\s)", _near_text(lines, i, 1))
        ):
            # the proposal's own lead ("Kommunstyrelsens förslag till kommunfullmäktige" / "Kommunfullmäktige
            # beslutar"), or a lead over a sentence rather than over att-satser or numbered points
            heading = None
        if heading is not None:
            in_table = 0
        elif cur is None and in_table != line.page and not is_bullet(text):
            if _generic_heading(text, next_text, typical.get(line.page, 80), layout):
                # A heading that opens a page is the page's (slide's) title: a top-level section.
                opens_page = i == 0 or lines[i - 1].page != line.page
                heading = _Heading(1 if opens_page else _GENERIC_LEVEL, text.strip())
        if heading is not None:
            flush()
            items.append((line.page, heading))
            in_sign = in_sign and heading.level > 1  # a new top-level section ends the §
            i += 1
            continue

        if is_bullet(text):
            flush()
            cur = _Block(line.page, "list_item", [strip_bullet(text)])
        elif cur is None:
            cur = _Block(line.page, "text", [text])
        else:
            cur.lines.append(text)
        if layout == "pdf" and text[-1] in ".!?:" and len(text) < 0.85 * typical.get(line.page, 80):
            flush()
        i += 1
    flush()
    return _merge_continuations(items)


def _continues(prev: str, text: str) -> bool:
    """Does block `text` continue block `prev` (split by a blank line or page break)?"""
    if text[:1].islower() or (text[:1] == "(" and len(text) < 20):
        return True
    if prev.count("(") > prev.count(")"):
        return True  # "(RS," / "RUN)"
    if prev[-1:] in ".!?:;":
        return False
    return text[:1].isdigit() and not re.match(r"^\d+\s", text)


def _merge_continuations(items: list[tuple[int, object]]) -> list[tuple[int, object]]:
    merged: list[tuple[int, object]] = []
    for page, item in items:
        prev = merged[-1][1] if merged else None
        if (
            isinstance(item, _Block)
            and item.kind == "text"
            and isinstance(prev, _Block)
            and prev.kind != "table_row"  # a table row is whole; the note under a table is not part of it
            and _continues(prev.text, item.text)
        ):
            prev.lines.extend(item.lines)
            continue
        merged.append((page, item))
    return merged


def _table_rows(blocks: list[tuple[int, _Block]], columns: list[str]) -> list[ParsedParagraph]:
    """Rebuild goal/indicator rows from cell blocks: [delmål] indikator value(s)."""
    rows: list[tuple[int, str, str]] = []  # page, kind, text
    pending: list[tuple[int, str]] = []
    goal = ""

    def emit(page: int, indicator: str, values: list[str]) -> None:
        cols = columns[-len(values):] if len(values) <= len(columns) else []
        parts = [f"Delmål: {goal}"] if goal else []
        parts.append(f"Indikator: {indicator}")
        if cols:
            parts.extend(f"{c}: {v}" for c, v in zip(cols, values))
        else:
            parts.append("Värden: " + " ".join(values))
        rows.append((page, "table_row", "; ".join(parts)))

    for page, block in blocks:
        text = block.text
        tail_match = _VALUE_TAIL.search(text)
        if tail_match and re.search(r"\b(med|år|till|i|från|sedan|jämförelse)\s+(19|20)\d\d$", text):
            tail_match = None  # "… till år 2030 i jämförelse med 2020" ends in a year, not a value
        tail = tail_match.group(1).strip() if tail_match else ""
        head = text[: tail_match.start(1)].strip() if tail_match else text
        if tail and not head:
            if pending:
                indicator_page, indicator = pending.pop()
                if pending:
                    goal = " ".join(t for _, t in pending)
                    pending.clear()
                emit(indicator_page, indicator, split_values(tail, len(columns)))
            else:
                rows.append((page, "text", text))
        elif tail and len(head) > 3:
            if pending:
                goal = " ".join(t for _, t in pending)
                pending.clear()
            emit(page, head, split_values(tail, len(columns)))
        else:
            pending.append((page, text))
    rows.extend((p, "text", t) for p, t in pending)
    return [ParsedParagraph(page=p, section="", kind=k, text=t) for p, k, t in rows]


def parse_structure(lines: list[Line], layout: str) -> list[ParsedParagraph]:
    """Paragraphs in reading order, each with its page and section path."""
    items = _segment(lines, layout)
    stack: list[_Heading] = []
    out: list[ParsedParagraph] = []
    table_columns: list[str] | None = None
    table_page = 0
    table_blocks: list[tuple[int, _Block]] = []

    def section() -> str:
        return SECTION_SEP.join(h.title for h in stack)

    def close_table() -> None:
        nonlocal table_columns
        if table_columns is not None:
            for row in _table_rows(table_blocks, table_columns):
                row.section = section()
                out.append(row)
        table_columns = None
        table_blocks.clear()

    for page, item in items:
        if isinstance(item, _Heading):
            close_table()
            while stack and stack[-1].level >= item.level:
                stack.pop()
            stack.append(item)
        elif isinstance(item, _TableHeader):
            close_table()
            table_columns, table_page = item.columns, page
        elif isinstance(item, VoteList):
            for kind, text in item.paragraphs():
                out.append(ParsedParagraph(page=page, section=section(), kind=kind, text=text))
        elif isinstance(item, _Block):
            # A table ends at a list item or a page break (slides repeat the header per page).
            if table_columns is not None and (item.kind != "text" or page != table_page):
                close_table()
            if table_columns is not None:
                table_blocks.append((page, item))
                continue
            text = item.text
            if len(text) < 2 or not re.search(r"[A-Za-zÅÄÖåäö0-9]", text):
                continue
            out.append(ParsedParagraph(page=page, section=section(), kind=item.kind, text=text))
    close_table()
    return merge_cell_runs(
        out, lambda page, section, text: ParsedParagraph(page, section, "table_row", text)
    )
