"""Undo what PDF extraction does to Swedish governance documents.

Works on lines tagged with their page number, so that later stages keep page provenance:

* Unicode normalisation, soft hyphens, odd spaces;
* page furniture: headers and footers repeated on many pages ("Utdragsbestyrkande",
  "Justerandes signatur", "3 (23)", "Protokoll nr 10 / Sammanträdesdatum: …");
* words hyphenated across line breaks, also across blank lines ("budgetra-\\n\\nmarna"), while
  real hyphens survive ("hälso- och sjukvårdsnämnden", "2022-2024", "Ewa-May");
* bullet glyphs (U+F0B7, "•", "–", …) turned into one canonical list marker;
* two text columns laid out side by side (`pdftotext -layout` text: "Uppdrag | Uppdragets status
  och kommentar" tables) read one column after the other instead of line by line across both.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

BULLET = "•"
# Private-use glyphs (Symbol font) and the usual bullet/dash characters that start list items.
_BULLET_CHARS = "\uf0b7\uf0a7\uf076\uf0d8\uf0fc•▪◦●○■□►▶➢✓–—·*"
_BULLET_LINE = re.compile(rf"^\s*[{re.escape(_BULLET_CHARS)}]\s*(?=\S)")
_DASH_BULLET = re.compile(r"^\s*-\s+(?=[A-ZÅÄÖa-zåäö0-9])")

# Lines that are page furniture wherever they appear.
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:justerandes?|justerares|just\.)( sign(atur)?\.?)?:?(?:\s*_{3,})?$",  # "Just. sign ________"
        r"^justerare:?$",
        r"^(?:ordförandes?|ordf\.) sign(atur)?\.?:?(?:\s*_{3,})?$",
        r"^utdragsbestyrkande:?(?:\s*_{3,})?$",
        r"^\d{1,4}\s*\(\s*\d{1,4}\s*\)$",  # "3 (23)"
        r"^sida \d{1,4}( av \d{1,4})?$",
        r"^protokoll nr \d+.*$",
        r"^sammanträdesdatum:?( \d{4}-\d{2}-\d{2})?$",
        r"^[-_–—.\s]{3,}$",  # separator lines
        r"^signature reference: [0-9a-f-]{20,}$",
        r"^\[sida \d{1,4} av \d{1,4}\].*$",  # "[Sida 4 av 13]  Östra Lindsjö kommun | Kommunstyrelsen | 2026-10-14"
    )
]

# The sub-headings of a protocol §. They open every § and so can stand at the top of most "pages"
# of a text file whose pages are cut at blank-line runs; they are never page furniture.
PROTOCOL_SUBHEADINGS = {
    s.lower()
    for s in (
        "Sammanfattning", "Förslag till beslut", "Beslut", "Deltar ej i beslut",
        "Deltar ej i beslutet", "Beslutsunderlag", "Handlingar", "Handling",
        "Protokollsutdrag skickas till", "Protokollsutdrag till", "Yrkanden", "Yrkande",
        "Propositionsordning", "Omröstning", "Votering", "Voteringsresultat", "Reservation",
        "Reservationer", "Protokollsanteckning", "Protokollsanteckningar", "Särskilt yttrande",
        "Särskilda yttranden", "Jäv", "Ärendet", "Ärendebeskrivning", "Bakgrund",
        "Yttrande till beslutsförslaget", "Bilagor", "Bilaga", "Beslutsgång", "Beslutets motivering",
        "Beslutsförslagets påverkan på jämställdhet", "Skickas till", "Expedieras till",
        "Dagens sammanträde", "Ajournering", "Ärendets beredning", "Tidigare behandling",
        "Omröstningsresultat", "Sammanfattning av ärendet", "Beslutet skickas till", "Beslutet expedieras till",
        "Förvaltningens förslag till beslut", "Beskrivning av ärendet", "Underlag", "Underlag för beslut",
    )
}

# Table header rows repeat on every page of a table; they are content, not furniture.
_TABLE_HEADER = re.compile(r"\bindikator(er)?\b.*\b(utfall|mål|målvärde)\s+#", re.IGNORECASE)
# A word continues on the next line when the line ends with "letter-" and the next non-blank
# line starts with a lowercase letter that is not a coordinating word ("hälso- och sjukvård").
_KEEP_HYPHEN_BEFORE = {"och", "eller", "samt", "respektive", "resp", "som", "till", "än", "men"}


@dataclass(frozen=True)
class Line:
    page: int
    text: str


def normalize(text: str) -> str:
    """NFC, unified newlines, no soft hyphens, zero-width or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = text.replace("\u2010", "-").replace("\u2011", "-")
    text = re.sub(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", "", text)
    return text


_TAB_CELL = re.compile(r"\S\t")


def align_tab_tables(lines: list[str]) -> list[str]:
    """Runs of tab-separated lines (a Word or spreadsheet export) laid out as space-aligned columns,
    one column per tab position, so that the table readers see a table."""
    out, i = list(lines), 0
    while i < len(lines):
        j = i
        while j < len(lines) and _TAB_CELL.search(lines[j]):
            j += 1
        if j - i >= 2:
            rows = [[c.strip() for c in ln.split("\t")] for ln in lines[i:j]]
            widths = [max((len(r[k]) for r in rows if k < len(r)), default=0) for k in range(max(map(len, rows)))]
            out[i:j] = ["".join(c.ljust(widths[k] + 3) for k, c in enumerate(r)).rstrip() for r in rows]
        i = max(j, i + 1)
    return out


def is_bullet(line: str) -> bool:
    return bool(_BULLET_LINE.match(line) or _DASH_BULLET.match(line))


def strip_bullet(line: str) -> str:
    line = _BULLET_LINE.sub("", line, count=1)
    return _DASH_BULLET.sub("", line, count=1).strip()


def canonical_bullets(line: str) -> str:
    """Replace any leading bullet glyph by the canonical '• '."""
    if is_bullet(line):
        return f"{BULLET} {strip_bullet(line)}"
    return line


def _furniture_key(line: str) -> str:
    """Compare header/footer lines with their numbers masked ('3 (23)' == '4 (23)')."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def is_furniture(line: str) -> bool:
    """A furniture line, or a line of furniture cells side by side ("Justerare     Utdragsbestyrkande")."""
    cells = re.split(r"\s{3,}|\t+", line.strip())
    return all(any(p.match(cell) for p in _FURNITURE) for cell in cells)


def strip_page_furniture(pages: list[list[str]], edge: int = 4) -> list[list[str]]:
    """Drop known furniture lines and lines repeated in the top/bottom `edge` lines of many pages.

    A line counts as a repeated header/footer when it (numbers masked) appears near the edge of at
    least half of the pages, and on at least two of them.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [ln for ln in lines if ln.strip()]
        seen = {_furniture_key(ln) for ln in content[:edge] + content[-edge:]}
        counts.update(seen)
    threshold = max(2, (len(pages) + 1) // 2)
    repeated = {
        key for key, n in counts.items()
        if n >= threshold and len(key) >= 6 and not _TABLE_HEADER.search(key)
        and not re.match(r"^(?:[a-zåäö]{2,6} )?§", key)  # "§ 12 Ärendenummer …", "KF § 97 Dnr …" open a paragraph on many pages
        and key.rstrip(":") not in PROTOCOL_SUBHEADINGS
    }

    cleaned: list[list[str]] = []
    for lines in pages:
        content_idx = [i for i, ln in enumerate(lines) if ln.strip()]
        near_edge = set(content_idx[:edge] + content_idx[-edge:])
        kept = []
        for i, ln in enumerate(lines):
            if ln.strip() and (
                is_furniture(ln) or (i in near_edge and _furniture_key(ln) in repeated)
            ):
                continue
            kept.append(ln)
        cleaned.append(kept)
    return _strip_cell_furniture(cleaned, threshold)


_PAGE_WORD = re.compile(r"^(?:sida|sid\.?|page)$", re.I)
_DATE_LINE = re.compile(r"^\d{4}-\d\d-\d\d$")


def _strip_cell_furniture(pages: list[list[str]], threshold: int) -> list[list[str]]:
    """A header printed one cell a line (pdftotext without -layout) leaves "Sida" and the meeting
    date ("2026-04-15") at a page's edge once the known furniture is gone: drop such lines where
    they stand at the top or bottom of a page and the date does so on many pages."""
    def edge_runs(lines: list[str]) -> list[int]:
        content = [i for i, ln in enumerate(lines) if ln.strip()]
        out: list[int] = []
        for run in (content, content[::-1]):
            for i in run:
                if not (_PAGE_WORD.match(lines[i].strip()) or _DATE_LINE.match(lines[i].strip())):
                    break
                out.append(i)
        return out
    dates: Counter[str] = Counter()
    for lines in pages:
        dates.update({lines[i].strip() for i in edge_runs(lines) if _DATE_LINE.match(lines[i].strip())})
    cleaned = []
    for lines in pages:
        drop = {i for i in edge_runs(lines) if _PAGE_WORD.match(lines[i].strip()) or dates[lines[i].strip()] >= threshold}
        cleaned.append([ln for i, ln in enumerate(lines) if i not in drop])
    return cleaned


def _joinable(text: str, nxt: str) -> str | None:
    """The joined line if `text` ends in a line-break hyphen that `nxt` continues, else None."""
    match = re.search(r"(\w)-$", text)
    if not match or re.search(r"\s-$", text) or is_bullet(nxt):
        return None
    first_word = re.match(r"\w+", nxt)
    word = first_word.group(0) if first_word else ""
    if not word:
        return None
    if match.group(1).isdigit() and word[0].isdigit():
        return text + nxt  # "2022-" + "2024" -> "2022-2024"
    if word[0].islower() and word.lower() not in _KEEP_HYPHEN_BEFORE:
        return text[:-1] + nxt  # "budgetra-" + "marna" -> "budgetramarna"
    if word[0].isupper() and match.group(1).isalpha() and len(word) > 1:
        return text + nxt  # "Ewa-" + "May" -> "Ewa-May"
    return None


def dehyphenate(lines: list[Line]) -> list[Line]:
    """Join words split by a line-end hyphen, skipping blank lines in between."""
    out: list[Line] = []
    i, n = 0, len(lines)
    while i < n:
        page, text = lines[i].page, lines[i].text.rstrip()
        i += 1
        while text.endswith("-"):
            j = i
            while j < n and not lines[j].text.strip():
                j += 1
            if j >= n:
                break
            joined = _joinable(text, lines[j].text.lstrip())
            if joined is None:
                break
            text, i = joined.rstrip(), j + 1
        out.append(Line(page, text))
    return out


def mark_lost_bullets(pages: list[list[str]]) -> list[list[str]]:
    """Text extracted from PDFs often keeps a list item's leading space but loses its glyph
    (" Minska tjänsteresandet …"). Where indented lines are rare, read them as list items."""
    lost = re.compile(r"^ (?=[A-ZÅÄÖ])")
    content = [ln for page in pages for ln in page if ln.strip()]
    indented = sum(1 for ln in content if lost.match(ln))
    if not indented or indented > 0.4 * len(content):
        return pages
    return [[f"{BULLET} {ln.strip()}" if lost.match(ln) else ln for ln in page] for page in pages]


_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{3,}")
# Names side by side ("Anna Berg (S)   Olle Ek (SD)") or vote sides ("JA (35)   NEJ (10)") are a
# vote list's columns, read across by ingest.votelists, not two columns of prose.
_LISTED = re.compile(r"^[A-ZÅÄÖÉ][\w'-]+(?:[ -][A-ZÅÄÖÉ][\w'-]+){1,3}(?:\s*\([^)]{1,20}\))?$"
                     r"|^(?:JA|NEJ|AVSTÅR|Ja|Nej|Avstår)(?:-röster)?(?:\s*\(\d+\))?:?$")
# A right column starts at least this far in, is shared by this many lines of a page, and those
# lines' right parts are prose (a word of three letters), not the figures of a numeric table.
_MIN_COLUMN, _MIN_LINES, _TOLERANCE = 35, 4, 2


def _segments(line: str) -> list[tuple[int, str]]:
    """(column, text) of each run of text separated from the next by three or more spaces."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"\S.*?(?=\s{3,}|\s*$)", line):
        out.append((m.start(), m.group(0)))
    return out


def _right_column(segments: list[list[tuple[int, str]]]) -> int | None:
    """The column where a page's second text column starts, when it has one (from each line's
    `_segments`)."""
    starts: Counter[int] = Counter()
    for segs in segments:
        if len(segs) == 2 and segs[1][0] >= _MIN_COLUMN and _WORD.search(segs[1][1]) and _WORD.search(segs[0][1]) \
                and not all(_LISTED.match(text) for _, text in segs):
            starts[segs[1][0]] += 1
    if not starts:
        return None
    column, _ = starts.most_common(1)[0]
    near = sum(n for c, n in starts.items() if abs(c - column) <= _TOLERANCE)
    tables = sum(1 for segs in segments if len(segs) >= 3)
    return column if near >= _MIN_LINES and tables < near else None


def split_columns(pages: list[list[str]]) -> list[list[str]]:
    """Read each page's two side-by-side text columns one after the other (`_split_page`)."""
    out: list[list[str]] = []
    for lines in pages:
        segments = [_segments(ln) for ln in lines]
        column = _right_column(segments)
        out.append(lines if column is None else _split_page(lines, segments, column - _TOLERANCE))
    return out


def _emit_row(page: list[str], left: list[str], right: list[str]) -> None:
    if left or right:
        page.extend([*([""] if page and page[-1].strip() else []), *left, "", *right, ""])
    left.clear()
    right.clear()


def _split_page(lines: list[str], segments: list[list[tuple[int, str]]], cut: int) -> list[str]:
    """Between the first and the last line with text right of `cut`, each line is cut there. A
    row of the table (left text, then its right-hand comment) ends at a blank line or where the
    left column starts again after two or more lines with text on the right only; each row gives
    its left lines, a blank line, its right lines and a blank line, so neither column's sentences
    are interleaved with the other's."""
    at_right = [i for i, segs in enumerate(segments) if any(c >= cut for c, _ in segs)]
    first, last = at_right[0], at_right[-1]
    page = lines[:first]
    left: list[str] = []
    right: list[str] = []
    right_only = 0
    for ln in lines[first:last + 1]:
        head, tail = ln[:cut].rstrip(), ln[cut:].strip()
        if len(ln) > cut and ln[cut - 1] != " ":  # a left-hand text runs across the column: not cut
            head, tail = ln.rstrip(), ""
        if not ln.strip() or (head.strip() and right_only >= 2):
            _emit_row(page, left, right)
        right_only = right_only + 1 if tail and not head.strip() else 0
        if head.strip():
            left.append(head)
        if tail:
            right.append(tail)
    _emit_row(page, left, right)
    return page + lines[last + 1:]


# A whole line in Markdown emphasis ("*Tabell 1. …*", "**Barn- och utbildningsnämnden**"): the text
# without the marks, not a "*" bullet.
_EMPHASIS = re.compile(r"^(\s*)(\*\*|\*|__)(?=\S)(.*\S)\2\s*$")


def clean_pages(pages: list[str], layout: str = "text") -> list[Line]:
    """Normalise, remove page furniture and hyphenation; return tagged lines (pages are 1-based)."""
    split = [align_tab_tables(normalize(p).split("\n")) for p in pages]
    split = strip_page_furniture(split)
    if layout == "text":
        split = mark_lost_bullets(split_columns([[_EMPHASIS.sub(r"\1\3", ln) for ln in page] for page in split]))
    lines = [
        Line(page_no, canonical_bullets(ln.rstrip()))
        for page_no, page_lines in enumerate(split, start=1)
        for ln in page_lines
    ]
    return dehyphenate(lines)
