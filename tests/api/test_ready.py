"""/ready and embedder faults over the API (in-process, fake embedder). The Chroma side is tested
against a real `chroma run` in test_dependency_faults.py."""

import json
import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api import app as app_module
from api.app import create_app
from assistant.service import Paragraf
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS, FakeEmbedder

QUESTION = {"question": "Hur mycket ska tjänsteresandet minska?"}


class BreakableEmbedder(FakeEmbedder):
    broken = False

    def embed_query(self, text: str) -> np.ndarray:
        if self.broken:
            raise RuntimeError("model file unreadable")
        return super().embed_query(text)


@pytest.fixture
def breakable(settings, tmp_path):
    embedder = BreakableEmbedder()
    core = Paragraf(settings.model_copy(update={"breaker_failures": 2, "breaker_cooldown_s": 60.0}), embedder)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    ingest_paths([corpus], core.index)
    with TestClient(create_app(core.settings, paragraf=core)) as client:
        yield client, embedder


def test_ready_when_everything_works(breakable):
    client, _ = breakable
    r = client.get("/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"store": "ok", "index": "ok", "embedder": "ok"}, "detail": None}


def test_a_failing_embedder_gives_503_with_retry_after_and_not_ready(breakable, monkeypatch):
    client, embedder = breakable
    embedder.broken = True
    for _ in range(2):  # each failure reaches the embedder, then the breaker opens
        r = client.post("/api/ask", json=QUESTION)
        assert r.status_code == 503
        assert r.json()["detail"].startswith("Språkmodellen för sökning fungerar inte")
        assert int(r.headers["retry-after"]) >= 1
    r = client.post("/api/ask", json=QUESTION)  # open: refused without calling the embedder
    assert r.status_code == 503 and int(r.headers["retry-after"]) > 1
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["embedder"] == "failing"
    assert "inbäddningsmodellen fungerar inte" in ready.json()["detail"]
    assert client.get("/health").status_code == 200  # liveness stays up: restarting will not help
    metrics = client.get("/metrics").text
    assert 'paragraf_dependency_errors_total{dependency="embedder"} 2.0' in metrics
    assert 'paragraf_dependency_circuit_open{dependency="embedder"} 1.0' in metrics
    # The stream says the same in an SSE error event.
    with client.stream("POST", "/api/ask/stream", json=QUESTION) as s:
        events = [line for line in s.iter_lines() if line.startswith("data: ")]
    last = json.loads(events[-1][6:])
    assert last["status"] == 503 and last["detail"].startswith("Språkmodellen")


def test_ready_probes_the_embedder_when_the_probe_is_due(breakable, monkeypatch):
    client, embedder = breakable
    monkeypatch.setattr(app_module, "READY_EMBEDDER_PROBE_S", 0.0)
    embedder.broken = True
    r = client.get("/ready")
    assert r.status_code == 503 and r.json()["checks"]["embedder"] == "failing"
    embedder.broken = False
    r = client.get("/ready")  # the breaker is still closed (1 failure of 2): the next probe passes
    assert r.status_code == 200
