"""The LLM writer against a scripted OpenAI-compatible fake (tests/fake_llm.py): what a lying or
broken model writes never reaches a reader; a faithful model's answer does, with verified quotes."""

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf, QuestionError
from tests.conftest import FakeEmbedder
from tests.fake_llm import FakeLLM

QUESTION = "Hur mycket ska tjänsteresandet minska?"
INVENTED = {"invented_number": "987", "invented_person": "Västerlund", "garbage": "Gurka"}


@pytest.fixture(scope="module")
def fake_url():
    with FakeLLM() as url:
        yield url


def with_model(app: Paragraf, url: str, mode: str, timeout: float = 2.0) -> Paragraf:
    settings = app.settings.model_copy(update={"llm_base_url": url, "llm_model": mode, "llm_timeout_s": timeout})
    llm_app = Paragraf(settings, embedder=FakeEmbedder())
    return llm_app


def test_a_faithful_model_writes_the_answer_with_verified_quotes(seeded_app, fake_url):
    app = with_model(seeded_app, fake_url, "faithful")
    r = app.ask(QUESTION, answerer="llm")
    assert r.answerer == "llm" and r.dropped_sentences == 0 and not r.abstained
    assert r.answer.endswith("[1]") and len(r.citations) == 1
    cited = r.citations[0]
    assert cited.quote in cited.text and r.answer.removesuffix(" [1]").rstrip(".") in cited.text
    assert "15 procent" in r.answer
    assert "llm" in r.timings_ms


@pytest.mark.parametrize("mode", ["wrong_paragraph", "invented_number", "invented_person", "no_markers", "garbage"])
def test_unsupported_model_sentences_are_dropped_and_the_extractive_answer_is_given(seeded_app, fake_url, mode):
    app = with_model(seeded_app, fake_url, mode)
    r = app.ask(QUESTION, answerer="llm")
    extractive = app.ask(QUESTION, answerer="extractive")
    assert r.answerer == "extractive" and r.dropped_sentences >= 1
    assert (r.answer, r.citations) == (extractive.answer, extractive.citations)
    if mode in INVENTED:
        assert INVENTED[mode] not in r.answer and all(INVENTED[mode] not in c.quote for c in r.citations)


@pytest.mark.parametrize("mode", ["empty", "http_500", "slow"])
def test_a_failing_model_falls_back_to_the_extractive_answer(seeded_app, fake_url, mode):
    import time

    app = with_model(seeded_app, fake_url, mode, timeout=1.0)
    t0 = time.perf_counter()
    r = app.ask(QUESTION, answerer="llm")
    assert time.perf_counter() - t0 < 4.0  # the timeout holds (the slow model takes 5 s)
    assert r.answerer == "extractive" and r.dropped_sentences == 0 and r.citations
    assert r.answer == app.ask(QUESTION, answerer="extractive").answer


def test_the_fallback_reuses_the_extractive_answer_already_computed(seeded_app, fake_url, spy):
    app = with_model(seeded_app, fake_url, "garbage")
    calls = spy(app.answerers["extractive"].quotes, "answer")
    r = app.ask(QUESTION, answerer="llm")
    assert r.answerer == "extractive" and r.dropped_sentences >= 1 and r.citations
    assert [question for question, *_ in calls] == [QUESTION]  # once, for the scope; the fallback did not quote again


def test_the_model_may_abstain(seeded_app, fake_url):
    r = with_model(seeded_app, fake_url, "abstain").ask(QUESTION, answerer="llm")
    assert r.answerer == "llm" and r.abstained and r.citations == []


def test_the_prompt_numbers_the_paragraphs_with_references_and_says_the_rules(seeded_app, fake_url):
    app = with_model(seeded_app, fake_url, "faithful")
    hits = [h for h in app.ask_detailed(QUESTION)[1].hits if not h.conflicts][:3]
    system, user = app.writer.messages(QUESTION, hits)
    assert "Varje mening slutar med hänvisningen" in system.content and "Jag hittar inget svar" in system.content
    assert user.content.startswith(f"Fråga: {QUESTION}") and "[1] " in user.content and "[3] " in user.content
    assert hits[0].paragraph.text in user.content


