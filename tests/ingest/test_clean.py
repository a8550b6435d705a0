from ingest.clean import (
    BULLET,
    Line,
    clean_pages,
    dehyphenate,
    is_bullet,
    mark_lost_bullets,
    split_columns,
    strip_bullet,
    strip_page_furniture,
)


def _join(lines):
    return [ln.text for ln in dehyphenate([Line(1, t) for t in lines])]


def test_hyphen_across_line_break_is_removed():
    assert _join(["minskning av budgetra-", "marna med 344 mnkr"]) == ["minskning av budgetramarna med 344 mnkr"]


def test_hyphen_across_blank_lines_is_removed():
    assert _join(["budgetra-", "", "", "marna"]) == ["budgetramarna"]


def test_chained_hyphenation_in_one_line_is_followed():
    out = _join(["region-", "", "fullmäktiges mål. I planen anger sty-", "", "relsen de faktorer"])
    assert out == ["regionfullmäktiges mål. I planen anger styrelsen de faktorer"]


def test_real_hyphens_survive():
    assert _join(["hälso-", "och sjukvårdsnämnden"]) == ["hälso-", "och sjukvårdsnämnden"]
    assert _join(["budget 2024-", "2027."]) == ["budget 2024-2027."]
    assert _join(["Ewa-", "May Karlsson (C)"]) == ["Ewa-May Karlsson (C)"]
    assert _join(["- - - -", "nästa"]) == ["- - - -", "nästa"]


def test_known_furniture_is_removed_everywhere():
    pages = [["Utdragsbestyrkande", "§ 8 Rubrik", "Text.", "Justerandes signatur"], ["3 (23)", "Mer text."]]
    assert strip_page_furniture(pages) == [["§ 8 Rubrik", "Text."], ["Mer text."]]


def test_repeated_headers_with_changing_numbers_are_removed():
    bodies = ["Revisorerna tillstyrker.", "Räkenskaperna är rättvisande.", "Vi bedömer verksamheten."]
    pages = [
        [f"Stadsrevisionen, Revisionsberättelse {i} (3)", body, "Göteborgs Stad rapport"]
        for i, body in enumerate(bodies, start=1)
    ]
    assert strip_page_furniture(pages) == [[body] for body in bodies]


def test_furniture_cells_side_by_side_are_furniture():
    pages = [["§ 8 Rubrik", "Text.", "Justerare                 Utdragsbestyrkande"]]
    assert strip_page_furniture(pages) == [["§ 8 Rubrik", "Text."]]


def test_a_protocol_subheading_at_the_top_of_most_pages_is_kept():
    # a text file whose pages are cut at blank-line runs: each § a "page", each opening with "Beslut"
    pages = [[f"§ {n}", "Beslut", f"Ärende {n} godkänns.", "______"] for n in range(1, 5)]
    assert [p[:2] for p in strip_page_furniture(pages)] == [[f"§ {n}", "Beslut"] for n in range(1, 5)]


def test_repeated_table_header_is_kept():
    pages = [["Mål 1. X", "Delmål Indikator Utfall 2022 Mål 2024", f"rad {i}"] for i in range(4)]
    assert all("Delmål Indikator Utfall 2022 Mål 2024" in p for p in strip_page_furniture(pages))


def test_bullet_glyphs_become_list_items():
    for glyph in ("\uf0b7", "•", "–", "▪"):
        line = f"{glyph} Minska tjänsteresandet"
        assert is_bullet(line)
        assert strip_bullet(line) == "Minska tjänsteresandet"
    assert not is_bullet("2022-2024 som grund")
    assert not is_bullet("Minska tjänsteresandet")


def test_lost_bullet_glyphs_are_recovered_from_indentation():
    pages = [["Inledning:", " Formalisera arbetet", " Minska tjänsteresandet", "Vanlig text", "mer text", "slut"]]
    out = mark_lost_bullets(pages)[0]
    assert out[1] == f"{BULLET} Formalisera arbetet" and out[3] == "Vanlig text"


