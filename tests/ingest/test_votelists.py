from ingest.clean import Line
from ingest.votelists import (
    column_vote_list_at,
    marked_vote_lists_at,
    marked_vote_table_at,
    side_columns_at,
    vote_list_at,
)

VOTES = """Bilaga 6
Ärende: 10:2

Ärendemening: Redovisning av uppdrag om att utreda ansvarsförhållande vid
byggnation av idrottshallar
Antal Ja: 2

Antal Nej: 1

Antal Avstår: 0

Namn

Parti

Aslan Akbas

S

1 Ordförande

Ja

Emma Altenhammar

SD

67 Ledamot

Nej

Robert Andersson Hammarstrand S

22 Ledamot

Ja

§ 12 Nästa ärende
"""


def _lines(text: str) -> list[Line]:
    return [Line(1, t) for t in text.split("\n")]


def test_a_named_vote_list_becomes_counts_and_one_row_per_vote():
    lines = _lines(VOTES)
    end, vote = vote_list_at(lines, 0)
    assert lines[end].text.startswith("§ 12")  # stops at the next paragraph
    summary, *rows = vote.paragraphs()
    assert summary == ("text", "Ärende: 10:2. Ärendemening: Redovisning av uppdrag om att utreda "
                       "ansvarsförhållande vid byggnation av idrottshallar. Antal Ja: 2. Antal Nej: 1. Antal Avstår: 0.")
    assert rows == [
        ("table_row", "Röstade Ja (2): Aslan Akbas (S), Robert Andersson Hammarstrand (S)."),
        ("table_row", "Röstade Nej (1): Emma Altenhammar (SD)."),
    ]
    assert vote.heading.startswith("Bilaga 6 Omröstning: Redovisning av uppdrag")


def test_an_appendix_without_counts_is_not_a_vote_list():
    assert vote_list_at(_lines("Bilaga 2\nNärvarolista\n\nNamn\nParti"), 0) is None


def _lines(text: str) -> list[Line]:
    return [Line(page=1, text=t) for t in text.splitlines()]


TWO_COLUMNS = """Bilaga 3
Voteringslista § 41, Kommunfullmäktige 2025-03-10
Budget för räddningstjänsten

Ledamot                      Parti  Röst     Ledamot                      Parti  Röst
Gun Holm, ordförande         S      Ja       Anders Nyman                 M      Nej
Lars Dahl                    S      Ja       Stina Kron (ers.)            SD     Nej
Elsa Wik                     C      Avstår   Anna Lund                    V      Frånv

Summa                               Ja 2     Nej 2     Avstår 1
"""


def test_a_vote_list_printed_in_two_columns_names_every_member_under_their_vote():
    found = column_vote_list_at(_lines(TWO_COLUMNS), 0)
    assert found is not None
    end, vote = found
    assert end == len(_lines(TWO_COLUMNS))
    assert vote.heading == "Bilaga 3 Omröstning: § 41"
    assert vote.votes == {"Ja": ["Gun Holm (S)", "Lars Dahl (S)"],
                          "Nej": ["Anders Nyman (M)", "Stina Kron (SD)"],
                          "Avstår": ["Elsa Wik (C)"], "Frånvarande": ["Anna Lund (V)"]}
    assert vote.counts == ["Antal Ja: 2", "Antal Nej: 2", "Antal Avstår: 1"]  # the Summa line, as printed
    assert "Votering: Budget för räddningstjänsten" in vote.item


def test_x_marked_columns_for_two_members_a_row_and_a_single_column_with_the_vote_written_out():
    marked = """Bilaga 2

Namn                 Parti  Ja  Nej  Avstår     Namn                Parti  Ja  Nej  Avstår
Karl Berg            KD     X                   Maja Öst            L          X
"""
    _, vote = column_vote_list_at(_lines(marked), 0) or (0, None)
    assert vote is not None and vote.votes == {"Ja": ["Karl Berg (KD)"], "Nej": ["Maja Öst (L)"]}
    assert vote.counts == ["Antal Ja: 1", "Antal Nej: 1"]  # no Summa line: counted
    single = """Bilaga 1
Omröstning i § 7
Ledamot               Parti   Röst
Sanders Ersson        S       Nej
"""
    _, vote = column_vote_list_at(_lines(single), 0) or (0, None)
    assert vote is not None and vote.votes == {"Nej": ["Sanders Ersson (S)"]}  # a name ending "ers" is kept


def test_an_appendix_with_a_table_that_is_not_a_vote_list_is_left_alone():
    attendance = """Bilaga 1
Närvarolista
Namn                  Parti   Närvarande
Gun Holm              S       Ja
"""
    assert column_vote_list_at(_lines(attendance), 0) is None


def test_an_appendix_table_with_x_marks_and_a_part_for_substitutes():
    text = """Bilaga 2 Voteringslista § 27

Ledamot                          Parti   Ja    Nej   Avstår
Gun Holm, ordförande             S       X
Olle Ek                          M             X

Tjänstgörande ersättare
Stina Kron för Lars Dahl         SD            X
Ali Demir (tjg ers)              V                   X
Summa                                    1     2     1
"""
    found = column_vote_list_at(_lines(text), 0)
    assert found is not None
    vote = found[1]
    assert vote.heading == "Bilaga 2 Omröstning: § 27"
    assert vote.votes == {"Ja": ["Gun Holm (S)"], "Nej": ["Olle Ek (M)", "Stina Kron (SD)"], "Avstår": ["Ali Demir (V)"]}
    assert vote.counts == ["Antal Ja: 1", "Antal Nej: 2", "Antal Avstår: 1"]


