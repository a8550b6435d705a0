"""Local segments of the index: each document's paragraphs and term counts, the catalogue manifest,
and the merged lexical index memory-mapped at start-up.

Chroma stays the source of truth; this folder only saves re-reading and re-tokenising it.

- **Segments.** ``segments/<doc>-<content hash>-v<version>.npz`` holds a document's metadata and
  paragraphs (JSON) and its stem and 4-gram counts. Tokenising (Snowball in Python) and reading
  every row back from Chroma are what made start-up slow, so both are done once per document
  version: a re-ingested document has a new content hash, hence a new segment; a removed one is
  no longer read, and its file is deleted at the next merge.
- **Catalogue manifest.** ``catalogue.json`` names the collection, its `generation` and the
  documents (id, content hash) of the last snapshot. A process that starts on the same generation
  reads the documents from their segments instead of fetching every row from Chroma. Changes since
  an older generation are read from the change log the writers keep in the collection's metadata
  (`index.store`), so only the changed documents are fetched.
- **Merged lexical index.** A snapshot's BM25 is the merge of its documents' segments, in snapshot
  order (numpy, no re-tokenising), saved under ``merged-<fingerprint>/`` as .npy files; the
  fingerprint covers the tokenizer version and every document's id, content hash and paragraph
  count. An unchanged index is memory-mapped, not built.
- **Crash safety.** Every file is written under a temporary name and renamed into place (the merged
  folder as a whole), so a kill -9 leaves the old or the new state, never a half-written file read.
  Anything unreadable is rebuilt from Chroma.
- **Several processes** (API workers, `paragraf ingest`) may share the folder: their writes are
  identical files renamed atomically. In server mode the folder is a local cache of each API host.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.models import DocumentMeta, Paragraph, paragraph_from_row
from index.lexical import LexicalIndex, TermCounts, tokenise

logger = logging.getLogger(__name__)
TextsOf = Callable[["StoredDocument"], list[str]]  # a document's lexical texts, one per paragraph

# Bump when stems(), grams(), stop words, the text given to the lexical index or the segment
# layout change: every segment and merged index is then rebuilt.
SEGMENT_VERSION = 2
_FIELDS = LexicalIndex.FIELDS
_COUNT_ARRAYS = ("terms", "indptr", "cols", "tfs")
_INDEX_ARRAYS = ("terms", "data", "indices", "indptr", "n")


@dataclass
class StoredDocument:
    """One completely stored document: its metadata and its paragraphs in order."""

    meta: DocumentMeta
    paragraphs: list[Paragraph]


@dataclass
class Manifest:
    collection: str
    generation: int
    documents: list[tuple[str, str]]  # (doc_id, content hash) of the complete documents
    incomplete: list[str]


class SegmentStore:
    """`folder=None` keeps everything in memory (tests, read-only deployments)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.built_segments = 0  # documents tokenised by this process (for tests and logs)
        self.loaded_merged = False  # the last lexical() memory-mapped a saved merged index

    # ------------------------------------------------------------------ catalogue
    def read_manifest(self, collection: str) -> Manifest | None:
        if self.folder is None:
            return None
        try:
            data = json.loads((self.folder / "catalogue.json").read_text(encoding="utf-8"))
            if data.get("version") != SEGMENT_VERSION or data.get("collection") != collection:
                return None
            return Manifest(collection, int(data["generation"]), [tuple(d) for d in data["documents"]],
                            list(data["incomplete"]))
        except FileNotFoundError:
            return None
        except Exception:
            logger.warning("catalogue manifest unreadable; reading the index from the store", exc_info=True)
            return None

    def write_manifest(self, manifest: Manifest) -> None:
        if self.folder is None:
            return
        data = {"version": SEGMENT_VERSION, "collection": manifest.collection, "generation": manifest.generation,
                "documents": manifest.documents, "incomplete": manifest.incomplete}
        try:
            _atomic(self.folder / "catalogue.json", lambda tmp: Path(tmp).write_text(json.dumps(data), encoding="utf-8"))
        except OSError:
            logger.warning("could not save the catalogue manifest in %s", self.folder, exc_info=True)

    def document(self, doc_id: str, content_hash: str) -> StoredDocument | None:
        """A document as saved in its segment, or None when there is no readable segment."""
        if self.folder is None:
            return None
        try:
            with np.load(self._segment_path(doc_id, content_hash), allow_pickle=False) as z:
                rows = json.loads(str(z["rows"]))
        except FileNotFoundError:
            return None
        except Exception:
            logger.warning("segment of %s unreadable; reading it from the store", doc_id, exc_info=True)
            return None
        meta = DocumentMeta.model_construct(**rows["meta"])
        doc_id = meta.doc_id
        sections: dict[str, str] = {}
        for row in rows["paragraphs"]:  # one string object per document id and section, not per row
            if row.get("doc_id") == doc_id:
                row["doc_id"] = doc_id
            if isinstance(section := row.get("section"), str):
                row["section"] = sections.setdefault(section, section)
        paragraphs = [paragraph_from_row(p) for p in rows["paragraphs"]]
        return StoredDocument(meta, paragraphs)

    # ------------------------------------------------------------------ lexical index
    def lexical(self, documents: list[StoredDocument], texts_of: TextsOf) -> LexicalIndex:
        """The BM25 index over `documents` (snapshot order); `texts_of(doc)` gives a document's
        lexical texts, asked only for a document that must be tokenised (at 300k paragraphs,
        building every text just to memory-map a saved index took about 0.5 s and 170 MB of
        temporaries)."""
        index = LexicalIndex()
        self.loaded_merged = False
        if self.folder is None:
            index.build([t for doc in documents for t in texts_of(doc)])
            return index
        keys = [(d.meta.doc_id, d.meta.content_hash, len(d.paragraphs)) for d in documents]
        merged = self.folder / f"merged-{_fingerprint(keys)}"
        if self._read_merged(merged, index):
            self.loaded_merged = True
            return index
        parts = [self._segment(doc, texts_of) for doc in documents]
        index.load_counts(*(TermCounts.merge([p[i] for p in parts]) for i in range(len(_FIELDS))))
        try:
            self._write_merged(merged, index)
            self._prune(keys, keep=merged.name)
        except OSError:  # a full or read-only disk costs start-up time, never an answer
            logger.warning("could not save the lexical index in %s", self.folder, exc_info=True)
        return index

    def save(self, doc: StoredDocument, texts: list[str]) -> None:
        """Write a just-ingested document's segment (paragraphs and term counts), so the next
        start or reload needs neither Chroma nor the tokenizer for it."""
        if self.folder is not None:
            self._segment(doc, lambda _doc: texts)

    def _segment_path(self, doc_id: str, content_hash: str) -> Path:
        key = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16]
        assert self.folder is not None  # segments are only written for a saved index
        return self.folder / "segments" / f"{key}-{content_hash[:16]}-v{SEGMENT_VERSION}.npz"

    def _segment(self, doc: StoredDocument, texts_of: TextsOf) -> tuple[TermCounts, TermCounts]:
        path = self._segment_path(doc.meta.doc_id, doc.meta.content_hash)
        try:
            with np.load(path, allow_pickle=False) as z:
                stems, grams = (TermCounts(*(z[f"{f}_{a}"] for a in _COUNT_ARRAYS)) for f in _FIELDS)
                parts = (stems, grams)
            if all(len(p) == len(doc.paragraphs) for p in parts):
                return parts
        except FileNotFoundError:
            pass
        except Exception:
            logger.warning("lexical segment %s is unreadable; rebuilding it", path.name, exc_info=True)
        parts = tokenise(texts_of(doc))
        self.built_segments += 1
        rows = {"meta": doc.meta.model_dump(), "paragraphs": [p.model_dump() for p in doc.paragraphs]}
        arrays = {f"{f}_{a}": getattr(p, a) for f, p in zip(_FIELDS, parts) for a in _COUNT_ARRAYS}
        arrays["rows"] = np.asarray(json.dumps(rows, ensure_ascii=False))
        try:
            _atomic(path, lambda tmp: np.savez(tmp, **arrays))
        except OSError:
            logger.warning("could not save segment %s", path, exc_info=True)
        return parts

    def _read_merged(self, folder: Path, index: LexicalIndex) -> bool:
        if not folder.is_dir():
            return False
        try:
            for name in _FIELDS:
                a = {k: np.load(folder / f"{name}.{k}.npy", mmap_mode="r", allow_pickle=False) for k in _INDEX_ARRAYS}
                getattr(index, name).load_arrays(a["terms"], a["data"], a["indices"], a["indptr"], int(a["n"]))
            return True
        except Exception:
            logger.warning("merged lexical index %s is unreadable; rebuilding it", folder.name, exc_info=True)
            return False

    def _write_merged(self, folder: Path, index: LexicalIndex) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".merged-", dir=folder.parent))
        try:
            for name in _FIELDS:
                for key, array in getattr(index, name).arrays().items():
                    np.save(tmp / f"{name}.{key}.npy", np.asarray(array), allow_pickle=False)
            with contextlib.suppress(OSError):  # another process wrote the same index first
                os.rename(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        # The index just built stays in memory; later starts memory-map the saved copy.

    def _prune(self, keys: list[tuple[str, str, int]], keep: str) -> None:
        """Delete merged indexes other than `keep` and segments of documents no longer indexed."""
        assert self.folder is not None
        wanted = {self._segment_path(d, h).name for d, h, _n in keys}
        for path in self.folder.glob("merged-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
        for path in (self.folder / "segments").glob("*.npz"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _fingerprint(keys: list[tuple[str, str, int]]) -> str:
    h = hashlib.sha1(f"v{SEGMENT_VERSION}".encode())
    for doc_id, content_hash, count in keys:
        h.update(f"\n{doc_id}\t{content_hash}\t{count}".encode())
    return h.hexdigest()[:20]


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
