"""Decision records from a protocol: every field as the § states it, cited to its paragraph."""

from pathlib import Path

import pytest

from core.models import DocumentMeta, Paragraph
from ingest.decisions import extract_decisions
from ingest.parse import parse_file

PROTOCOL = Path(__file__).resolve().parents[1] / "data" / "protokoll-exempelstad.txt"


@pytest.fixture(scope="module")
def records():
    parsed = parse_file(PROTOCOL)
    texts = {p.paragraph_id: p.text for p in parsed.paragraphs}
    return {r.number: r for r in extract_decisions(parsed.meta, parsed.paragraphs)}, texts


def test_one_record_per_paragraph_sign(records):
    recs, _ = records
    assert sorted(recs) == ["41", "42", "43"]
    assert recs["41"].title == "Antagande av cykelplan för Exempelstad"
    assert recs["41"].record_id.endswith(":b41")


def test_numbered_decision_points_and_adopted_proposal(records):
    rec = records[0]["41"]
    assert [p.text for p in rec.decision_points] == [
        "Cykelplan för Exempelstad antas.",
        "Trafiknämnden får i uppdrag att redovisa genomförandet senast den 30 november 2026.",
    ]
    assert rec.adopted.text == "kommunstyrelsens förslag"
    assert [m.text for m in rec.motions][1] == "Per Holm (SD) yrkar avslag."


def test_vote_counts_proposition_and_named_voters_from_the_appendix(records):
    rec = records[0]["41"]
    (vote,) = rec.votes
    assert (vote.yes, vote.no, vote.abstain) == (40, 9, 2)
    assert vote.proposition.startswith("Ja för bifall till kommunstyrelsens förslag.")
    assert [(p.name, p.party) for p in vote.named["nej"]] == [("Per Holm", "SD"), ("Eva Ek", "SD")]
    assert {p.name for p in vote.named["avstår"]} == {"Olle Ås", "Tor Öst"}
    assert any("Röstade Nej" in s.quote for s in vote.sources)


def test_reservation_jav_and_deferral(records):
    recs, _ = records
    rec = recs["41"]
    assert [r.parties for r in rec.reservations] == [["SD"]]
    assert [[p.name for p in j.people] for j in rec.jav] == [["Karin Lund"]]
    assert rec.deferred is None and not rec.partial
    assert recs["42"].deferred == "bordläggning"
    assert recs["42"].adopted.text == "ordföranden Anna Berg (S)"


def test_every_quote_is_verbatim_in_its_paragraph(records):
    recs, texts = records
    for rec in recs.values():
        sources = [p.source for p in rec.decision_points] + [r.source for r in rec.reservations + rec.jav]
        sources += [s for v in rec.votes for s in v.sources]
        for src in sources:
            assert src.quote and src.quote in texts[src.paragraph_id]


def test_malformed_paragraph_gives_a_partial_record_not_a_crash(records):
    rec = records[0]["43"]  # no decision, a vote without counts
    assert rec.partial
    assert "Ingen beslutstext hittades i paragrafen." in rec.problems
    assert any("saknar röstsiffror" in p for p in rec.problems)


def test_ocr_text_is_marked_and_documents_without_paragraph_signs_give_nothing():
    meta = DocumentMeta(doc_id="skannad", ocr=True)
    ps = [Paragraph(paragraph_id="skannad:p1", doc_id="skannad", ordinal=1, page=1,
                    section="§ 3 Val av justerare › Beslut", text="Eva Ek utses att justera protokollet.")]
    (rec,) = extract_decisions(meta, ps)
    assert rec.partial and any("OCR" in p for p in rec.problems)
    plain = [Paragraph(paragraph_id="plan:p1", doc_id="plan", ordinal=1, page=1, section="Mål 1", text="Text.")]
    assert extract_decisions(DocumentMeta(doc_id="plan"), plain) == []


def test_inline_named_vote_as_committee_protocols_write_it():
    text = ("Anna Berg (S), Lisa Ny (V) och ordföranden Nils Bo (L) röstar Ja (3). "
            "Per Holm (SD) och tjänstgörande ersättaren Eva Ek (M) röstar Nej (2).")
    ps = [Paragraph(paragraph_id="ks:p1", doc_id="ks", ordinal=1, page=1, section="§ 5 Budget › Beslut",
                    text="Budgeten fastställs."),
          Paragraph(paragraph_id="ks:p2", doc_id="ks", ordinal=2, page=1, section="§ 5 Budget › Omröstning", text=text)]
    (rec,) = extract_decisions(DocumentMeta(doc_id="ks"), ps)
    (vote,) = rec.votes
    assert (vote.yes, vote.no) == (3, 2)
    assert [p.name for p in vote.named["ja"]] == ["Anna Berg", "Lisa Ny", "Nils Bo"]
    assert [p.name for p in vote.named["nej"]] == ["Per Holm", "Eva Ek"]


