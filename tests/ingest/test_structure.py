from ingest.clean import clean_pages
from ingest.extract import split_text_pages
from ingest.structure import parse_structure, split_values


def parse(text: str, layout: str = "text"):
    pages = split_text_pages(text) if layout == "text" else [text]
    return parse_structure(clean_pages(pages, layout), layout)


PROTOCOL = """§ 8 Uppdragsdirektiv för genomförandet av fullmäktigeuppdragen
2024
RS 68-2024

Sammanfattning

I planen har regionfullmäktige beslutat om följande uppdrag;

\uf0b7 Formalisera arbetet med att minska hyrberoendet
\uf0b7 Identifiera och ta fram förslag på samordnade aktiviteter mellan

förvaltningarna i norra sjukvårdsregionen

Beslut

Regiondirektören får i uppdrag att genomföra uppdragen.

Deltar ej i beslut

Nicklas Sandström (M) avstår från att delta i beslutet.
"""


def test_protocol_paragraph_and_subheadings():
    paras = parse(PROTOCOL)
    top = "§ 8 Uppdragsdirektiv för genomförandet av fullmäktigeuppdragen 2024"
    assert paras[0].section == f"{top} › Sammanfattning"
    assert [p.kind for p in paras[1:3]] == ["list_item", "list_item"]
    # the item continued after a blank line is one paragraph
    assert paras[2].text.endswith("mellan förvaltningarna i norra sjukvårdsregionen")
    assert paras[3].section == f"{top} › Beslut"
    assert paras[4].section == f"{top} › Deltar ej i beslut"
    assert "RS 68-2024" not in paras[0].section


def test_case_number_on_paragraph_line_is_not_the_title():
    paras = parse("§ 234 Ärendenummer SLK-2026-00203\n\nRedovisning av uppdrag om skjutbanor\nBeslut\n\nKommunstyrelsen tillstyrker.\n")
    assert paras[0].section == "§ 234 Redovisning av uppdrag om skjutbanor › Beslut"


def test_compact_minutes_keep_the_text_on_the_paragraph_sign_line():
    # "§ N Title. Text …" on one line: the first sentence is the title, the rest is the § text
    # (it used to vanish into the heading, leaving the § without any paragraph).
    paras = parse(
        "Protokoll årsmöte\n\n§ 1 Mötets öppnande. Ordföranden Anna Ek förklarade mötet öppnat.\n\n"
        "§ 2 Val av justerare. Till justerare valdes Per Lund och Eva Berg.\n\n"
        "§ 3 Övriga frågor.\n\nInga övriga frågor anmäldes.\n"
    )
    assert [(p.section, p.text) for p in paras] == [
        ("", "Protokoll årsmöte"),
        ("§ 1 Mötets öppnande", "Ordföranden Anna Ek förklarade mötet öppnat."),
        ("§ 2 Val av justerare", "Till justerare valdes Per Lund och Eva Berg."),
        ("§ 3 Övriga frågor.", "Inga övriga frågor anmäldes."),
    ]


def test_numbered_and_goal_headings_nest():
    paras = parse("2. Mål och verksamhetsnytta\n2.2. Uppdragsmål 2025\nEfter genomfört uppdrag ser vi mål.\n\n\n\nMål 6. En hållbar miljö\n\nText om miljö här.\n")
    assert paras[0].section == "2 Mål och verksamhetsnytta › 2.2 Uppdragsmål 2025"
    assert paras[1].section == "Mål 6. En hållbar miljö"
    assert paras[1].page == 2


GOAL_TABLE = """Mål 6. En hållbar miljö- och klimatregion

Delmål Indikator Utfall 2022 Mål 2024
Vår verksamhet minskar energianvändning och
klimatpåverkan

Miljökrav ställs i prioriterade upphandlingar 60 %

Klimatutsläpp från tjänsteresor 2 434 1 973

Andel basenheter som har en arbetsmiljöplan med
aktiva åtgärder

70 %
"""


