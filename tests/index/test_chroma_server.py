"""The client/server path: Paragraf against a real `chroma run` server on loopback."""

import shutil

from assistant.service import Paragraf
from core.settings import Settings
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS, FakeEmbedder, fake_scorer_path


def test_ingest_and_ask_against_a_chroma_server(chroma_server, tmp_path):
    host, port = chroma_server
    settings = Settings(
        data_dir=tmp_path / "unused", chroma_host=host, chroma_port=port, collection="server-test",
        refresh_interval_s=0.0, scorer_path=fake_scorer_path(tmp_path),
    )
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("000_ee3bcc82b85d44b3.txt", "004_f85ab3a437c3689b.txt"):
        shutil.copy(SEEDS / name, corpus / name)

    writer = Paragraf(settings, embedder=FakeEmbedder())
    assert ingest_paths([corpus], writer.index).count("added") == 2
    assert not (tmp_path / "unused" / "chroma").exists()  # nothing written to the embedded store

    # A second process-like instance (e.g. another API worker) sees the same index.
    reader = Paragraf(settings, embedder=FakeEmbedder())
    assert {d.doc_id for d in reader.index.documents()} == {"000_ee3bcc82b85d44b3", "004_f85ab3a437c3689b"}
    response = reader.ask("Hur mycket ska tjänsteresandet minska?")
    assert any("15 procent" in c.quote for c in response.citations)

    # Incremental re-ingest and removal work the same over HTTP.
    assert ingest_paths([corpus], writer.index).count("unchanged") == 2
    assert writer.index.delete_document("004_f85ab3a437c3689b")
    assert [d.doc_id for d in reader.index.documents()] == ["000_ee3bcc82b85d44b3"]
