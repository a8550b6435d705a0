"""Targets from table rows and sentences, with their value, year, baseline and outcome."""

from core.models import DocumentMeta, Paragraph
from ingest.targets import extract_targets


def para(n: int, text: str, section: str = "", kind: str = "text") -> Paragraph:
    return Paragraph(paragraph_id=f"d:p{n}", doc_id="d", ordinal=n, page=1, section=section, kind=kind, text=text)


def test_target_table_row_and_target_sentence():
    ps = [
        para(1, "Delmål: Fler digitala möten; Indikator: Antal digitala vårdmöten; Utfall 2022: 25 777; Mål 2024: 18 000",
             "Mål 4. Tillgänglig vård", "table_row"),
        para(2, "Målvärdet för 2030 är 90 procent av alla resor.", "Klimat"),
        para(3, "Indikator: Nöjdhet; Utfall 2024: 80", "Mål 5", "table_row"),  # no target column: not a target
    ]
    first, second = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert (first.indicator, first.baseline, first.baseline_year, first.target, first.target_year) == (
        "Antal digitala vårdmöten", "25 777", "2022", "18 000", "2024")
    assert first.goal == "Fler digitala möten"
    assert (second.target, second.target_year) == ("90 procent", "2030")


def test_one_target_per_target_column_and_a_follow_ups_outcome_is_not_a_baseline():
    ps = [
        para(1, "Indikator: Meritvärde; Utgångsvärde (2024): 218; Målvärde 2026: 225; Målvärde 2027: 230",
             "Plan › Nämndmål 1.1 Fler elever ska nå kunskapskraven", "table_row"),
        para(2, "Indikator: Vårdplatser; Utfall 2025: 398; Utfall jan–aug 2026: 412; Målvärde 2026: 420; "
                "Bedömning: Delvis uppnått", "3.1.1 Invånarna har god tillgång till vård", "table_row"),
        para(3, "Indikator: Årskurs 3; Utgångsvärde (2024): 78 %; Målvärde 2026: –; Målvärde 2027: 85 %", "", "table_row"),
    ]
    recs = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert [(r.indicator, r.target, r.target_year, r.baseline, r.baseline_year) for r in recs[:2]] == [
        ("Meritvärde", "225", "2026", "218", "2024"), ("Meritvärde", "230", "2027", "218", "2024")]
    assert recs[0].goal == "Fler elever ska nå kunskapskraven"
    follow_up = recs[2]
    assert (follow_up.target, follow_up.outcome, follow_up.outcome_year, follow_up.baseline) == ("420", "412", "2026", "")
    assert follow_up.fulfilment == "Delvis uppnått" and follow_up.goal == "Invånarna har god tillgång till vård"
    assert [(r.target, r.target_year) for r in recs[3:]] == [("85 %", "2027")]  # "–": no target for 2026


def test_a_year_caption_gives_the_year_of_a_target_column_without_one():
    ps = [
        para(1, "Indikator: Trygghet åk 5; Nuläge 2024: 88 %; Målvärde: 92 %", "Nämndmål 2.1 Trygga elever › Mål för 2026", "table_row"),
        para(2, "Tabell 3. Målnivåer för elevhälsa", "Elevhälsa"),
        para(3, "Nämndmål: Tillgänglig elevhälsa; Indikator: Elevhälsoplan finns; Målnivå: Ja", "Elevhälsa", "table_row"),
    ]
    first, second = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert (first.target, first.target_year, first.goal) == ("92 %", "2026", "Trygga elever")
    assert (second.target, second.target_year, second.goal, second.partial) == ("Ja", "", "Tillgänglig elevhälsa", True)