def test_goal_table_rows_keep_their_column_meaning():
    rows = parse(GOAL_TABLE)
    assert [r.kind for r in rows] == ["table_row"] * 3
    assert rows[1].text == (
        "Delmål: Vår verksamhet minskar energianvändning och klimatpåverkan; "
        "Indikator: Klimatutsläpp från tjänsteresor; Utfall 2022: 2 434; Mål 2024: 1 973"
    )
    assert rows[0].text.endswith("Indikator: Miljökrav ställs i prioriterade upphandlingar; Mål 2024: 60 %")
    assert rows[2].text.endswith("Indikator: Andel basenheter som har en arbetsmiljöplan med aktiva åtgärder; Mål 2024: 70 %")
    assert all(r.section == "Mål 6. En hållbar miljö- och klimatregion" for r in rows)


def test_split_values_uses_swedish_thousands_grouping():
    assert split_values("2 434 1 973", 2) == ["2 434", "1 973"]
    assert split_values("25 777 18 000", 2) == ["25 777", "18 000"]
    assert split_values("69 500 000 25 000 000", 2) == ["69 500 000", "25 000 000"]
    assert split_values("101,3 97,1", 2) == ["101,3", "97,1"]
    assert split_values("50 % 60 %", 2) == ["50 %", "60 %"]
    assert split_values("Ja", 2) == ["Ja"]


def test_pdf_layout_splits_paragraphs_on_short_final_lines():
    text = (
        "Granskningens utgångspunkter\n"
        "Kommunstyrelsen har enligt kommunallagen uppgiften att bereda kommunfullmäktiges\n"
        "ärenden och att verkställa beslut.\n"
        "Kommunfullmäktige har beslutat om ett flertal planer och program som gäller för\n"
        "stadens verksamheter.\n"
    )
    paras = parse(text, "pdf")
    assert [p.section for p in paras] == ["Granskningens utgångspunkter"] * 2
    assert paras[0].text.endswith("verkställa beslut.")
    assert paras[1].text.startswith("Kommunfullmäktige har beslutat")


def test_short_continuations_join_their_list_item():
    paras = parse("\uf0b7 Utreda möjligheterna inom neurologi.\n\n(RS)\n\n\uf0b7 Säkerställa beredskap (RS,\n\nRUN)\n")
    assert [p.text for p in paras] == ["Utreda möjligheterna inom neurologi. (RS)", "Säkerställa beredskap (RS, RUN)"]


def test_numbered_decision_points_that_continue_are_not_headings():
    paras = parse(
        "§ 239 Kompletterande uppföljning\nBeslut\n\n1. Kompletterande uppföljning per december 2025, i enlighet med bilaga 1 till\n"
        "stadsledningskontorets tjänsteutlåtande, godkänns.\nTidigare behandling\nBordlagt den 18 mars 2026, § 196.\n"
    )
    assert paras[0].section == "§ 239 Kompletterande uppföljning › Beslut"
    assert paras[0].text.startswith("1. Kompletterande uppföljning") and paras[0].text.endswith("godkänns.")
    assert paras[1].section == "§ 239 Kompletterande uppföljning › Tidigare behandling"


def test_long_numbered_title_on_its_own_line_is_a_heading():
    text = (
        "1. Förmedla bidrag för koordinering av regional innovation och kunskapsöverföring\n\n"
        "   Jordbruksverket ska under 2025 betala ut medel.\n\n"
        "   För åtgärden får Jordbruksverket använda högst 4 miljoner kronor.\n"
        "10. Förmedla bidrag till V.S. Visit Sweden AB för att stärka svensk måltidsturism och besöksnäring\n\n"
        "   Jordbruksverket ska förmedla bidrag.\n\n"
        "Styrelsen beslutar:\n"
        "2. Att uppdra åt förvaltningen att utreda frågan om ett nytt kök i skolan under våren\n\n"
    )
    ps = parse(text)
    assert [p.text for p in ps][:3] == [
        "Jordbruksverket ska under 2025 betala ut medel.",
        "För åtgärden får Jordbruksverket använda högst 4 miljoner kronor.",
        "Jordbruksverket ska förmedla bidrag."]
    assert ps[2].section.startswith("10 Förmedla bidrag till V.S. Visit Sweden AB")
    assert ps[1].section.startswith("1 Förmedla bidrag för koordinering")
    # a numbered point a "… beslutar:" introduces stays text
    assert "2. Att uppdra åt förvaltningen" in ps[-1].text and ps[-1].section.startswith("10 ")