# A protocol in another common layout: "Kommunstyrelsens beslut" headings, att-satser (numbered
# and not), "Dnr KS 2025/112" on the § line, vote lists in the § ("Ja-röster: …", "Ja (6): …"),
# a reservation by a party written out in full. Written for development; the held-out check is
# evals/gold/synthetic (labelled by another hand).
ATT_PROTOCOL = Path(__file__).resolve().parents[1] / "data" / "protokoll-ekby-att-satser.txt"


@pytest.fixture(scope="module")
def att_records():
    parsed = parse_file(ATT_PROTOCOL)
    return {r.number: r for r in extract_decisions(parsed.meta, parsed.paragraphs)}


def test_att_satser_are_decision_points_and_the_title_is_not(att_records):
    rec = att_records["45"]
    assert rec.title == "Medborgarbudget för Ekby centrum"
    assert [p.text for p in rec.decision_points] == [
        "att anta förslaget till medborgarbudget för Ekby centrum",
        "att avsätta 2 miljoner kronor ur kommunstyrelsens utvecklingsreserv för genomförandet",
        "att uppdra åt kommundirektören att återrapportera arbetet senast den 31 december 2025.",
    ]
    assert [p.text for p in att_records["49"].decision_points] == [
        "att anta riktlinjer för representation enligt bilaga 1",
        "att riktlinjerna gäller från och med den 1 april 2025.",
    ]
    assert [p.text for p in att_records["46"].decision_points] == ["att anta detaljplanen för Norra hamnen."]
    assert not att_records["46"].partial


def test_vote_lists_written_in_the_paragraph(att_records):
    (vote,) = att_records["45"].votes
    assert (vote.yes, vote.no) == (9, 2)
    assert [p.name for p in vote.named["nej"]] == ["Per Lind", "Eva Sund"]
    assert len(vote.named["ja"]) == 9
    (vote,) = att_records["49"].votes
    assert (vote.yes, vote.no, vote.abstain) == (6, 3, 2)
    assert [p.name for p in vote.named["avstår"]] == ["Karin Ek", "Nils Grön"]


def test_reservation_by_a_party_written_out_in_full(att_records):
    (res,) = att_records["45"].reservations
    assert res.parties == ["SD"]
    (res,) = att_records["49"].reservations
    assert (res.parties, [p.name for p in res.people]) == ([], ["Johan Falk"])


def test_a_party_favoured_by_a_reservation_does_not_reserve():
    p = Paragraph(paragraph_id="d:p1", doc_id="d", ordinal=1, page=1, section="§ 3 Budget › Reservation",
                  kind="text", text="Kristdemokraterna reserverar sig till förmån för Moderaternas förslag.")
    (rec,) = extract_decisions(DocumentMeta(doc_id="d"), [p])
    assert rec.reservations[0].parties == ["KD"]


VOTES = Path(__file__).resolve().parents[1] / "data" / "protokoll-voteringar.txt"


@pytest.fixture(scope="module")
def vote_records():
    parsed = parse_file(VOTES)
    return [(r.number, r) for r in extract_decisions(parsed.meta, parsed.paragraphs)]


def test_a_table_of_contents_line_is_not_a_second_record(vote_records):
    assert [n for n, _ in vote_records] == ["10", "11", "12"]


def test_two_votes_in_one_paragraph_each_with_its_names(vote_records):
    rec = dict(vote_records)["10"]
    first, main = rec.votes
    assert (first.yes, first.no) == (2, 1)
    assert {k: [p.name for p in v] for k, v in first.named.items()} == {
        "ja": ["Peter Lindgren", "Karin Berg"], "nej": ["Olle Ek"]}
    # a voteringslista with X marks under "Ja  Nej  Avstår"
    assert (main.yes, main.no, main.abstain) == (2, 1, 1)
    assert {k: [p.name for p in v] for k, v in main.named.items()} == {
        "ja": ["Anna Ahl", "Bo Berg"], "nej": ["Peter Lindgren"], "avstår": ["Olle Ek"]}
    assert rec.reservations[0].parties == ["M", "KD"]


