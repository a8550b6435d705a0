"""Assignments with receivers, deadlines and money."""

from core.models import DocumentMeta, Paragraph
from ingest.assignments import extract_assignments


def para(n: int, text: str, section: str = "", kind: str = "text") -> Paragraph:
    return Paragraph(paragraph_id=f"d:p{n}", doc_id="d", ordinal=n, page=1, section=section, kind=kind, text=text)


def test_government_assignment_with_deadline_and_money():
    ps = [
        para(1, "Regeringen uppdrar åt Statens energimyndighet (Energimyndigheten) att ta fram en plan för laddinfrastruktur.", "Regeringens beslut"),
        para(2, "Energimyndigheten får använda högst 2 miljoner kronor för uppdraget.", "Regeringens beslut"),
        para(3, "Uppdraget ska redovisas till Regeringskansliet senast den 31 mars 2027.", "Regeringens beslut"),
    ]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)
    assert (rec.giver, rec.receiver) == ("Regeringen", "Statens energimyndighet")
    assert [d.date for d in rec.deadlines] == ["2027-03-31"]
    assert [m.text for m in rec.money] == ["2 miljoner kronor"]
    assert rec.deadlines[0].source.quote in ps[2].text


def test_list_of_assignments_under_a_lead_and_numbered_decision():
    ps = [
        para(1, "I planen har fullmäktige beslutat om följande uppdrag till regionstyrelsen;"),
        para(2, "Minska hyrberoendet", kind="list_item"),
        para(3, "Förbättra tillgängligheten", kind="list_item"),
        para(4, "1. Planen antas. 2. Trafiknämnden får i uppdrag att redovisa genomförandet per december 2026."),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Regionfullmäktige"), ps)
    assert [(r.receiver, r.task.text) for r in recs][:2] == [
        ("regionstyrelsen", "Minska hyrberoendet"), ("regionstyrelsen", "Förbättra tillgängligheten")]
    assert recs[2].receiver == "Trafiknämnden" and recs[2].task.text.startswith("Trafiknämnden får")
    assert [d.date for d in recs[2].deadlines] == ["2026-12"]


def test_a_repeated_decision_is_one_assignment():
    ps = [para(1, "Regiondirektören får i uppdrag att genomföra uppdragen."),
          para(2, "Regiondirektören får i uppdrag att genomföra uppdragen.")]
    assert len(extract_assignments(DocumentMeta(doc_id="d"), ps)) == 1


def test_abbreviation_after_a_list_item_picks_the_receiver():
    ps = [
        para(1, "Fullmäktige ger följande uppdrag till regionstyrelsen och regionala utvecklingsnämnden:"),
        para(2, "Utveckla den palliativa vården. (RS)", kind="list_item"),
        para(3, "Prioritera satsningar inom kulturen. (RUN)", kind="list_item"),
        para(4, "Säkerställa beredskapen för kriser (RS, RUN)", kind="list_item"),
        para(5, "Öka antalet servicepunkter.", kind="list_item"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Regionfullmäktige"), ps)
    assert [r.receiver for r in recs] == [
        "regionstyrelsen", "regionala utvecklingsnämnden",
        "regionstyrelsen och regionala utvecklingsnämnden", "regionstyrelsen och regionala utvecklingsnämnden"]


def test_directive_measures_are_assignments_of_their_own_and_the_umbrella_lists_their_money():
    ps = [
        para(1, "Regeringen ger Statens energimyndighet (Energimyndigheten) och Boverket i uppdrag att genomföra nedan angivna åtgärder.", "Uppdraget"),
        para(2, "Energimyndigheten ska under 2026 ta fram en vägledning om laddplatser.", "1. Vägledning"),
        para(3, "Energimyndigheten ska villkora stödet med krav på uppföljning.", "1. Vägledning"),
        para(4, "För åtgärden får Energimyndigheten använda högst 2 miljoner kronor.", "1. Vägledning"),
        para(5, "Boverket ska under perioden 2026–2028 följa upp byggreglerna.", "2. Byggregler"),
        para(6, "För åtgärden får Boverket använda högst 5 miljoner kronor.", "2. Byggregler"),
        para(7, "Med ändring av regeringens beslut den 19 december 2019 med uppdrag till Boverket att föra statistik ska Boverket årligen redovisa arbetet.", "Redovisning"),
        para(8, "Energimyndigheten ska senast den 28 februari 2029 lämna en slutredovisning av samtliga åtgärder i uppdraget.", "Redovisning"),
        para(9, "Länsstyrelsen ska bistå med underlag.", "Redovisning"),
    ]
    umbrella, *measures = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)
    assert umbrella.record_id == "d:u1"
    assert (umbrella.giver, umbrella.receiver) == ("Regeringen", "Statens energimyndighet (Energimyndigheten) och Boverket")
    assert [m.text for m in umbrella.money] == ["2 miljoner kronor", "5 miljoner kronor"]
    assert [d.date for d in umbrella.deadlines] == ["2029-02-28"]  # not the 2019 decision referred to
    # every paragraph opening "<a receiver> ska …" that is not a reporting duty; not Länsstyrelsen
    assert [(m.giver, m.receiver, m.task.text[:30]) for m in measures] == [
        ("Regeringen", "Energimyndigheten", "Energimyndigheten ska under 20"),
        ("Regeringen", "Energimyndigheten", "Energimyndigheten ska villkora"),
        ("Regeringen", "Boverket", "Boverket ska under perioden 20"),
    ]
    assert [[d.date for d in m.deadlines] for m in measures] == [["2026", "2029-02-28"], ["2029-02-28"], ["2029-02-28"]]
    # the section's "För åtgärden får …" belongs to its first measure
    assert [[m.text for m in r.money] for r in measures] == [["2 miljoner kronor"], [], ["5 miljoner kronor"]]
    assert measures[0].paragraph_ids == ["d:p2", "d:p4"] and measures[0].money[0].source.paragraph_id == "d:p4"
    assert [m.record_id for m in measures] == ["d:u2", "d:u3", "d:u4"]


def test_dates_of_a_status_table_are_not_deadlines():
    ps = [para(1, "Intraservice får i uppdrag att utveckla hanteringen av datorer. Avslutad 2025-11-14 "
                  "Återrapporterat i årsrapporten som lämnas i januari efter en lång rad kommentarer om arbetet "
                  "och dess resultat under året 2026-01-19.")]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Nämnden"), ps)
    assert [d.date for d in rec.deadlines] == []


def test_flattened_assignment_table_pairs_tasks_with_their_bodies():
    sec = "Uppdrag från fullmäktige till nämnd"
    ps = [
        para(1, "Formalisera arbetet med att minska hyrberoendet Hälso- och sjukvårdsnämnden och regionstyrelsen "
                "Identifiera och ta fram förslag på samordnade aktiviteter mellan förvaltningarna.", sec),
        para(2, "Hälso- och sjukvårdsnämnden, regionstyrelsen och regionala utvecklingsnämnden", sec),
        para(3, "Minska tjänsteresandet med 15 procent i jämförelse med år 2023 Alla nämnder och styrelser", sec),
        para(4, "Utveckla samspelet mellan sjukhusvården och primärvården.", sec),
        para(5, "Tydliggöra roller inom primärvården", sec, kind="list_item"),
        para(6, "Hälso- och sjukvårdsnämnden", sec),
        para(7, "Bereda strategi för folkhälsa tillsammans med rådet", "Övriga uppdrag"),
        para(8, "Beredning för folkhälsa", "Övriga uppdrag"),
        para(9, "Utveckla arbetet med att minska kostnaderna i verksamheten Regionstyrelsen", "Ekonomi"),  # no assignment section
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Regionfullmäktige"), ps)
    assert [(r.receiver, r.task.text) for r in recs] == [
        ("Hälso- och sjukvårdsnämnden och regionstyrelsen", "Formalisera arbetet med att minska hyrberoendet"),
        ("Hälso- och sjukvårdsnämnden, regionstyrelsen och regionala utvecklingsnämnden",
         "Identifiera och ta fram förslag på samordnade aktiviteter mellan förvaltningarna."),
        ("Alla nämnder och styrelser", "Minska tjänsteresandet med 15 procent i jämförelse med år 2023"),
        ("Hälso- och sjukvårdsnämnden", "Utveckla samspelet mellan sjukhusvården och primärvården."),
        ("Beredning för folkhälsa", "Bereda strategi för folkhälsa tillsammans med rådet"),
    ]
    assert all(r.task.source.quote in ps[int(r.task.source.paragraph_id.split(":p")[1]) - 1].text for r in recs)


def test_charged_and_continued_assignments_and_a_missing_att():
    ps = [
        para(1, "Förvaltningen för Intraservice uppdras att ta fram en utträdesstrategi för IT-produkter."),
        para(2, "Förvaltningen ska fortsätta sitt uppdrag att minska kostnaderna för IT-licenser."),
        para(3, "Intraservice får i uppdrag arbeta stöttande gentemot nämnderna."),
        para(4, "Nämnden har uppdrag inom flera områden och ska fortsätta arbetet."),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Nämnden"), ps)
    assert [(r.receiver, r.task.source.paragraph_id) for r in recs] == [
        ("Förvaltningen för Intraservice", "d:p1"), ("Förvaltningen", "d:p2"), ("Intraservice", "d:p3")]


def test_a_protocol_decision_that_closes_an_earlier_assignment_is_not_a_new_one():
    ps = [
        para(1, "Redovisning av kommunfullmäktiges uppdrag 2024-02-01 § 26 till grundskolenämnden, att utreda "
                "ansvarsfördelningen, antecknas.", "§ 269 Redovisning av uppdrag"),
        para(2, "Kommunfullmäktiges uppdrag 2023-01-26 § 35 till miljö- och klimatnämnden att föreslå en plan "
                "förklaras fullgjort.", "§ 283 Redovisning av uppdrag"),
        para(3, "Ärendet återremitteras till miljö- och klimatnämnden som får i uppdrag att arbeta fram "
                "stödindikatorer.", "§ 286 Energiförbrukning"),
        para(4, "Fullmäktige lämnar uppdrag till trafiknämnden att utreda infartsparkeringar.", "§ 290 Parkering"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), ps)
    assert [(r.receiver, r.task.source.paragraph_id) for r in recs] == [
        ("miljö- och klimatnämnden", "d:p3"), ("trafiknämnden", "d:p4")]


def test_a_boards_proposal_to_the_council_gives_no_assignment_yet():
    ps = [
        para(1, "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:", "§ 248 Rapport › Beslut"),
        para(2, "1. Kulturnämnden får i uppdrag att utreda ett system för uppsökande verksamhet.", "§ 248 Rapport › Beslut"),
        para(3, "Stadsledningskontoret får i uppdrag att sammanställa synpunkterna.", "§ 249 Remiss › Beslut"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunstyrelsen"), ps)
    assert [(r.receiver, r.task.source.paragraph_id) for r in recs] == [("Stadsledningskontoret", "d:p3")]


def test_a_protocol_assignment_takes_money_and_deadlines_from_its_own_decision_point_only():
    ps = [
        para(1, "Idrotts- och föreningsnämnden får i uppdrag att utreda en ny simhall och återrapportera "
                "senast den 31 december 2026.", "§ 120 Budget 2026 › Beslut"),
        para(2, "Kommunstyrelsens anslag ökas med 25 mnkr och redovisas senast den 30 juni 2026.",
             "§ 120 Budget 2026 › Beslut"),
        para(3, "Kulturnämnden får i uppdrag att inrätta ett kulturstipendium om 200 000 kronor.",
             "§ 121 Stipendium › Beslut"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines], [m.text for m in r.money]) for r in recs] == [
        ("Idrotts- och föreningsnämnden", ["2026-12-31"], []),
        ("Kulturnämnden", [], ["200 000 kronor"]),
    ]


def test_an_att_sats_assignment_takes_only_its_own_point():
    ps = [para(1, "Kommunstyrelsen beslutar 1. att uppdra åt kommundirektören att återrapportera arbetet senast den "
                  "31 december 2025, 2. att avsätta 2 miljoner kronor ur utvecklingsreserven, samt 3. att ge "
                  "kultur- och fritidsnämnden i uppdrag att ta fram en fritidspolicy.", "§ 45 Budget › Beslut")]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunstyrelsen"), ps)
    assert [(r.receiver, r.task.text, [d.date for d in r.deadlines], [m.text for m in r.money]) for r in recs] == [
        ("kommundirektören", "att uppdra åt kommundirektören att återrapportera arbetet senast den 31 december 2025",
         ["2025-12-31"], []),
        ("kultur- och fritidsnämnden", "att ge kultur- och fritidsnämnden i uppdrag att ta fram en fritidspolicy.", [], []),
    ]


def test_a_boards_own_decision_after_its_proposal_gives_assignments_and_a_repeated_sum_counts():
    section = "§ 112 Regionplan › Regionstyrelsens beslut"
    ps = [
        para(1, "Regionstyrelsen föreslår regionfullmäktige besluta 1. Regionstyrelsen får i uppdrag att följa upp planen.", section),
        para(2, "Regionstyrelsen beslutar för egen del 5. Regiondirektören får i uppdrag att senast den 30 september "
                "2025 redovisa budgetramarna.", section),
        para(3, "1. Investeringsutgift om 124,0 miljoner kronor godkänns. 2. Regiondirektören uppdras att genomföra "
                "projektet inom ramen 124,0 miljoner kronor.", "§ 114 Akutmottagning › Regionstyrelsens beslut"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Regionstyrelsen"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines], [m.text for m in r.money]) for r in recs] == [
        ("Regiondirektören", ["2025-09-30"], []), ("Regiondirektören", [], ["124,0 miljoner kronor"])]


def test_a_plans_numbered_assignments_are_peers_with_their_own_dates():
    sec = "6. Uppdrag till förvaltningen"
    ps = [
        para(1, "1. Barn- och utbildningsnämnden ger barn- och utbildningsförvaltningen i uppdrag att ta fram en "
                "handlingsplan för ökad närvaro. Uppdraget ska redovisas senast den 30 september 2026.", sec),
        para(2, "2. Nämnden ger förvaltningen i uppdrag att införa ett digitalt system i samtliga grundskolor under 2026. "
                "För införandet avsätts 2,3 miljoner kronor.", sec),
        para(3, "Uppdraget om skolskjuts redovisades för nämnden i juni 2025 och förklaras fullgjort.", sec),
        para(4, "Nämnden föreslår att kommunfullmäktige ger kommunstyrelsen i uppdrag att utreda en gemensam kostorganisation. "
                "Uppdraget ska redovisas senast den 31 mars 2027.", sec),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Barn- och utbildningsnämnden"), ps)
    assert [r.receiver for r in recs] == ["barn- och utbildningsförvaltningen", "förvaltningen"]  # a proposal is not given
    assert [d.date for d in recs[0].deadlines] == ["2026-09-30"]  # not its peers' report dates
    assert [d.date for d in recs[1].deadlines] == ["2026"]  # "… under 2026.", and not the past "redovisades … juni 2025"
    assert [m.text for m in recs[1].money] == ["2,3 miljoner kronor"]


def test_a_directive_measure_by_the_receivers_kind_gets_the_final_report_date_only():
    ps = [
        para(1, "Regeringen uppdrar åt Myndigheten för vattenvård (Vattenvårdsmyndigheten) att minska övergödningen.",
             "Regeringens beslut"),
        para(2, "Myndigheten ska även fördela bidrag till kommuner för anläggning av våtmarker. För bidragen får "
                "Myndigheten använda högst 30 000 000 kronor per år.", "Direktiv › 1 Bidrag"),
        para(3, "Vattenvårdsmyndigheten ska föra en löpande dialog med Regeringskansliet.", "Direktiv › 1 Bidrag"),
        para(4, "Kostnaden för tillsynen beräknas till 900 000 kronor.", "Direktiv › 1 Bidrag"),
        para(5, "För åtgärden får Vattenvårdsmyndigheten använda högst 12 000 000 kronor under 2026.", "Direktiv › 1 Bidrag"),
        para(6, "Uppdraget ska delredovisas senast den 31 mars 2027 och slutredovisas senast den 31 mars 2031.", "Direktiv › Redovisning"),
    ]
    umbrella, measure = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)  # the dialogue is no measure
    assert measure.receiver == "Myndigheten" and measure.giver == "Regeringen"
    assert [d.date for d in measure.deadlines] == ["2031-03-31"]
    assert [m.text for m in measure.money] == ["30 000 000 kronor", "12 000 000 kronor"]  # not the cost estimate
    assert [d.date for d in umbrella.deadlines] == ["2027-03-31", "2031-03-31"]


def test_a_heading_run_into_the_paragraph_is_not_part_of_the_receiver():
    ps = [para(1, "Uppdrag 2 – Budget 2026 med plan för 2027–2028 (RF 2025-11-25, § 162) Regionstyrelsen får i uppdrag "
                  "att ta fram en plan för kompetensförsörjning. Status: Pågår")]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Regionfullmäktige"), ps)
    assert rec.receiver == "Regionstyrelsen"


def test_money_is_the_assignments_own_or_a_sentence_that_funds_it_not_the_sections_statistics():
    ps = [
        para(1, "Kulturnämnden får i uppdrag att utreda ett nytt bibliotek.", "Uppdrag"),
        para(2, "Kostnaden per besök var 4 900 kronor 2024. För uppdraget avsätts 2 miljoner kronor.", "Uppdrag"),
        para(3, "Fritidsnämnden får i uppdrag att se över avgifterna.", "Uppdrag"),
    ]
    first, second = extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), ps)
    assert [m.text for m in first.money] == ["2 miljoner kronor"] and second.money == []


def test_a_follow_up_states_the_status_of_an_earlier_assignment_but_a_protocol_closing_one_gives_none():
    report = [
        para(1, "Uppdraget att ta fram en plan för laddinfrastruktur, som tekniska nämnden gav förvaltningen den "
                "12 maj 2025, pågår. Planen redovisades i utkast den 3 mars 2026.", "Uppföljning av uppdrag"),
        para(2, "Uppdraget att inventera skolgårdarnas lekutrustning, som nämnden gav skolchefen 2024, är genomfört.",
             "Uppföljning av uppdrag"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Tekniska nämnden"), report)
    assert [(r.giver, r.receiver, r.status.text if r.status else None, r.deadlines) for r in recs] == [
        ("Tekniska nämnden", "förvaltningen", "pågår", []), ("Nämnden", "skolchefen", "genomfört", [])]
    closing = [para(1, "Uppdraget att ta fram en plan för laddinfrastruktur, som kommunfullmäktige gav "
                       "kommunstyrelsen den 12 maj 2025, förklaras fullgjort.", "§ 12 Redovisning av uppdrag")]
    assert extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), closing) == []


def test_a_directives_final_report_of_its_measures_counts_and_money_it_may_use_is_the_umbrellas():
    ps = [
        para(1, "Regeringen ger Statens kustvakt (Kustvakten) i uppdrag att stärka beredskapen längs kusten. Sammanlagt får "
                "Kustvakten använda högst 20 miljoner kronor för uppdraget.", "Uppdraget"),
        para(2, "Kustvakten ska under 2026 kartlägga hamnarnas reservkraft.", "1. Reservkraft"),
        para(3, "Kustvakten ska i arbetet samråda med länsstyrelserna.", "1. Reservkraft"),
        para(4, "För stöd enligt denna åtgärd får Kustvakten använda högst 8 miljoner kronor.", "1. Reservkraft"),
        para(5, "Kustvakten ska lämna en delredovisning av uppdraget senast den 30 september 2027.", "Redovisning"),
        para(6, "Kustvakten ska senast den 31 mars 2029 lämna en slutredovisning av samtliga åtgärder.", "Redovisning"),
    ]
    umbrella, measure = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)  # consultation is no measure
    assert [d.date for d in umbrella.deadlines] == ["2027-09-30", "2029-03-31"]
    assert [d.date for d in measure.deadlines] == ["2026", "2029-03-31"]  # the final report, not the interim one
    assert [m.text for m in measure.money] == ["8 miljoner kronor"]
    assert sorted(m.text for m in umbrella.money) == ["20 miljoner kronor", "8 miljoner kronor"]


def test_a_report_back_column_of_an_assignment_table_is_its_deadline():
    row = para(1, "Nr: KF 4; Uppdrag: Socialnämnden får i uppdrag att införa en modell för tidig upptäckt.; "
                  "Återrapportering: 2026-10-31", "Uppdrag från kommunfullmäktige", kind="table_row")
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Socialnämnden"), [row])
    assert [d.date for d in rec.deadlines] == ["2026-10-31"]


def test_in_a_protocol_a_yrkande_a_deferred_proposal_and_a_recalled_assignment_give_nothing():
    ps = [
        para(1, "Ärendet återremitteras till kommunstyrelsen.", "§ 5 Riktlinjer › Kommunfullmäktiges beslut"),
        para(2, "Kommunstyrelsens förslag: Tekniska nämnden får i uppdrag att redovisa markanvisningar årligen.",
             "§ 5 Riktlinjer › Sammanfattning av ärendet"),
        para(3, "1. Programmet antas. 2. Kommunstyrelsen får i uppdrag att ta fram en handlingsplan.",
             "§ 6 Trygghetsprogram › Kommunfullmäktiges beslut"),
        para(4, "Kommunfullmäktige gav i juni 2024 kommunstyrelsen i uppdrag att ta fram programmet.",
             "§ 6 Trygghetsprogram › Sammanfattning av ärendet"),
        para(5, "Anna Ek (M) yrkar att punkt 2 ersätts med: Kommunstyrelsen får i uppdrag att utreda kameror.",
             "§ 6 Trygghetsprogram › Yrkanden"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), ps)
    assert [(r.receiver, r.task.source.paragraph_id) for r in recs] == [("Kommunstyrelsen", "d:p3")]


def test_a_directive_recalls_an_earlier_assignment_and_a_plans_shall_sentences_are_no_measures():
    directive = [
        para(1, "Regeringen ger Statens kustvakt (Kustvakten) i uppdrag att kartlägga hamnarna.", "Uppdraget"),
        para(2, "Regeringen gav 2024 Sjöfartsverket i uppdrag att inventera farlederna.", "Bakgrund"),
    ]
    assert [r.receiver for r in extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), directive)] == ["Statens kustvakt"]
    plan = [
        para(1, "Nämnden ger förvaltningen i uppdrag att ta fram en plan för hemtjänsten.", "Uppdrag"),
        para(2, "Nämnden ska korta handläggningstiderna.", "Mål"),
        para(3, "Nämnden gav i maj 2025 förvaltningen i uppdrag att se över avgifterna. Uppdraget pågår.", "Uppföljning"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Socialnämnden"), plan)
    assert [(r.giver, r.receiver) for r in recs] == [("Nämnden", "förvaltningen"), ("Nämnden", "förvaltningen")]
    assert recs[1].status is not None and recs[1].status.text == "pågår"


def test_a_follow_ups_slutdatum_line_is_the_deadline():
    ps = [para(1, "Hälso- och sjukvårdsnämnden får i uppdrag att inrätta en mobil närvårdsenhet. Slutdatum: 2026-12-31 "
                  "Status: Pågår", "Uppdrag från regionfullmäktige")]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Regionfullmäktige"), ps)
    assert [d.date for d in rec.deadlines] == ["2026-12-31"]


def test_the_agency_named_as_myndigheten_in_a_directive_to_one_agency_is_a_measure():
    ps = [
        para(1, "Regeringen ger Statens lantmäteriverk (Lantmäteriet) i uppdrag att förbättra kartorna.", "Regeringens beslut"),
        para(2, "Lantmäteriet ska under 2027 flygfotografera fjällen.", "Uppdraget › 1 Flygfoto"),
        para(3, "Myndigheten ska också ta fram en öppen höjdmodell.", "Uppdraget › 1 Flygfoto"),
        para(4, "Uppdraget ska slutredovisas senast den 31 mars 2029.", "Redovisning"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines]) for r in recs] == [
        ("Statens lantmäteriverk", ["2029-03-31"]), ("Lantmäteriet", ["2027", "2029-03-31"]), ("Myndigheten", ["2029-03-31"])]


def test_a_recommendation_gives_no_assignment_and_a_later_decision_point_keeps_its_own_money():
    ps = [
        para(1, "Förvaltningen bör enligt yttrandet ges i uppdrag att kartlägga skyfall.", "§ 7 Yttrande › Beslut"),
        para(2, "1. Planen antas. 2. Tekniska nämnden får i uppdrag att redovisa en åtgärdslista till nämndens "
                "sammanträde i mars 2027. 3. Planens ram om 40 miljoner kronor godkänns.", "§ 8 Plan › Beslut"),
    ]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Kommunfullmäktige"), ps)
    assert (rec.receiver, [d.date for d in rec.deadlines], rec.money) == ("Tekniska nämnden", ["2027-03"], [])


def test_an_expected_date_is_no_deadline_and_a_season_of_a_year_is_the_year():
    ps = [
        para(1, "Kommunfullmäktige uppdrar åt kulturnämnden att ta fram en biblioteksplan senast den 31 maj 2026. "
                "Planen beräknas kunna redovisas i september 2026.", "Uppdrag från kommunfullmäktige"),
        para(2, "Förvaltningen får i uppdrag att öppna ett nytt bibliotek under hösten 2026.", "Nämndens uppdrag"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kulturnämnden"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines]) for r in recs] == [
        ("kulturnämnden", ["2026-05-31"]), ("Förvaltningen", ["2026"])]


def test_a_follow_ups_item_codes_inverted_word_order_and_a_date_in_the_status_comment():
    ps = [
        para(1, "U3 Kulturnämnden får i uppdrag att under 2026 öppna ett bibliotek. Återrapportering: 2027-02-28 "
                "Status: Slutfört Biblioteket öppnade den 2 mars 2026.", "4.1 Uppdrag från kommunfullmäktige"),
        para(2, "I juni 2026 uppdrog nämnden åt kulturchefen att utreda en ny konsthall. Utredningen ska redovisas för "
                "nämnden i december 2026.", "4.2 Nämndens uppdrag"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kulturnämnden"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines]) for r in recs] == [
        ("Kulturnämnden", ["2026", "2027-02-28"]), ("kulturchefen", ["2026-12"])]


def test_in_a_protocol_an_earlier_assignment_recalled_with_uppdrog_gives_none_and_a_meeting_is_a_deadline():
    ps = [
        para(1, "I juni 2026 uppdrog nämnden åt förvaltningen att utreda taxan.", "§ 5 Taxa › Ärendet"),
        para(2, "1. Taxan fastställs enligt bilaga 2. 3. Förvaltningen får i uppdrag att utvärdera taxan och redovisa "
                "utvärderingen vid nämndens sammanträde i oktober 2027.", "§ 5 Taxa › Beslut"),
    ]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Miljönämnden"), ps)
    assert rec.task.text.startswith("Förvaltningen får i uppdrag")  # not "Taxan fastställs enligt bilaga 2. 3. …"
    assert (rec.receiver, [d.date for d in rec.deadlines]) == ("Förvaltningen", ["2027-10"])


def test_a_directives_duty_to_inform_is_no_measure_and_a_past_report_is_no_deadline():
    ps = [
        para(1, "Regeringen ger Statens cykelverk (Cykelverket) i uppdrag att främja cykling. Uppdraget ska "
                "slutredovisas senast den 31 mars 2030.", "Regeringens beslut"),
        para(2, "Cykelverket ska under 2027 genomföra en kampanj.", "Uppdraget › 1 Kampanj"),
        para(3, "Cykelverket ska fortlöpande informera Regeringskansliet om arbetet.", "Redovisning"),
        para(4, "Trafikverket redovisade ett liknande uppdrag i december 2025.", "Bakgrund"),
    ]
    umbrella, measure = extract_assignments(DocumentMeta(doc_id="d", body="Regeringen"), ps)
    assert [d.date for d in umbrella.deadlines] == ["2030-03-31"]
    assert (measure.receiver, [d.date for d in measure.deadlines]) == ("Cykelverket", ["2027", "2030-03-31"])


def test_a_decisions_date_and_paragraph_before_the_receiver_and_a_year_before_a_budget_frame():
    ps = [
        para(1, "Nämnden gav den 12 februari 2026, § 9, trafikförvaltningen i uppdrag att ta fram en plan för "
                "ersättningstrafik.", "3 Uppdrag"),
        para(2, "Förvaltningen ges i uppdrag att inrätta ett traineeprogram under 2027 inom en ram om 2,4 miljoner kronor.",
             "4 Uppdrag till förvaltningen"),
    ]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kollektivtrafiknämnden"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines], [m.text for m in r.money]) for r in recs] == [
        ("trafikförvaltningen", [], []), ("Förvaltningen", ["2027"], ["2,4 miljoner kronor"])]


def test_att_satser_whose_receiver_is_given_or_charged_in_the_passive():
    ps = [para(1, "att godkänna avtalet med Lindsjö Bostäder AB, samt att mark- och exploateringsenheten får i uppdrag att "
                  "underteckna avtalet, samt att kommundirektören uppdras att ta fram ett program senast den 31 mars 2027.",
               "§ 5 Avtal › Kommunstyrelsen beslutar")]
    recs = extract_assignments(DocumentMeta(doc_id="d", body="Kommunstyrelsen"), ps)
    assert [(r.receiver, [d.date for d in r.deadlines]) for r in recs] == [
        ("mark- och exploateringsenheten", []), ("kommundirektören", ["2027-03-31"])]


def test_a_proposal_lead_as_a_heading_gives_no_assignment_yet():
    ps = [para(1, "att ge barn- och utbildningsnämnden i uppdrag att justera avgifterna.",
               "§ 7 Taxa › Barn- och utbildningsnämnden föreslår kommunfullmäktige besluta"),
          para(2, "att ge förvaltningen i uppdrag att informera vårdnadshavarna.", "§ 7 Taxa › Barn- och utbildningsnämnden beslutar")]
    (rec,) = extract_assignments(DocumentMeta(doc_id="d", body="Barn- och utbildningsnämnden"), ps)
    assert rec.receiver == "förvaltningen"