SIDE_COLUMNS = """Bilaga 4
Omröstningslista § 28

JA (4)                                   NEJ (3)
Socialdemokraterna                       Moderaterna
Gun Holm                                 Olle Ek
Lars Dahl (tjg ers)                      Per Lind

Vänsterpartiet                           Sjukvårdspartiet
Ali Demir                                Eva Berg
Moa Sten (C)
"""


def test_each_side_in_a_column_of_its_own_grouped_under_party_names():
    found = column_vote_list_at(_lines(SIDE_COLUMNS), 0)
    assert found is not None
    vote = found[1]
    assert vote.heading == "Bilaga 4 Omröstning: § 28"
    assert vote.votes == {"Ja": ["Gun Holm (S)", "Lars Dahl (S)", "Ali Demir (V)", "Moa Sten (C)"],
                          "Nej": ["Olle Ek (M)", "Per Lind (M)", "Eva Berg"]}  # a local party: no abbreviation
    assert vote.counts == ["Antal Ja: 4", "Antal Nej: 3"]
    assert side_columns_at(_lines("Ja                Nej\nDet var inte så.\n"), 0) is None


def test_a_substitute_column_a_list_that_goes_on_after_a_page_break_and_a_summa_of_bare_numbers():
    page1 = """Bilaga 1 till kommunfullmäktiges protokoll, § 24
NÄRVARO- OCH OMRÖSTNINGSLISTA

                                       Tjänstgörande
Ledamöter                       Parti  ersättare            Ja    Nej   Avstår
Anders Wikström, ordförande     S                           X
Britt Ek                        S      Tomas Hjort (S)      X

"""
    page2 = """Bilaga 1, forts.

                                       Tjänstgörande
Ledamöter                       Parti  ersättare            Ja    Nej   Avstår
Robert Holm                     SD                                      X
Gunnel Brodin                   KD                                X
Summa                                                       2     1     1
"""
    lines = [Line(page=1, text=t) for t in page1.splitlines()] + [Line(page=2, text=t) for t in page2.splitlines()]
    found = column_vote_list_at(lines, 0)
    assert found is not None
    end, vote = found
    assert end == len(lines)
    assert vote.votes == {"Ja": ["Anders Wikström (S)", "Tomas Hjort (S)"], "Avstår": ["Robert Holm (SD)"],
                          "Nej": ["Gunnel Brodin (KD)"]}
    assert vote.counts == ["Antal Ja: 2", "Antal Nej: 1", "Antal Avstår: 1"]


def test_a_multi_paragraph_list_whose_party_stands_in_a_column_of_its_own():
    text = """Närvaro- och omröstningslista

                                                        § 100             § 101
Ordinarie ledamot         Tjänstgörande ersättare  Parti  Ja    Nej   Avst  Ja    Nej   Avst
Birgitta Sjöholm, ordf.                            S      X                 X
Roger Lind                Ida Berg                 SD           X                 X
"""
    found = marked_vote_lists_at(_lines(text), 3)
    assert found is not None
    by_sign = {v.item[0]: v.votes for v in found[1]}
    assert by_sign == {"Ärendemening: § 100": {"Ja": ["Birgitta Sjöholm (S)"], "Nej": ["Ida Berg (SD)"]},
                       "Ärendemening: § 101": {"Ja": ["Birgitta Sjöholm (S)"], "Nej": ["Ida Berg (SD)"]}}


def test_an_x_table_under_named_columns_gives_the_serving_substitute_the_vote():
    text = """                                   Votering § 41
Ledamöter              Tjänstgörande ersättare     Ja     Nej    Avstår
Karin Sundh (S)                                    X
Olof Brink (M)         Maja Lund (M)                      X
Eva Hedin (V)                                                    X
Summa                                              1      1      1
"""
    found = marked_vote_table_at(_lines(text), 1)
    assert found is not None
    assert found[1] == ["Ja (1): Karin Sundh (S).", "Nej (1): Maja Lund (M).", "Avstår (1): Eva Hedin (V)."]


def test_a_vote_list_with_a_column_that_says_nothing_of_the_vote():
    text = """Bilaga 2 till § 17

Voteringslista
Ärende: Ny simhall i Norrby

Namn                  Parti    Funktion          Röst
Per Alm               M        Ledamot           Ja
Lisa Berg             S        1:e vice ordf     Nej
Tage Dahl             C        Ersättare         Avstår

Summa                                            Ja: 1   Nej: 1   Avstår: 1
"""
    found = column_vote_list_at(_lines(text), 0)
    assert found is not None
    vote = found[1]
    assert vote.votes == {"Ja": ["Per Alm (M)"], "Nej": ["Lisa Berg (S)"], "Avstår": ["Tage Dahl (C)"]}
    assert vote.item[0] == "Ärendemening: § 17"


def test_an_appendix_table_with_the_vote_in_its_first_column_and_a_remarks_column():
    text = """Bilaga 1 till KS § 12, 2026-03-02

VOTERINGSLISTA
Ärende:        Försäljning av fastigheten Ängen 3

Röst        Ledamot / tjänstgörande ersättare          Parti    Anmärkning
Ja          Anna Berg                                  S        ordförande
Nej         Olle Ek                                    M        ersättare för Per Lund (jäv)
Avstår      Siv Holm                                   KD

Summa       Ja 1          Nej 1          Avstår 1
"""
    found = column_vote_list_at(_lines(text), 0)
    assert found is not None
    vote = found[1]
    assert vote.votes == {"Ja": ["Anna Berg (S)"], "Nej": ["Olle Ek (M)"], "Avstår": ["Siv Holm (KD)"]}
    assert vote.counts == ["Antal Ja: 1", "Antal Nej: 1", "Antal Avstår: 1"]
