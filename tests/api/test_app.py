import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf


@pytest.fixture
def client(seeded_app: Paragraf):
    with TestClient(create_app(seeded_app.settings, paragraf=seeded_app)) as c:
        yield c


def test_ask_returns_the_documented_shape(client: TestClient):
    r = client.post("/api/ask", json={"question": "Hur mycket ska tjänsteresandet minska?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"question", "answer", "abstained", "citations", "timings_ms", "conversation_id", "context_question", "answerer", "dropped_sentences"}
    assert body["citations"]
    keys = {"marker", "paragraph_id", "doc_id", "title", "organisation", "body", "doc_type", "date",
            "section", "page", "paragraph", "quote", "text", "score"}
    assert keys <= set(body["citations"][0])
    assert "total" in body["timings_ms"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [({"question": ""}, 400), ({"question": "x" * 5000}, 400), ({}, 422), ({"question": 5}, 422), ([1], 422)],
)
def test_bad_questions_get_4xx_in_swedish(client: TestClient, payload, status):
    r = client.post("/api/ask", json=payload)
    assert r.status_code == status
    assert r.json()["detail"]


def test_malformed_json_is_422(client: TestClient):
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "Ogiltig begäran" in r.json()["detail"]


def test_documents_and_paragraphs(client: TestClient):
    docs = client.get("/api/documents").json()
    assert len(docs) == 5
    detail = client.get("/api/documents/000_ee3bcc82b85d44b3").json()
    assert detail["document"]["paragraph_count"] == len(detail["paragraphs"])
    p = client.get("/api/paragraphs/000_ee3bcc82b85d44b3:p1").json()
    assert p["paragraph"]["ordinal"] == 1 and p["document"]["doc_id"] == "000_ee3bcc82b85d44b3"


def test_missing_and_invalid_ids(client: TestClient):
    assert client.get("/api/documents/finns-inte").status_code == 404
    assert client.get("/api/documents/..%2F..%2Fetc").status_code == 404
    assert client.get("/api/paragraphs/000_ee3bcc82b85d44b3:p9999").status_code == 404
    r = client.get("/api/paragraphs/inte-ett-id")
    assert r.status_code == 400 and "Ogiltigt styckes-id" in r.json()["detail"]
    assert client.get("/api/nothing-here").json()["detail"] == "Sidan finns inte."


def test_health_and_docs(client: TestClient):
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["documents"] == 5 and h["paragraphs"] > 100
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("path", ["/", "/sok", "/dokument", "/kalla/000_ee3bcc82b85d44b3:p5"])
def test_pages_are_swedish_html(client: TestClient, path: str):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in r.text and "/widget.js" in r.text


def test_widget_script_is_served(client: TestClient):
    r = client.get("/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "/api/ask/stream" in r.text