def test_llm_needs_a_configured_model(seeded_app):
    with pytest.raises(QuestionError, match="Ingen språkmodell"):
        seeded_app.ask(QUESTION, answerer="llm")
    with TestClient(create_app(seeded_app.settings, paragraf=seeded_app)) as c:
        r = c.post("/api/ask", json={"question": QUESTION, "answerer": "llm"})
        assert r.status_code == 400 and "PARAGRAF_LLM_BASE_URL" in r.json()["detail"]
        assert c.post("/api/ask", json={"question": QUESTION, "answerer": "poet"}).status_code == 422


@pytest.mark.parametrize("mode", ["faithful", "invented_number"])
def test_over_http_and_the_stream(seeded_app, fake_url, mode):
    app = with_model(seeded_app, fake_url, mode)
    with TestClient(create_app(app.settings, paragraf=app)) as c:
        plain = c.post("/api/ask", json={"question": QUESTION, "answerer": "llm"}).json()
        stream = c.post("/api/ask/stream", json={"question": QUESTION, "answerer": "llm"}).text
    done = json.loads(stream.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert plain["answerer"] == done["answerer"] == ("llm" if mode == "faithful" else "extractive")
    assert done["answer"] == plain["answer"]
    if mode == "invented_number":
        assert "987" not in stream and plain["dropped_sentences"] == 1


def test_the_stream_sends_each_verified_sentence_while_the_model_still_writes(seeded_app, fake_url):
    """The fake writes a true sentence, pauses 2 s, then invents a cost: the true sentence
    arrives before the pause ends, the invented one never arrives."""
    import time

    from tests.fake_llm import PAUSE_S

    app = with_model(seeded_app, fake_url, "two_sentences_with_pause", timeout=10.0)
    with TestClient(create_app(app.settings, paragraf=app)) as c:
        t0 = time.perf_counter()
        arrivals = []
        with c.stream("POST", "/api/ask/stream", json={"question": QUESTION, "answerer": "llm"}) as s:
            event = None
            for line in s.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    arrivals.append((event, time.perf_counter() - t0, json.loads(line[6:])))
    first_token = next(t for e, t, _ in arrivals if e == "token")
    done_at, done = next((t, d) for e, t, d in arrivals if e == "done")
    assert done_at - first_token >= PAUSE_S * 0.8  # the first sentence came before the model finished
    assert done["answerer"] == "llm" and done["dropped_sentences"] == 1
    assert "987" not in json.dumps([d for _, _, d in arrivals])
    tokens = "".join(d["text"] for e, _, d in arrivals if e == "token")
    assert tokens == done["answer"] and done["answer"].endswith("[1]")
    assert [d for e, _, d in arrivals if e == "citation"] == done["citations"]


@pytest.mark.parametrize(("mode", "share", "rate"), [("faithful", None, 0.0), ("invented_number", 0.0, 1.0)])
def test_eval_reports_the_unsupported_sentence_rate(seeded_app, fake_url, tmp_path, mode, share, rate):
    from evals.evaluate import evaluate
    from tests.conftest import REPO

    app = with_model(seeded_app, fake_url, mode)
    outcome = evaluate(app, REPO / "evals" / "gold" / "dev.jsonl", results=tmp_path / "r.jsonl",
                       baseline=False, answerer="llm")
    llm = outcome.report["llm"]
    assert llm["answers"] == len((REPO / "evals" / "gold" / "dev.jsonl").read_text().splitlines())
    assert llm["unsupported_sentence_rate"] == rate
    if share is not None:
        assert llm["llm_share"] == share
    else:
        assert llm["by_llm"] > 0 and llm["sentences_kept"] >= llm["by_llm"]
    assert json.loads((tmp_path / "report.json").read_text())["llm"] == llm