def test_a_bodys_decision_heading_and_a_dnr_with_a_series_on_the_sign_line():
    paras = parse(
        "§ 45 Dnr KS 2025/112\nMedborgarbudget för Ekby centrum\n\nKommunstyrelsens beslut\n"
        "Kommunstyrelsen beslutar att anta förslaget.\n\nReservation\nSverigedemokraterna reserverar sig.\n\n"
        "Sammanfattning av ärendet\nFörvaltningen har tagit fram ett förslag.\n"
    )
    top = "§ 45 Medborgarbudget för Ekby centrum"
    assert [(p.section, p.text) for p in paras] == [
        (f"{top} › Kommunstyrelsens beslut", "Kommunstyrelsen beslutar att anta förslaget."),
        (f"{top} › Reservation", "Sverigedemokraterna reserverar sig."),
        (f"{top} › Sammanfattning av ärendet", "Förvaltningen har tagit fram ett förslag."),
    ]


def test_numbered_decision_points_in_a_paragraph_are_not_headings():
    # "1. Investeringsutgift … vid" / "Länssjukhuset i Norrby godkänns." read like a numbered title
    # followed by text, but inside a § they are the decision's points.
    paras = parse(
        "§ 114 Ombyggnad av akutmottagningen\nDiarienummer: RS 233-2025\n\nRegionstyrelsens beslut\n\n"
        "1. Investeringsutgift om 124,0 miljoner kronor för ombyggnad av akutmottagningen vid\n"
        "Länssjukhuset i Norrby godkänns.\n2. Paragrafen justeras omedelbart.\n"
    )
    assert [p.section for p in paras] == ["§ 114 Ombyggnad av akutmottagningen › Regionstyrelsens beslut"]
    assert paras[0].text.startswith("1. Investeringsutgift") and paras[0].text.endswith("justeras omedelbart.")


def test_markdown_pipe_table_rows_name_their_columns_and_a_contents_list_is_no_heading():
    text = """# Verksamhetsplan 2026

## Innehåll

1. Inledning
2. Mål och indikatorer

## 1. Inledning

Planen gäller 2026.

## 2. Mål och indikatorer

*Tabell 1. Indikatorer*

| Indikator | Utgångsvärde (2024) | Målvärde 2026 |
|---|---|---|
| Andel behöriga elever | 82,4 % | **85 %** |

Kommentar efter tabellen.
"""
    ps = parse(text)
    rows = [p for p in ps if p.kind == "table_row"]
    assert [p.text for p in rows] == ["Indikator: Andel behöriga elever; Utgångsvärde (2024): 82,4 %; Målvärde 2026: 85 %"]
    assert rows[0].section == "Verksamhetsplan 2026 › 2. Mål och indikatorer"
    caption = next(p for p in ps if p.text.startswith("Tabell 1"))
    assert caption.kind == "text" and caption.text == "Tabell 1. Indikatorer"  # emphasis, not a "*" bullet
    assert any(p.section.endswith("Innehåll") and "1. Inledning 2. Mål" in p.text for p in ps)


def test_space_aligned_table_with_a_two_line_header_and_wrapped_cells():
    text = """Tabell 1. Indikatorer

  Indikator                                Utgångs-    Utfall         Målvärde     Bedömning
                                           värde 2024  jan–aug 2026   2026
  ------------------------------------------------------------------------------------------
  Andel patienter som fått en
  bedömning inom tre dagar ¹               81 %        83 %           85 %         Delvis
                                                                                   uppnått
  Antal vårdplatser                        398         412            420          Uppnått

¹ Mäts i mars.
"""
    ps = parse(text)
    assert [p.text for p in ps if p.kind == "table_row"] == [
        "Indikator: Andel patienter som fått en bedömning inom tre dagar; Utgångsvärde 2024: 81 %; "
        "Utfall jan–aug 2026: 83 %; Målvärde 2026: 85 %; Bedömning: Delvis uppnått",
        "Indikator: Antal vårdplatser; Utgångsvärde 2024: 398; Utfall jan–aug 2026: 412; Målvärde 2026: 420; "
        "Bedömning: Uppnått",
    ]
    assert ps[-1].kind == "text" and ps[-1].text == "¹ Mäts i mars."  # the note is not part of the last row


