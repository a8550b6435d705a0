"""Request limits, rate limiting, timeouts, request ids, structured logs, /metrics, no traces."""

import json
import logging
import time

from fastapi.testclient import TestClient

from api.app import create_app
from api.hardening import JsonFormatter
from assistant.service import Paragraf

QUESTION = "Hur mycket ska tjänsteresandet minska?"


def client_for(app: Paragraf, **overrides) -> TestClient:
    return TestClient(create_app(app.settings.model_copy(update=overrides), paragraf=app),
                      raise_server_exceptions=False)


def test_oversized_bodies_are_413(seeded_app: Paragraf):
    with client_for(seeded_app, max_request_bytes=2048) as c:
        big = json.dumps({"question": "x" * 5000})
        r = c.post("/api/ask", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "för stor" in r.json()["detail"]

        def chunks():  # no Content-Length: counted while reading
            for _ in range(10):
                yield b" " * 1000
        r = c.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413


def test_rate_limit_per_client_with_retry_after(seeded_app: Paragraf):
    with client_for(seeded_app, rate_limit_per_minute=60, rate_limit_burst=3) as c:
        codes = [c.get("/api/documents").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        r = c.get("/api/documents")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "Vänta" in r.json()["detail"]
        assert c.get("/health").status_code == 200  # pages and health are not limited
        assert c.get("/api/documents", headers={"X-API-Key": "another-client"}).status_code in (200, 401)
        assert "paragraf_rate_limited_total 3.0" in c.get("/metrics").text


def test_slow_answers_time_out_with_503(seeded_app: Paragraf, monkeypatch):
    real = seeded_app.ask

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(seeded_app, "ask", slow)
    with client_for(seeded_app, request_timeout_s=0.2) as c:
        r = c.post("/api/ask", json={"question": QUESTION})
        assert r.status_code == 503 and "för lång tid" in r.json()["detail"]
        s = c.post("/api/ask/stream", json={"question": QUESTION})
        assert "event: error" in s.text and "för lång tid" in s.text


def test_crashes_never_show_a_trace(seeded_app: Paragraf, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal state /etc/passwd")

    monkeypatch.setattr(seeded_app, "ask", boom)
    monkeypatch.setattr(seeded_app, "search", boom)
    with client_for(seeded_app) as c:
        for r in (c.post("/api/ask", json={"question": QUESTION}), c.get("/api/search", params={"q": "x"})):
            assert r.status_code == 500 and r.json() == {"detail": "Ett internt fel uppstod. Försök igen senare."}
        s = c.post("/api/ask/stream", json={"question": QUESTION})
        assert "event: error" in s.text and "secret" not in s.text and "Traceback" not in s.text


def test_request_ids_logs_and_metrics(seeded_app: Paragraf, caplog):
    with client_for(seeded_app) as c, caplog.at_level(logging.INFO, logger="paragraf.access"):
        given = c.get("/health", headers={"X-Request-ID": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        made = c.post("/api/ask", json={"question": QUESTION})
        assert len(made.headers["x-request-id"]) == 32
        bad = c.get("/health", headers={"X-Request-ID": "evil id;<script>"})
        assert bad.headers["x-request-id"] != "evil id;<script>"
        metrics = c.get("/metrics").text
    assert 'paragraf_http_requests_total{method="POST",route="/api/ask",status="200"} 1.0' in metrics
    assert 'paragraf_answers_total{outcome="answered"} 1.0' in metrics
    assert "paragraf_http_request_seconds_bucket" in metrics
    record = next(r for r in caplog.records if getattr(r, "request_id", "") == made.headers["x-request-id"])
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/api/ask" and line["status"] == 200 and line["request_id"] == made.headers["x-request-id"]
