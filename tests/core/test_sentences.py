from core.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_numbered_points_and_abbreviations_do_not_end_a_sentence():
    assert _sentences("1. Planen antas. 2. Ramen ökas t.ex. med 2 mnkr.") == ["1. Planen antas.", "2. Ramen ökas t.ex. med 2 mnkr."]


def test_a_point_that_ends_in_a_number_ends_before_the_next_point():
    text = "2. Bidraget fördelas enligt bilaga 2. 3. Förvaltningen får i uppdrag att utvärdera modellen."
    assert _sentences(text) == ["2. Bidraget fördelas enligt bilaga 2.", "3. Förvaltningen får i uppdrag att utvärdera modellen."]
