from ingest.clean import Line
from ingest.rollcall import coded_vote_lists_at, coded_vote_table_at


def _lines(text: str) -> list[Line]:
    return [Line(1, t) for t in text.split("\n")]


def test_a_list_with_a_column_per_paragraph_grouped_under_party_headings_read_by_its_legend():
    text = """Bilaga 2 till kommunfullmäktiges protokoll 2026-03-02

NÄRVARO- OCH VOTERINGSLISTA

Förklaring: J = ja, N = nej, A = avstår, – = ej närvarande

Ledamot / tjänstgörande ersättare     Närvarande §    § 12      § 15

Moderaterna (M)
  Ulla Berg, ordförande               10–18           J         N
  Olof Dahl                           10–18           N         jäv

Miljöpartiet de gröna (MP)
  Siv Ek                              10–18           A         –
  Per Lund, tjänstgörande ersättare   15                        J

                                                      § 12      § 15
Summa ja                                              1         1
Summa nej                                             1         1

Olof Dahl (M) deltog inte i § 15 på grund av jäv.
"""
    lines = _lines(text)
    found = coded_vote_lists_at(lines, 0)
    assert found is not None
    end, lists = found
    assert next(ln.text for ln in lines[end:] if ln.text).startswith("Olof Dahl (M) deltog")
    assert [(v.heading, v.votes, v.counts) for v in lists] == [
        ("Bilaga 2 Omröstning: § 12", {"Ja": ["Ulla Berg (M)"], "Nej": ["Olof Dahl (M)"], "Avstår": ["Siv Ek (MP)"]},
         ["Antal Ja: 1", "Antal Nej: 1"]),
        ("Bilaga 2 Omröstning: § 15", {"Nej": ["Ulla Berg (M)"], "Ja": ["Per Lund (MP)"]}, ["Antal Ja: 1", "Antal Nej: 1"]),
    ]


def test_an_inline_table_with_the_party_first_and_signs_a_legend_below_explains():
    text = """  Parti   Ledamot                                Röst
  S       Karin Wall, ordförande                 +
  M       Lars Holm (ers. för Eva Björk)         –
  V       Yusuf Demir                            /
  KD      Maja Kling                             0

  Teckenförklaring: + ja, – nej, 0 avstår, / deltar inte i beslutet
  Summa:   + 1    – 1    0 1

Yusuf Demir (V) deltar inte i beslutet.
"""
    lines = _lines(text)
    found = coded_vote_table_at(lines, 0)
    assert found is not None
    end, rows = found
    assert next(ln.text for ln in lines[end:] if ln.text).startswith("Yusuf Demir (V) deltar")
    assert rows == ["Ja (1): Karin Wall (S).", "Nej (1): Lars Holm (M).", "Avstår (1): Maja Kling (KD)."]


def test_a_table_of_names_without_vote_columns_is_no_vote_list():
    text = """Ledamot                 Parti     Närvarande §
Ulla Berg               M         10–18
Olof Dahl               M         10–18
"""
    assert coded_vote_table_at(_lines(text), 0) is None
    assert coded_vote_lists_at(_lines(text), 0) is None
