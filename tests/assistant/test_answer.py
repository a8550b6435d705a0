from assistant.service import Paragraf
from core import prompts
from core.sentences import sentence_spans


def test_sentences_respect_abbreviations():
    text = "Beslutet gäller bl.a. primärvården. Nästa mening, t.ex. om NUS. Sista."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Beslutet gäller bl.a. primärvården.", "Nästa mening, t.ex. om NUS.", "Sista."
    ]
    assert sentence_spans("Indikator: X. Mål 2024: 5", "table_row") == [(0, 25)]


def test_every_quote_is_verbatim_in_its_cited_paragraph(seeded_app: Paragraf):
    for question in (
        "Hur mycket ska tjänsteresandet minska?",
        "Vem avstod från att delta i beslutet?",
        "Vad beslutade regionfullmäktige om motionen om TikTok?",
        "Vilket mål finns för klimatutsläpp från tjänsteresor?",
    ):
        response = seeded_app.ask(question)
        assert not response.abstained, question
        assert response.citations
        for c in response.citations:
            stored, _ = seeded_app.index.paragraph(c.paragraph_id)
            assert c.quote in stored.text and c.text == stored.text
            assert f"[{c.marker}]" in response.answer


def test_answer_names_the_fifteen_percent(seeded_app: Paragraf):
    response = seeded_app.ask("Hur mycket ska tjänsteresandet minska?")
    assert any("15 procent" in c.quote for c in response.citations)


def test_unrelated_question_abstains_with_the_fixed_sentence(seeded_app: Paragraf):
    response = seeded_app.ask("Vilken färg har bussarna i Kiruna kommun?")
    assert response.abstained and response.answer == prompts.ABSTAIN and response.citations == []


def test_organisations_are_never_blended(seeded_app: Paragraf):
    response = seeded_app.ask("Vilka uppdrag fick regionstyrelsen?")
    orgs = {c.organisation for c in response.citations}
    if len(orgs) > 1:
        assert prompts.SEVERAL_ORGANISATIONS in response.answer
    # each statement line carries markers of one organisation only
    by_marker = {c.marker: c.organisation for c in response.citations}
    for line in response.answer.splitlines():
        markers = [int(m) for m in __import__("re").findall(r"\[(\d+)\]", line)]
        assert len({by_marker[m] for m in markers}) <= 1
    # and every group of statements is introduced by its own document's lead-in
    for c in response.citations:
        assert f"Enligt {c.title}" in response.answer


def test_question_naming_a_region_only_cites_that_region(seeded_app: Paragraf):
    response = seeded_app.ask("Vilka uppdrag fick regionstyrelsen i Region Norrbotten?")
    assert response.citations
    assert {c.organisation for c in response.citations} == {"Region Norrbotten"}


def test_empty_index_says_so(app: Paragraf):
    response = app.ask("Vad beslutades?")
    assert response.abstained and response.answer == prompts.EMPTY_INDEX


def test_a_missing_fact_is_taken_from_the_next_paragraph_of_the_section(app: Paragraf, tmp_path):
    from index.retrieve import Hit, Retrieval
    from ingest.pipeline import ingest_paths

    folder = tmp_path / "missiv"
    folder.mkdir()
    (folder / "missiv.txt").write_text(
        "Missiv till kommunstyrelsen\n\n"
        "Revisorerna har avslutat granskningen av styrningen genom planer och program och överlämnar rapporten.\n\n"
        "Göteborg den 18 november 2025\n\n"
        "Bilaga\n\n"
        "Revisionsrapporten beskriver granskningen i detalj och redovisar bedömningarna för varje nämnd.\n",
        encoding="utf-8")
    assert ingest_paths([folder], app.index).count("added") == 1
    _, paragraphs = app.index.document("missiv")
    missive = next(p for p in paragraphs if p.text.startswith("Revisorerna har avslutat"))
    meta = app.index.paragraph(missive.paragraph_id)[1]
    hit = Hit(paragraph=missive, document=meta, score=1.0, dense=0.9, probability=0.9, conflicts=["missing_fact"])
    question = "Vilket datum undertecknade revisorerna missivet om styrning genom planer?"
    answer = app.answerers["extractive"].answer(question, Retrieval([hit], [], {}), 0.5)
    assert not answer.abstained and answer.answerer == "extractive"
    assert [c.quote for c in answer.citations] == [missive.text, "Göteborg den 18 november 2025"]
    # a paragraph of the section that states no date: nothing to quote, so it still abstains
    report = next(p for p in paragraphs if p.text.startswith("Revisionsrapporten"))
    hit = Hit(paragraph=report, document=meta, score=1.0, dense=0.9, probability=0.9, conflicts=["missing_fact"])
    assert app.answerers["extractive"].answer(question, Retrieval([hit], [], {}), 0.5).abstained