def test_counts_written_as_a_list_or_as_votes_received(vote_records):
    recs = dict(vote_records)
    (vote,) = recs["11"].votes
    assert (vote.yes, vote.no, vote.abstain) == (8, 5, 2)
    (vote,) = recs["12"].votes
    assert (vote.yes, vote.no) == (6, 5)


def test_att_gälla_goes_on_and_a_property_designation_is_not_a_lead():
    def points(text: str) -> list[str]:
        p = Paragraph(paragraph_id="d:p1", doc_id="d", ordinal=1, page=1, section="§ 5 Taxa › Beslut", kind="text", text=text)
        return [x.text for x in extract_decisions(DocumentMeta(doc_id="d"), [p])[0].decision_points]

    assert points("Kommunfullmäktige beslutar att fastställa taxan enligt bilaga, att gälla från och med den 1 "
                  "januari 2026, att upphäva nu gällande taxa.") == [
        "att fastställa taxan enligt bilaga, att gälla från och med den 1 januari 2026",
        "att upphäva nu gällande taxa."]
    assert points("Kommunfullmäktige beslutar att anta detaljplan för Norra Hamnen (del av Östby 3:14 m.fl.).") == [
        "att anta detaljplan för Norra Hamnen (del av Östby 3:14 m.fl.)."]
    assert points("1. Förvaltningen får i uppdrag att ta fram en plan. 2. Nämnden beslutar att uppdra åt "
                  "förvaltningschefen att inrätta en tjänst. 3. Informationen noteras.") == [
        "Förvaltningen får i uppdrag att ta fram en plan.",
        "Nämnden beslutar att uppdra åt förvaltningschefen att inrätta en tjänst.",
        "Informationen noteras."]


def test_a_vote_list_with_columns_for_two_paragraphs_gives_each_its_names(tmp_path):
    text = """Kommunfullmäktige
Protokoll 2025-09-22

§ 86 Dnr KS 2025/164
Taxa för vatten och avlopp

Beslut
Taxan fastställs.

Omröstning begärs och verkställs. Hur var och en har röstat framgår av bilaga 1.

§ 88 Dnr KS 2024/233
Motion om kollektivtrafik

Beslut
Motionen avslås.

Omröstning begärs och verkställs. Hur var och en har röstat framgår av bilaga 1.

Bilaga 1 till kommunfullmäktiges protokoll 2025-09-22

NÄRVARO- OCH VOTERINGSLISTA

                                                        § 86             § 88
Ledamöter                  Tjänstgörande ersättare  Ja   Nej  Avst   Ja   Nej  Avst
Anna Ahl (S), ordf.                                 X                X
Bo Berg (S)                                         X                     X
Johan Åkesson (M)          Pia Grönlund (M)              X                X
Ulrika Sandberg (L)                                           X      X

Summa                                               2    1    1      2    2    0
"""
    path = tmp_path / "kf.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    recs = {r.number: r for r in extract_decisions(parsed.meta, parsed.paragraphs)}
    named = {n: {k: [p.name for p in v] for k, v in recs[n].votes[0].named.items()} for n in ("86", "88")}
    assert named["86"] == {"ja": ["Anna Ahl", "Bo Berg"], "nej": ["Pia Grönlund"], "avstår": ["Ulrika Sandberg"]}
    assert named["88"] == {"ja": ["Anna Ahl", "Ulrika Sandberg"], "nej": ["Bo Berg", "Pia Grönlund"]}
    assert (recs["88"].votes[0].yes, recs["88"].votes[0].no) == (2, 2)