def test_an_aligned_row_whose_long_label_pushes_its_values_right_keeps_one_value_a_column():
    text = """Indikator                              Utgångsvärde 2022   Målvärde 2025   Utfall 2025   Status
Förvärvsfrekvens 20–64 år, %           79,8                81,0            81,4          ●
Andel av befolkningen 25–64 år med eftergymnasial utbildning, %   36,2   40,0   37,9   ○
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows[1] == ("Indikator: Andel av befolkningen 25–64 år med eftergymnasial utbildning, %; "
                       "Utgångsvärde 2022: 36,2; Målvärde 2025: 40,0; Utfall 2025: 37,9; Status: ○")


def test_an_aligned_cell_that_runs_into_the_next_column_with_one_space_is_split_where_the_column_starts():
    text = """Område        Indikator                            Målnivå 2026   Utfall 2026
Personal      Andel legitimerade lärare i skolorna minst 80 %     77 %
Miljö         Andel fossilfria fordon              100 %          92 %
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows[0] == "Område: Personal; Indikator: Andel legitimerade lärare i skolorna; Målnivå 2026: minst 80 %; Utfall 2026: 77 %"


def test_an_indicators_key_value_block_reads_as_one_row():
    text = """Mål 1: Fler elever når kunskapskraven

Indikator: Andel elever som känner sig trygga i skolan, enligt
elevenkäten
Utgångsvärde 2024: 84 %
Målvärde 2026: 90 %
Bedömning: Delvis uppnått

Indikator: se bilaga.
Nämnden bedömer att målet delvis nås.
"""
    ps = parse(text)
    assert [(p.kind, p.text) for p in ps if p.text.startswith("Indikator")] == [
        ("table_row", "Indikator: Andel elever som känner sig trygga i skolan, enligt elevenkäten; "
                      "Utgångsvärde 2024: 84 %; Målvärde 2026: 90 %; Bedömning: Delvis uppnått"),
        ("text", "Indikator: se bilaga. Nämnden bedömer att målet delvis nås."),  # no value keys: text
    ]


def test_an_indicator_card_and_a_numbered_measure_heading():
    text = """Åtgärd 2. Bidrag till kommunal skyfallskartering

Myndigheten ska fördela bidrag till kommunerna.

Indikator
Andel barn med fullständigt vaccinationsskydd
Utgångsvärde 2024      Målvärde 2026      Utfall jan–aug 2026      Bedömning
96,1 %                 minst 97 %         96,4 %                   Uppnås delvis
"""
    ps = parse(text)
    assert ps[0].section == "Åtgärd 2. Bidrag till kommunal skyfallskartering"
    assert [p.text for p in ps if p.kind == "table_row"] == [
        "Indikator: Andel barn med fullständigt vaccinationsskydd; Utgångsvärde 2024: 96,1 %; Målvärde 2026: minst 97 %; "
        "Utfall jan–aug 2026: 96,4 %; Bedömning: Uppnås delvis"]


def test_an_indented_aligned_table_names_its_first_column_and_a_goal_row_names_the_goal_of_the_rows_below():
    text = """          Tabell 4. Målvärden
            Indikator                                    Utgångsvärde    Mål 2026    Mål 2027
            Nämndmål 1: Trygg vård
            Andel brukare som känner sig trygga, %             87          90          92
"""
    assert [p.text for p in parse(text) if p.kind == "table_row"] == [
        "Nämndmål: Nämndmål 1: Trygg vård; Indikator: Andel brukare som känner sig trygga, %; Utgångsvärde: 87; "
        "Mål 2026: 90; Mål 2027: 92"]


def test_an_aligned_header_of_more_lines_than_two_is_left_as_text():
    text = """                         Utfall       Budget                    Prognos         Utfall
   Tjänster                                            Avvikelse
                         2025          2025                       aug           2024
"""
    assert not [p for p in parse(text) if p.kind == "table_row"]


def test_a_sign_with_the_body_in_lower_case_and_a_proposal_to_the_council_as_a_sub_heading():
    text = """Kommunfullmäktige
Protokoll

Kf § 84

Budget 2027

Kommunstyrelsens förslag till kommunfullmäktige
1. Budgeten fastställs.

Kommunfullmäktiges beslut
1. Budgeten fastställs.

Se § 12 i föregående protokoll.
"""
    sections = [(p.section, p.text) for p in parse(text)]
    assert ("§ 84 Budget 2027 › Kommunstyrelsens förslag till kommunfullmäktige", "1. Budgeten fastställs.") in sections
    assert ("§ 84 Budget 2027 › Kommunfullmäktiges beslut", "1. Budgeten fastställs.") in sections
    assert sections[-1][0].startswith("§ 84")  # "Se § 12 …" is a reference, not a new §