def test_target_sentences_and_what_is_not_a_target():
    ps = [para(1, "Sjukfrånvaron ska minska till högst 6,5 procent år 2026 jämfört med 7,8 procent 2024. "
                  "Antalet barn väntas minska med 4 procent fram till 2027. Soliditeten ska förbättras över tid. "
                  "Målet är att minst 40 procent av sjöarna ska ha god status senast 2030. "
                  "Nämndens driftram för 2026 uppgår till 742,6 miljoner kronor. "
                  "Det finansiella målet för 2026 är att resultatet ska uppgå till minst 2,0 procent av skatteintäkterna. "
                  "Utfallet ligger något över målet på 85 %.")]
    recs = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert [(r.target, r.target_year, r.baseline, r.baseline_year) for r in recs] == [
        ("högst 6,5 procent", "2026", "7,8 procent", "2024"),
        ("minst 40 procent", "2030", "", ""),
        ("minst 2,0 procent", "2026", "", ""),
        ("85 %", "", "", ""),
    ]
    assert recs[0].source.quote.startswith("Sjukfrånvaron ska minska") and recs[0].source.quote.endswith("2024.")


def test_a_row_label_without_a_column_name_is_the_indicator():
    ps = [para(1, "Andel förnybar energi; Utfall 2024: 80 %; Mål 2026: 85 %", "Miljö", "table_row")]
    (rec,) = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert (rec.indicator, rec.baseline, rec.baseline_year, rec.target, rec.target_year) == (
        "Andel förnybar energi", "80 %", "2024", "85 %", "2026")


def test_an_outcome_column_without_a_year_is_the_outcome_and_a_dash_is_no_goal():
    ps = [para(1, "Indikator: Andel nöjda; Utfall: 81 %; Mål 2025: –; Mål 2026: 85 %", "Strategiskt mål 2.1 Nöjda invånare", "table_row")]
    (rec,) = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert (rec.target, rec.target_year, rec.outcome, rec.goal) == ("85 %", "2026", "81 %", "Nöjda invånare")


def test_a_follow_ups_past_tense_target_and_a_direction_cell_that_is_no_target():
    ps = [para(1, "Andelen anställda som är kvar efter ett år skulle under 2025 uppgå till minst 85 procent. "
                  "Målet för 2025 var att andelen rökare skulle vara högst 6 procent."),
          para(2, "Indikator: Antal vårdplatser; Målvärde 2025: Öka; Utfall 2025: 2,1", "Mål 1 Nära vård", "table_row")]
    recs = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert [(r.target, r.target_year) for r in recs] == [("minst 85 procent", "2025"), ("högst 6 procent", "2025")]


def test_a_goal_heading_numbered_with_a_colon_names_the_goal():
    ps = [para(1, "Indikator: Andel nöjda; Målvärde 2026: 85 %", "Mål 1: Nöjda invånare", "table_row")]
    (rec,) = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert (rec.goal, rec.target, rec.target_year) == ("Nöjda invånare", "85 %", "2026")


def test_a_bare_year_after_the_value_and_a_sentence_that_opens_with_its_year():
    ps = [para(1, "Sjukfrånvaron ska vara högst 6,0 procent 2026. "
                  "Senast 2028 ska antalet sjuksköterskor i specialistutbildning vara minst 60 per år.")]
    recs = extract_targets(DocumentMeta(doc_id="d"), ps)
    assert [(r.target, r.target_year) for r in recs] == [("högst 6,0 procent", "2026"), ("minst 60 per år", "2028")]


def test_a_target_cell_with_its_year_in_parentheses_and_the_outcome_of_that_year():
    row = ("Indikator: Besök inom 90 dagar, andel; Mål (år): minst 85 % (2026); Utfall jan–aug 2026: 81 %; "
           "Utfall jan–aug 2025: 78 %; Bedömning: Delvis uppnått")
    (rec,) = extract_targets(DocumentMeta(doc_id="d"), [para(1, row, "Mål 1 › Tabell 1", kind="table_row")])
    assert (rec.target, rec.target_year, rec.outcome, rec.outcome_year, rec.fulfilment) == (
        "minst 85 %", "2026", "81 %", "2026", "Delvis uppnått")


def test_a_list_item_with_the_target_and_its_year_in_parentheses():
    item = "Andel vuxna som röker dagligen: mål högst 6 % (2026), utfall 6,8 % – ej uppnått"
    (rec,) = extract_targets(DocumentMeta(doc_id="d"), [para(1, item, "Mål 1.1 Färre röker", kind="list_item")])
    assert (rec.indicator, rec.target, rec.target_year) == ("Andel vuxna som röker dagligen", "högst 6 %", "2026")