def test_a_two_column_vote_list_referred_to_as_se_bilaga_and_abstentions_in_words(tmp_path):
    text = """Kommunfullmäktige
Protokoll 2025-03-10

§ 41 Dnr KS 2025/12
Budget för räddningstjänsten

Kommunfullmäktiges beslut
Budgeten fastställs.

Omröstning
Med 2 ja-röster mot 2 nej-röster bifaller kommunfullmäktige kommunstyrelsens förslag med
ordförandens utslagsröst. Voteringslista, se bilaga 3.

§ 42 Dnr KS 2025/13
Taxa för slamtömning

Kommunfullmäktiges beslut
Taxan fastställs.

Omröstning
Med 30 ja-röster mot 12 nej-röster bifaller kommunfullmäktige förslaget. Centerpartiets tre
ledamöter avstår från att rösta.

Bilaga 3
Voteringslista § 41, Kommunfullmäktige 2025-03-10

Ledamot                      Parti  Röst     Ledamot                      Parti  Röst
Gun Holm, ordförande         S      Ja       Anders Nyman                 M      Nej
Lars Dahl                    S      Ja       Stina Kron                   SD     Nej
Elsa Wik                     C      Avstår

Summa                               Ja 2     Nej 2     Avstår 1
"""
    path = tmp_path / "kf.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    recs = {r.number: r for r in extract_decisions(parsed.meta, parsed.paragraphs)}
    vote = recs["41"].votes[0]
    assert {k: [p.name for p in v] for k, v in vote.named.items()} == {
        "ja": ["Gun Holm", "Lars Dahl"], "nej": ["Anders Nyman", "Stina Kron"], "avstår": ["Elsa Wik"]}
    assert (vote.yes, vote.no, vote.abstain) == (2, 2, 1)
    assert (recs["42"].votes[0].yes, recs["42"].votes[0].abstain) == (30, 3)
    assert not recs["42"].votes[0].named  # no list of its own


def test_a_vote_whose_sides_stand_in_columns_of_their_own_in_the_paragraph(tmp_path):
    text = """Kollektivtrafiknämnden
Protokoll 2026-02-19

§ 10 Dnr KTN 2026/4
Linjeplan 2027

Beslut
Linjeplanen fastställs.

Omröstning
Omröstning begärs och verkställs. Med 3 ja-röster mot 2 nej-röster bifalls förslaget.

JA (3)                          NEJ (2)
Socialdemokraterna              Moderaterna
Gun Holm                        Olle Ek
Lars Dahl                       Per Lind
Centerpartiet
Moa Sten

Reservation
Moderaterna reserverar sig mot beslutet.
"""
    path = tmp_path / "ktn.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    (rec,) = extract_decisions(parsed.meta, parsed.paragraphs)
    assert len(rec.votes) == 1
    assert {k: [(p.name, p.party) for p in v] for k, v in rec.votes[0].named.items()} == {
        "ja": [("Gun Holm", "S"), ("Lars Dahl", "S"), ("Moa Sten", "C")], "nej": [("Olle Ek", "M"), ("Per Lind", "M")]}


@pytest.mark.parametrize("listing", [
    "Ja röstar: Anna Berg (S), Bo Ek (S). Nej röstar: Cilla Dahl (M).",
    "För ja röstade Anna Berg (S) och Bo Ek (S). För nej röstade Cilla Dahl (M).",
    "Anna Berg (S), Bo Ek (S) röstade ja och Cilla Dahl (M) röstade nej.",
    "Ja\nAnna Berg (S)\nBo Ek (S)\n\nNej\nCilla Dahl (M)",
    "Ja röstar Anna Berg (S) och Bo Ek (S).\nNej röstar Cilla Dahl (M).",
])
def test_named_sides_written_in_the_paragraph_in_other_words(tmp_path, listing):
    text = ("Kommunstyrelsen\nProtokoll 2026-01-10\n\n§ 5 Dnr KS 2026/1\nBudget\n\nBeslut\nBudgeten fastställs.\n\n"
            f"Omröstning\nOmröstning begärs. Med 2 ja-röster mot 1 nej-röst bifalls förslaget.\n{listing}\n")
    path = tmp_path / "ks.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    (rec,) = extract_decisions(parsed.meta, parsed.paragraphs)
    assert [(v.yes, v.no, {k: [p.name for p in n] for k, n in v.named.items()}) for v in rec.votes] == [
        (2, 1, {"ja": ["Anna Berg", "Bo Ek"], "nej": ["Cilla Dahl"]})]


def test_a_lead_before_numbered_points_a_stance_under_beslut_and_a_list_of_single_spaced_rows(tmp_path):
    text = """Barn- och utbildningsnämnden
Protokoll 2026-04-15

§ 42
Ekonomisk uppföljning
Beslut
Barn- och utbildningsnämnden beslutar
1. Ekonomisk uppföljning per mars godkänns.
2. Förvaltningen får i uppdrag att ta fram en åtgärdsplan.
Sverigedemokraterna deltar inte i beslutet.
Omröstning
Omröstningsresultat
Namn Parti Röst
Gunilla Norén (ordförande) M Ja
Olle Brandt S Nej
Rebecka Ahl (ersättare för Sara Holm) M Ja
Tove Berglin V Avstår
Summa Ja 2 Nej 1 Avstår 1
"""
    path = tmp_path / "bun.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    (rec,) = extract_decisions(parsed.meta, parsed.paragraphs)
    assert [p.text for p in rec.decision_points] == [
        "Ekonomisk uppföljning per mars godkänns.", "Förvaltningen får i uppdrag att ta fram en åtgärdsplan."]
    assert {k: [(p.name, p.party) for p in v] for k, v in rec.votes[0].named.items()} == {
        "ja": [("Gunilla Norén", "M"), ("Rebecka Ahl", "M")], "nej": [("Olle Brandt", "S")], "avstår": [("Tove Berglin", "V")]}


