import numpy as np

from index.cache import CachedEmbedder, EmbeddingCache
from tests.conftest import FakeEmbedder


def test_each_text_is_embedded_once_per_model(tmp_path):
    inner = FakeEmbedder()
    cache = EmbeddingCache(tmp_path / "e.sqlite", inner.name, inner.dim)
    first = CachedEmbedder(inner, cache).embed_passages(["a b", "c d", "a b"])
    assert inner.passage_calls == 2  # the repeated text once
    again = CachedEmbedder(inner, EmbeddingCache(tmp_path / "e.sqlite", inner.name, inner.dim)).embed_passages(["c d"])
    assert inner.passage_calls == 2 and np.allclose(again[0], first[1])
    other = EmbeddingCache(tmp_path / "e.sqlite", "another-model", inner.dim)
    CachedEmbedder(inner, other).embed_passages(["c d"])
    assert inner.passage_calls == 3  # vectors of one model never serve another


def test_changed_document_embeds_only_changed_paragraphs(app, tmp_path, fake_embedder):
    from ingest.pipeline import ingest_paths

    doc = tmp_path / "plan.txt"
    doc.write_text("Första stycket om budgeten.\n\nAndra stycket om målen.\n", encoding="utf-8")
    ingest_paths([doc], app.index)
    calls = fake_embedder.passage_calls
    doc.write_text("Första stycket om budgeten.\n\nAndra stycket om målen, ändrat.\n", encoding="utf-8")
    ingest_paths([doc], app.index)
    assert fake_embedder.passage_calls == calls + 1
