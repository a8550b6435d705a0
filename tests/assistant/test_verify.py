"""The verification gate for model-written answers (assistant.verify): what a lying model writes
never passes; what a faithful one writes passes with a verbatim quote."""

import pytest

from assistant.support import LexicalSupport
from assistant.verify import facts, split_marked, verify_answer
from core.models import Paragraph

PARAGRAPHS = [
    Paragraph(paragraph_id="ks:p4", doc_id="ks", ordinal=4, page=2, section="§ 12 Skyddsutrustning › Beslut",
              text="Krisledningsnämnden beslutar att köpa skyddsutrustning från leverantören Zebrafink AB för "
                   "48 miljoner kronor. Leveransen ska ske senast den 15 mars 2025."),
    Paragraph(paragraph_id="ks:p5", doc_id="ks", ordinal=5, page=2, section="§ 12 Skyddsutrustning › Reservationer",
              text="Anna Ek (M) och Per Lund (SD) reserverar sig mot beslutet."),
    Paragraph(paragraph_id="rs:p2", doc_id="rs", ordinal=2, page=1, section="Mål 3",
              text="Tjänsteresandet ska minska med 15 procent jämfört med år 2023."),
]


def gate(answer: str):
    return verify_answer(answer, PARAGRAPHS, LexicalSupport())


def test_a_faithful_answer_passes_with_verbatim_quotes():
    result = gate("Krisledningsnämnden köper skyddsutrustning från Zebrafink AB för 48 miljoner kronor [1]. "
                  "Anna Ek (M) och Per Lund (SD) reserverade sig [2].")
    assert [s.ok for s in result.kept] == [True, True] and result.dropped == []
    first, second = result.kept
    assert first.paragraph_id == "ks:p4" and first.quote in PARAGRAPHS[0].text
    assert first.quote.startswith("Krisledningsnämnden beslutar") and "15 mars" not in first.quote
    assert second.paragraph_id == "ks:p5" and second.quote == PARAGRAPHS[1].text


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Krisledningsnämnden köper skyddsutrustning för 48 miljoner kronor [3].", "not in the cited"),  # wrong paragraph
        ("Krisledningsnämnden köper skyddsutrustning för 52 miljoner kronor [1].", "52"),  # invented number
        ("Krisledningsnämnden köper skyddsutrustning från Zebrafink AB [1]. Karin Berg reserverade sig [2].",
         "Berg"),  # invented person (the first sentence passes)
        ("Anna Ek (S) reserverade sig [2].", "(S)"),  # wrong party
        ("Leveransen ska ske senast den 15 april 2025 [1].", "15 april 2025"),  # wrong date
        ("Tjänsteresandet ska minska med 15 procent jämfört med år 2022 [3].", "2022"),  # wrong year
        ("Krisledningsnämnden köper skyddsutrustning.", "no citation marker"),
        ("Krisledningsnämnden köper skyddsutrustning [7].", "no provided paragraph"),
        ("Gurka blomma himmel flyger över bordet snabbt [1].", "content not supported"),  # garbage
    ],
)
def test_unsupported_sentences_are_dropped_with_the_reason(answer, reason):
    result = gate(answer)
    assert result.dropped and reason in result.dropped[-1].reason
    assert all(s.ok for s in result.kept) and len(result.kept) + len(result.dropped) == len(split_marked(answer))


def test_markers_and_facts_are_read_from_the_sentence():
    expected = [("Första.", [1]), ("Andra.", [2, 3]), ("Tredje utan.", [])]
    assert split_marked("Första [1]. Andra [2, 3]. Tredje utan.") == expected
    assert split_marked("Första. [1] Andra. [2; 3] Tredje utan.") == expected  # markers after the stop
    stated = facts("Nämnden beslutade den 15 mars 2025 att Anna Ek (M) ska få 48 000 kronor.")
    assert "15 mars 2025" in stated and "(M)" in stated and "48 000" in stated and "Anna Ek" in stated


def test_an_empty_or_marker_only_answer_keeps_nothing():
    assert gate("").kept == [] and gate("").dropped == []
    result = gate("[1]")
    assert result.kept == [] and result.dropped[0].reason == "empty sentence"