def test_a_stance_that_is_all_the_decision_states_is_kept():
    meta = DocumentMeta(doc_id="d", body="Kommunstyrelsen")
    ps = [Paragraph(paragraph_id="d:p1", doc_id="d", ordinal=1, page=1, section="§ 7 Yttrande › Beslut", kind="text",
                    text="Sverigedemokraterna deltar inte i beslutet.")]
    (rec,) = extract_decisions(meta, ps)
    assert [p.text for p in rec.decision_points] == ["Sverigedemokraterna deltar inte i beslutet."]


def test_a_body_prefixed_sign_a_decision_by_reference_to_the_proposal_and_a_cell_a_line_vote_table(tmp_path):
    text = """Kommunfullmäktige
Protokoll 2026-09-24

KF § 102                                                             Dnr KS 2026/0204

Riktlinjer för krisberedskap

Kommunstyrelsens förslag till beslut
1. Riktlinjerna antas.
2. Samtliga nämnder ges i uppdrag att redovisa hur riktlinjerna har omsatts.

Beslut
Kommunfullmäktige beslutar enligt kommunstyrelsens förslag.

BUN § 103

Dnr BUN 2026/0142

Delårsrapport
Barn- och utbildningsnämndens beslut
Delårsrapporten godkänns.
Omröstning
Omröstningen utfaller med 2 ja-röster mot 1 nej-röst. Hur var och en har röstat framgår nedan.

Ledamot

Parti

Röst

Eva Sandberg, ordförande

S

Ja

Henrik Dahl

M

Nej

Johanna Ljung

S

Ja
"""
    path = tmp_path / "kf.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    recs = {r.number: r for r in extract_decisions(parsed.meta, parsed.paragraphs)}
    assert recs["102"].title == "Riktlinjer för krisberedskap"
    assert [p.text for p in recs["102"].decision_points] == [
        "Riktlinjerna antas.", "Samtliga nämnder ges i uppdrag att redovisa hur riktlinjerna har omsatts."]
    assert recs["102"].adopted is not None and recs["102"].adopted.text == "kommunstyrelsens förslag"
    assert (recs["103"].title, [p.text for p in recs["103"].decision_points]) == ("Delårsrapport", ["Delårsrapporten godkänns."])
    assert {k: [p.name for p in v] for k, v in recs["103"].votes[0].named.items()} == {
        "ja": ["Eva Sandberg", "Johanna Ljung"], "nej": ["Henrik Dahl"]}


def test_a_member_who_abstains_from_voting_is_named_on_the_abstaining_side(tmp_path):
    text = ("Kommunstyrelsen\nProtokoll 2026-01-10\n\n§ 5 Dnr KS 2026/1\nBudget\n\nBeslut\nBudgeten fastställs.\n\n"
            "Omröstning\nJa röstar Anna Berg (S) och Bo Ek (S).\nNej röstar Cilla Dahl (M).\n"
            "Dan Falk (V) avstår från att rösta.\nMed 2 ja-röster mot 1 nej-röst, 1 avstår, bifalls förslaget.\n")
    rec, _parsed = _one_record(tmp_path, text)
    assert [(v.yes, v.no, v.abstain, {k: [p.name for p in n] for k, n in v.named.items()}) for v in rec.votes] == [
        (2, 1, 1, {"ja": ["Anna Berg", "Bo Ek"], "nej": ["Cilla Dahl"], "avstår": ["Dan Falk"]})]


