from ingest.clean import Line
from ingest.votelists import vote_list_at

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
