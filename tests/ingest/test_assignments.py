"""Assignments and targets with receivers, deadlines, money and target values."""

from assistant.models import DocumentMeta, Paragraph
from ingest.assignments import extract_assignments, extract_targets


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