def test_points_numbered_with_a_parenthesis_a_roll_call_by_party_and_footer_cells_with_signature_lines(tmp_path):
    text = ("Vård- och omsorgsnämnden\nProtokoll 2026-11-18\n\n§ 7     Avgifter 2027\n\nNämndens beslut\n"
            "1) Avgiften för trygghetslarm höjs till 295 kronor.\n2) Övriga avgifter räknas upp med prisbasbeloppet.\n\n"
            "Ordf. sign ________     Just. sign ________                      Utdragsbestyrkande ________\n\n"
            "Omröstning\nVid namnupprop röstar ledamöterna partivis enligt följande.\n"
            "Moderaterna: Linnea Strand och Johan Ek röstar ja.\n"
            "Liberalerna: Emma Forsell (tjänstgörande ersättare) röstar ja.\n"
            "Centerpartiet: Ulla Berg avstår från att rösta.\n"
            "Socialdemokraterna: Maria Öhman röstar nej.\n"
            "Med 3 ja-röster mot 1 nej-röst, medan 1 ledamot avstår, har nämnden beslutat enligt förslaget.\n\n"
            "Underlag\nTjänsteskrivelse 2026-10-29\n")
    rec, _parsed = _one_record(tmp_path, text)
    assert [p.text for p in rec.decision_points] == ["Avgiften för trygghetslarm höjs till 295 kronor.",
                                                     "Övriga avgifter räknas upp med prisbasbeloppet."]
    assert [(v.yes, v.no, v.abstain, {k: [(p.name, p.party) for p in n] for k, n in v.named.items()}) for v in rec.votes] == [
        (3, 1, 1, {"ja": [("Linnea Strand", "M"), ("Johan Ek", "M"), ("Emma Forsell", "L")], "avstår": [("Ulla Berg", "C")],
                   "nej": [("Maria Öhman", "S")]})]


def test_a_lead_on_a_line_of_its_own_over_att_satser_an_appendix_ends_the_paragraph_and_a_lettered_vote_list(tmp_path):
    text = """Kommunstyrelsen
Protokoll 2026-10-14

[Sida 3 av 9]  Lindsjö kommun | Kommunstyrelsen | 2026-10-14
§ 12 Ärende: Ny förskola

Förslag till beslut
Kommunledningskontorets förslag framgår av beslutet nedan.

Omröstning
Omröstningen utfaller med 2 ja-röster och 1 nej-röst. Röstlista, se bilaga A.

Kommunstyrelsen beslutar
att godkänna investeringen, samt
att förvaltningen ges i uppdrag att uppföra förskolan.

Kommunstyrelsen föreslår kommunfullmäktige besluta
att anta den nya förskoleplanen.

Bilaga 1 till § 12
Skriftlig reservation
Vi reserverar oss mot beslutet.

BILAGA A till § 12 - Voteringslista
JA (2)
   S:  Lena Hjort, Eva Mårtensson*
NEJ (1)
   M:  Karin Lövgren
Totalt: 2 ja, 1 nej
* tjänstgörande ersättare
"""
    rec, parsed = _one_record(tmp_path, text)
    assert [p.text for p in rec.decision_points] == [
        "att godkänna investeringen", "att förvaltningen ges i uppdrag att uppföra förskolan.", "att anta den nya förskoleplanen."]
    assert [(v.yes, v.no, {k: [p.name for p in n] for k, n in v.named.items()}) for v in rec.votes] == [
        (2, 1, {"ja": ["Lena Hjort", "Eva Mårtensson"], "nej": ["Karin Lövgren"]})]
    assert not any("Sida 3" in p.text for p in parsed.paragraphs)


def test_a_tab_separated_table_with_a_column_per_side(tmp_path):
    text = ("Vård- och omsorgsnämnden\nProtokoll 2026-11-05\n\n§ 91 Riktlinjer\n\nBeslut\nRiktlinjerna antas.\n\n"
            "Omröstning\nMed 2 ja-röster mot 1 nej-röst beslutar nämnden enligt förslaget.\n\n"
            "Ja\tNej\tAvstår\nGöran Pihl (M)\tAnders Lund (S)\t\nUlrika Sand (M)\t\t\nSumma: 2\tSumma: 1\tSumma: 0\n")
    rec, _parsed = _one_record(tmp_path, text)
    assert [{k: [p.name for p in n] for k, n in v.named.items()} for v in rec.votes] == [
        {"ja": ["Göran Pihl", "Ulrika Sand"], "nej": ["Anders Lund"]}]


def _one_record(tmp_path, text: str):
    """The one decision record of a protocol written to a file, and the parsed file."""
    path = tmp_path / "protokoll.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_file(path)
    (rec,) = extract_decisions(parsed.meta, parsed.paragraphs)
    return rec, parsed
