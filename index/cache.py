"""Content-addressed embedding cache: a passage already embedded by the same model is never
embedded again (re-ingest after a parser or metadata change, the evaluation baseline, a document
uploaded twice). Keys are sha256(model name + text); values float32 vectors. SQLite, one file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path, model: str, dim: int) -> None:
        self.path = Path(path)
        self.model = model
        self.dim = dim
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.commit()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model}\n{text}".encode()).hexdigest()

    def get_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached vectors by text (texts not in the cache are absent)."""
        keys = {self._key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        items = list(keys)
        with self._lock:
            for i in range(0, len(items), 500):
                chunk = items[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                ):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape == (self.dim,):
                        found[keys[key]] = vec
        return found

    def put_many(self, texts: list[str], vectors: np.ndarray) -> None:
        rows = [(self._key(t), np.asarray(v, np.float32).tobytes()) for t, v in zip(texts, vectors)]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.commit()

    def embed(self, texts: list[str], compute) -> np.ndarray:
        """Vectors for `texts`, calling `compute(missing_texts) -> (n, dim)` only for new ones."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        cached = self.get_many(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in cached))
        if missing:
            fresh = compute(missing)
            self.put_many(missing, fresh)
            cached.update(zip(missing, np.asarray(fresh, np.float32)))
        return np.stack([cached[t] for t in texts]).astype(np.float32)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEmbedder:
    """An Embedder whose passages go through an EmbeddingCache (queries are not cached)."""

    def __init__(self, embedder, cache: EmbeddingCache) -> None:
        self.inner, self.cache = embedder, cache
        self.name, self.dim = embedder.name, embedder.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.cache.embed(list(texts), self.inner.embed_passages)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