def test_clean_pages_tags_page_numbers_and_normalises():
    lines = clean_pages(["Första\u00a0sidan med mjuk\u00adbindestreck", "Andra sidan"])
    assert [(ln.page, ln.text) for ln in lines] == [(1, "Första sidan med mjukbindestreck"), (2, "Andra sidan")]


# A `pdftotext -layout` page: an assignment table whose status column stands beside the task.
_STATUS_TABLE = [
    "6.1       Redovisning av uppdrag",
    "            Uppdrag från KF/KS                         Uppdragets status och kommentar",
    "",
    "            Alla nämnder och bolagsstyrelser får i        Avslutad",
    "            uppdrag att analysera sina inköp",
    "            utifrån stadens spendrapport",
    "                                                       2025-12-01",
    "            och ta fram förslag på förbättringar.          Uppdraget återrapporterades till nämnden",
    "            Uppdragsår                                 på nämndsammanträdet i november och",
    "            2025                                       avslutades i samband med det.",
    "                                                       Arbetet fortsätter inom ramen för",
    "                                                       ordinarie verksamhet.",
    "            Nämnden för Intraservice får i             Pågår",
    "            uppdrag att utreda licenserna.             Utredningen redovisas i maj.",
]


def test_side_by_side_columns_are_read_one_after_the_other_row_by_row():
    (page,) = split_columns([_STATUS_TABLE])
    text = "\n".join(page)
    paragraphs = [" ".join(ln.strip() for ln in block.strip().split("\n")) for block in text.split("\n\n") if block.strip()]
    assert ("Alla nämnder och bolagsstyrelser får i uppdrag att analysera sina inköp utifrån stadens spendrapport "
            "och ta fram förslag på förbättringar. Uppdragsår 2025") in paragraphs
    assert ("Avslutad 2025-12-01 Uppdraget återrapporterades till nämnden på nämndsammanträdet i november och "
            "avslutades i samband med det. Arbetet fortsätter inom ramen för ordinarie verksamhet.") in paragraphs
    # the next row starts where the left column starts again after the right-only lines
    assert "Nämnden för Intraservice får i uppdrag att utreda licenserna." in paragraphs
    assert "Pågår Utredningen redovisas i maj." in paragraphs
    assert paragraphs[0] == _STATUS_TABLE[0]  # above the table: as it was
    assert paragraphs[1:3] == ["Uppdrag från KF/KS", "Uppdragets status och kommentar"]


def test_numeric_tables_and_single_column_pages_are_left_as_they_are():
    numbers = [
        "          Intäkter            1 420,1      1 434,1      -14,0      1 442,7",
        "          Kostnader          -1 451,4     -1 472,3       20,9     -1 467,1",
        "          Kommunbidrag          31,3         38,2        -6,9        24,4",
        "          Resultat               0,0          0,0         0,0         0,0",
        "          Nettokostnad           0,0          0,0         0,0         0,0",
    ]
    prose = ["          Förvaltningen har utvärderat systemet för styrning och uppföljning genom",
             "          en egenutvärdering enligt stadens rapport och genom egenutvärdering av nämnden."] * 3
    assert split_columns([numbers, prose]) == [numbers, prose]


def test_names_side_by_side_are_a_vote_lists_columns_not_two_columns_of_prose():
    names = ["JA (6)                                          NEJ (4)",
             *[f"Anna Berg{c} (S)                                 Olle Ek{c} (SD)" for c in "abcd"]]
    assert split_columns([names]) == [names]


def test_a_header_printed_one_cell_a_line_leaves_no_page_word_or_meeting_date():
    furniture = ["Justerandes sign", "Utdragsbestyrkande", "Sammanträdesdatum", "2026-04-15", "Sida"]
    bodies = [["§ 1", "Val av justerare", "Olle Ek utses att justera protokollet."],
              ["§ 2", "Budget", "Beslut", "Nämnden fastställer budgeten som lades fram 2026-04-15."],
              ["§ 3", "Skolskjuts", "Ärendet bordläggs till nästa sammanträde."]]
    pages = [[*body, "", *furniture, f"{n}(3)"] for n, body in enumerate(bodies, 1)]
    kept = strip_page_furniture(pages)
    assert [[ln for ln in page if ln.strip()] for page in kept] == bodies
