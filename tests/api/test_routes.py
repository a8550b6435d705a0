"""Streaming, conversations, filters, search, source view, original files, feedback, CORS."""

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf

TRAVEL = "Hur mycket ska tjänsteresandet minska?"
PROTOCOL = "000_ee3bcc82b85d44b3"


@pytest.fixture
def client(seeded_app: Paragraf):
    settings = seeded_app.settings.model_copy(update={"cors_origins": ["http://intranat.example"]})
    with TestClient(create_app(settings, paragraf=seeded_app)) as c:
        yield c


def events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_stream_carries_the_same_answer_and_every_citation(client: TestClient):
    plain = client.post("/api/ask", json={"question": TRAVEL}).json()
    r = client.post("/api/ask/stream", json={"question": TRAVEL})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    names = [n for n, _ in got]
    assert names[0] == "status" and names[-1] == "done"
    # tokens come before the citations, the citations before done
    assert names.index("citation") > max(i for i, n in enumerate(names) if n == "token")
    tokens = [d["text"] for n, d in got if n == "token"]
    citations = [d for n, d in got if n == "citation"]
    done = got[-1][1]
    assert len(tokens) > 3 and "".join(tokens) == done["answer"] == plain["answer"]
    assert citations == done["citations"] == plain["citations"] and citations


def test_stream_rejects_a_bad_question_before_streaming(client: TestClient):
    r = client.post("/api/ask/stream", json={"question": "  "})
    assert r.status_code == 400 and "tom" in r.json()["detail"]


def test_follow_up_uses_the_previous_turn(client: TestClient):
    first = client.post("/api/ask", json={"question": TRAVEL}).json()
    cid = first["conversation_id"]
    assert cid and any(c["doc_id"] == PROTOCOL for c in first["citations"])
    alone = client.post("/api/ask", json={"question": "Och vem avstod från att delta?"}).json()
    follow = client.post(
        "/api/ask", json={"question": "Och vem avstod från att delta?", "conversation_id": cid}
    ).json()
    assert follow["conversation_id"] == cid
    assert TRAVEL in follow["context_question"]
    assert "Nicklas Sandström" in follow["answer"]
    assert {c["doc_id"] for c in follow["citations"]} == {PROTOCOL}
    assert alone["conversation_id"] != cid and alone["context_question"] is None


def test_unknown_conversation_id_starts_a_new_one(client: TestClient):
    r = client.post("/api/ask", json={"question": TRAVEL, "conversation_id": "0" * 32}).json()
    assert r["conversation_id"] and r["conversation_id"] != "0" * 32


def test_filters_limit_answers_and_search(client: TestClient):
    question = "Vilka uppdrag fick regionstyrelsen 2024?"
    open_ = client.post("/api/ask", json={"question": question}).json()
    orgs = {c["organisation"] for c in open_["citations"]}
    assert len(orgs) > 1  # unfiltered, both regions answer
    only = {"organisation": ["Region Norrbotten"]}
    limited = client.post("/api/ask", json={"question": question, "filters": only}).json()
    assert limited["citations"] and {c["organisation"] for c in limited["citations"]} == {"Region Norrbotten"}
    dated = client.post(
        "/api/ask", json={"question": TRAVEL, "filters": {"date_from": "2024-01-01", "date_to": "2024-01-31"}}
    ).json()
    assert {c["doc_id"] for c in dated["citations"]} == {PROTOCOL}
    typed = client.get("/api/search", params={"q": "uppdrag", "doc_type": "plan"}).json()
    assert typed["results"] and {h["document"]["doc_type"] for h in typed["results"]} == {"plan"}
    body = client.get("/api/search", params={"q": "uppdrag", "body": "Regionfullmäktige"}).json()
    assert {h["document"]["body"] for h in body["results"]} == {"Regionfullmäktige"}
    nothing = client.post("/api/ask", json={"question": TRAVEL, "filters": {"organisation": ["Okänd"]}}).json()
    assert nothing["abstained"] and not nothing["citations"]


def test_bad_filters_are_422_in_swedish(client: TestClient):
    r = client.get("/api/search", params={"q": "x", "date_from": "2025-01-01", "date_to": "2024-01-01"})
    assert r.status_code == 422 and "Ogiltigt filter" in r.json()["detail"]
    r = client.post("/api/ask", json={"question": TRAVEL, "filters": {"date_from": "inte ett datum"}})
    assert r.status_code == 422


def test_search_ranks_paragraphs_with_highlights(client: TestClient):
    r = client.get("/api/search", params={"q": "tjänsteresor", "limit": 5}).json()
    assert 0 < len(r["results"]) <= 5 and [h["rank"] for h in r["results"]] == list(range(1, len(r["results"]) + 1))
    top = r["results"][0]
    text = top["paragraph"]["text"]
    marked = [text[a:b].lower() for a, b in top["highlights"]]
    assert marked and all(m.startswith("tjänsteres") for m in marked)
    assert top["reference"]


def test_source_view_gives_section_context_and_file_page(client: TestClient):
    d = client.get(f"/api/paragraphs/{PROTOCOL}:p5").json()
    assert d["reference"].startswith("Regionstyrelsens arbetsutskott, protokoll 2024-01-23, § 8")
    ids = [p["paragraph_id"] for p in d["context"]]
    assert f"{PROTOCOL}:p5" in ids and len(ids) > 3
    assert all(p["section"].startswith("§ 8") for p in d["context"])
    assert d["file_url"] == f"/api/documents/{PROTOCOL}/file#page={d['paragraph']['page']}"
    f = client.get(d["file_url"].split("#")[0])
    assert f.status_code == 200 and "tjänsteresandet" in f.text


def test_feedback_is_stored_and_exported_only_for_admins(seeded_app: Paragraf):
    settings = seeded_app.settings.model_copy(update={"api_keys": {"hemlig": ["admin"], "reader": ["internal"]}})
    with TestClient(create_app(settings, paragraf=seeded_app)) as c:
        answer = c.post("/api/ask", json={"question": TRAVEL}).json()
        r = c.post("/api/feedback", json={
            "rating": "down", "question": answer["question"], "answer": answer["answer"],
            "citations": answer["citations"], "comment": "Saknar siffran för 2025.",
        })
        assert r.status_code == 201 and r.json()["message"].startswith("Tack")
        assert c.post("/api/feedback", json={"rating": "kanske", "question": "x", "answer": "y"}).status_code == 422
        assert c.get("/api/feedback").status_code == 401
        assert c.get("/api/feedback", headers={"X-API-Key": "reader"}).status_code == 403
        assert c.get("/api/feedback", headers={"X-API-Key": "fel"}).status_code == 401
        export = c.get("/api/feedback", headers={"Authorization": "Bearer hemlig"})
        assert export.status_code == 200
        rows = [json.loads(line) for line in export.text.splitlines()]
        assert len(rows) == 1 and rows[0]["rating"] == "down"
        assert rows[0]["citations"] == answer["citations"] and rows[0]["comment"] == "Saknar siffran för 2025."


def test_cors_allows_only_listed_origins(client: TestClient):
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/api/ask/stream", headers={"Origin": "http://intranat.example", **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "http://intranat.example"
    bad = client.options("/api/ask/stream", headers={"Origin": "http://elak.example", **pre})
    assert "access-control-allow-origin" not in bad.headers
