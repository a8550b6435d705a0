"""The lexical index on disk: per-document segments, and the merged index memory-mapped at start-up.

Design (issue 11):

- **Segments.** Tokenising (Snowball stems and 4-grams, in Python) is what makes building BM25
  slow. Each document's term counts are saved once, as ``segments/<doc>-<content hash>.npz``, the
  first time a snapshot contains it (which is right after its ingest). A re-ingested document has a
  new content hash, so a new segment; a removed one is simply no longer read, and its file is
  deleted at the next merge.
- **Merged index.** A snapshot's index is the merge of its documents' segments, in snapshot order
  (vectorised in numpy, no re-tokenising). The merged BM25 arrays are saved under
  ``merged-<fingerprint>/`` as .npy files; the fingerprint covers the tokenizer version and every
  document's id, content hash and paragraph count. A process that starts on an unchanged index
  memory-maps those files instead of building anything.
- **Crash safety.** Every file is written under a temporary name and renamed into place, and the
  merged folder is renamed as a whole, so a kill -9 leaves either the old or the new state, and a
  half-written file is never read. Anything unreadable is rebuilt from Chroma, the source of truth.
- **Several processes** (API workers, `paragraf ingest`) may share the folder: their writes are
  identical files renamed atomically.

In server mode (a Chroma server) the folder is a local cache of each API host.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex, TermCounts, tokenise

logger = logging.getLogger(__name__)

# Bump when stems(), grams(), stop words or the text given to the lexical index change: every
# segment and merged index is then rebuilt.
TOKENIZER_VERSION = 1
_FIELDS = LexicalIndex.FIELDS
_COUNT_ARRAYS = ("terms", "indptr", "cols", "tfs")
_INDEX_ARRAYS = ("terms", "data", "indices", "indptr", "n")


class LexicalStore:
    """Builds a snapshot's LexicalIndex from saved segments, or loads it whole when unchanged.
    `folder=None` keeps everything in memory (tests, read-only deployments)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.built_segments = 0  # documents tokenised by this process (for tests and logs)
        self.loaded_merged = False  # the last load() memory-mapped a saved merged index

    def load(self, documents: list[tuple[str, str, list[str]]]) -> LexicalIndex:
        """The index over `documents`: (doc_id, content hash, lexical texts of its paragraphs in
        snapshot order), in snapshot order."""
        index = LexicalIndex()
        self.loaded_merged = False
        if self.folder is None:
            index.build([t for _d, _h, texts in documents for t in texts])
            return index
        fingerprint = _fingerprint(documents)
        merged = self.folder / f"merged-{fingerprint}"
        if self._read_merged(merged, index):
            self.loaded_merged = True
            return index
        parts = [self._segment(doc_id, content_hash, texts) for doc_id, content_hash, texts in documents]
        by_field = [TermCounts.merge([p[i] for p in parts]) for i in range(len(_FIELDS))]
        index.load_counts(*by_field)
        try:
            self._write_merged(merged, index)
            self._prune(documents, keep=merged.name)
        except OSError:  # a full or read-only disk costs start-up time, never an answer
            logger.warning("could not save the lexical index in %s", self.folder, exc_info=True)
        return index

    # ------------------------------------------------------------------ segments
    def _segment_path(self, doc_id: str, content_hash: str) -> Path:
        key = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16]
        return self.folder / "segments" / f"{key}-{content_hash[:16]}-v{TOKENIZER_VERSION}.npz"

    def _segment(self, doc_id: str, content_hash: str, texts: list[str]) -> tuple[TermCounts, TermCounts]:
        path = self._segment_path(doc_id, content_hash)
        try:
            with np.load(path, allow_pickle=False) as z:
                parts = tuple(TermCounts(*(z[f"{f}_{a}"] for a in _COUNT_ARRAYS)) for f in _FIELDS)
            if all(len(p) == len(texts) for p in parts):
                return parts
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt, never trusted
            logger.warning("lexical segment %s is unreadable; rebuilding it", path.name, exc_info=True)
        parts = tokenise(texts)
        self.built_segments += 1
        arrays = {f"{f}_{a}": getattr(p, a) for f, p in zip(_FIELDS, parts) for a in _COUNT_ARRAYS}
        try:
            _atomic(path, lambda tmp: np.savez(tmp, **arrays))
        except OSError:
            logger.warning("could not save lexical segment %s", path, exc_info=True)
        return parts

    # ------------------------------------------------------------------ merged index
    def _read_merged(self, folder: Path, index: LexicalIndex) -> bool:
        if not folder.is_dir():
            return False
        try:
            for name in _FIELDS:
                a = {k: np.load(folder / f"{name}.{k}.npy", mmap_mode="r", allow_pickle=False) for k in _INDEX_ARRAYS}
                getattr(index, name).load_arrays(a["terms"], a["data"], a["indices"], a["indptr"], int(a["n"]))
            return True
        except Exception:  # noqa: BLE001 - rebuilt from the segments
            logger.warning("merged lexical index %s is unreadable; rebuilding it", folder.name, exc_info=True)
            return False

    def _write_merged(self, folder: Path, index: LexicalIndex) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".merged-", dir=folder.parent))
        try:
            for name in _FIELDS:
                for key, array in getattr(index, name).arrays().items():
                    np.save(tmp / f"{name}.{key}.npy", np.asarray(array), allow_pickle=False)
            try:
                os.rename(tmp, folder)
            except OSError:  # another process wrote the same index first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        # The index just built stays in memory; later starts memory-map the saved copy.

    def _prune(self, documents: list[tuple[str, str, list[str]]], keep: str) -> None:
        """Delete merged indexes other than `keep` and segments of documents no longer indexed."""
        wanted = {self._segment_path(d, h).name for d, h, _t in documents}
        for path in self.folder.glob("merged-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
        for path in (self.folder / "segments").glob("*.npz"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _fingerprint(documents: list[tuple[str, str, list[str]]]) -> str:
    h = hashlib.sha1(f"v{TOKENIZER_VERSION}".encode())
    for doc_id, content_hash, texts in documents:
        h.update(f"\n{doc_id}\t{content_hash}\t{len(texts)}".encode("utf-8"))
    return h.hexdigest()[:20]


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