def test_a_second_header_row_of_years_and_periods_under_every_column():
    text = """  Målvärde        Utfall          Indikator
  2026            jan–aug 2026
  högst 8 %       9,2 %           Vårdrelaterade infektioner, andel
  minst 95 %      96 %            Följsamhet till hygienrutiner, andel
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows == ["Målvärde 2026: högst 8 %; Utfall jan–aug 2026: 9,2 %; Indikator: Vårdrelaterade infektioner, andel",
                    "Målvärde 2026: minst 95 %; Utfall jan–aug 2026: 96 %; Indikator: Följsamhet till hygienrutiner, andel"]


def test_a_year_column_table_with_a_stack_of_target_and_outcome_lines_under_each_indicator():
    text = """                                          2024      2025      2026
  Andel rökfria patienter
      Mål                                 –         80 %      85 %
      Utfall                              76 %      79 %
  Andel nöjda patienter
      Mål                                 –         –         90 %
      Utfall                              88 %      87 %      89 %
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows == [
        "Indikator: Andel rökfria patienter; Mål 2024: –; Mål 2025: 80 %; Mål 2026: 85 %; Utfall 2024: 76 %; Utfall 2025: 79 %",
        "Indikator: Andel nöjda patienter; Mål 2024: –; Mål 2025: –; Mål 2026: 90 %; Utfall 2024: 88 %; Utfall 2025: 87 %; "
        "Utfall 2026: 89 %"]


def test_a_table_whose_columns_are_the_indicators():
    text = """                        Punktlighet buss, %          Nöjd kund-index (NKI)
Utgångsläge 2025        88,1                         71
Mål 2026                90,0                         73
Utfall jan–aug 2026     89,4                         73
Bedömning 2026          Delvis uppfyllt              Uppfyllt
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows == [
        "Indikator: Punktlighet buss, %; Utgångsläge 2025: 88,1; Mål 2026: 90,0; Utfall jan–aug 2026: 89,4; "
        "Bedömning 2026: Delvis uppfyllt",
        "Indikator: Nöjd kund-index (NKI); Utgångsläge 2025: 71; Mål 2026: 73; Utfall jan–aug 2026: 73; Bedömning 2026: Uppfyllt"]


def test_a_table_printed_one_cell_a_line_with_the_year_under_its_column_name():
    text = """Tabell 1. Indikatorer
Indikator
Utgångsvärde
2024
Målvärde
2026
Utfall
2026
Andel unga med gott välbefinnande, %
71
75
72
Väntetid till första bedömning,
dagar (median)
34
högst 30
27
Källa: Elevhälsoenkäten 2026.
"""
    rows = [p.text for p in parse(text) if p.kind == "table_row"]
    assert rows == [
        "Indikator: Andel unga med gott välbefinnande, %; Utgångsvärde 2024: 71; Målvärde 2026: 75; Utfall 2026: 72",
        "Indikator: Väntetid till första bedömning, dagar (median); Utgångsvärde 2024: 34; Målvärde 2026: högst 30; "
        "Utfall 2026: 27"]


def test_a_lead_over_a_sentence_is_text_and_over_att_satser_a_heading():
    text = """§ 8 Uppdragsdirektiv

Förslag till beslut

Regionstyrelsen beslutar

Regiondirektören får i uppdrag att genomföra uppdragen.

§ 9 Taxa

Regionstyrelsen beslutar
att anta taxan.
"""
    sections = [(p.section, p.text) for p in parse(text)]
    assert sections[:2] == [("§ 8 Uppdragsdirektiv › Förslag till beslut", "Regionstyrelsen beslutar"),
                            ("§ 8 Uppdragsdirektiv › Förslag till beslut", "Regiondirektören får i uppdrag att genomföra uppdragen.")]
    assert sections[2] == ("§ 9 Taxa › Regionstyrelsen beslutar", "att anta taxan.")
