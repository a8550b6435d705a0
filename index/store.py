"""Paragraph index: llama-index's ChromaVectorStore over an embedded or client/server Chroma.

Chroma is the single source of truth: every paragraph is one node carrying its text, its vector and
its document's metadata. The document catalogue is read from Chroma and the lexical (BM25) index is
assembled from per-document segments saved in data_dir (`index.lexical_store`; memory-mapped when
nothing changed), so several API processes can serve one Chroma server. A `generation` counter in the
collection metadata tells other processes when to reload.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from assistant.ids import parse_paragraph_id, section_label
from assistant.models import DocumentMeta, Paragraph, ParsedDocument
from assistant.settings import Settings
from index.cache import CachedEmbedder, EmbeddingCache
from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.lexical_store import LexicalStore
from index.register import Register

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_PARAGRAPH_KEYS = ("paragraph_id", "doc_id", "ordinal", "page", "section", "kind")
_DOC_KEYS = tuple(k for k in DocumentMeta.model_fields if k != "doc_id")
_GET_BATCH = 5000
# A scope covering at least this share of the paragraphs is searched unfiltered and cut afterwards.
POST_FILTER_SHARE = 0.2


class IndexMismatchError(RuntimeError):
    """The index was built with another embedder (vectors from two spaces must never mix)."""


@dataclass
class Snapshot:
    """In-memory view of the collection: paragraphs, documents and the lexical index."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    documents: dict[str, DocumentMeta] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # doc_id -> [start, end) positions
    lexical: LexicalIndex = field(default_factory=LexicalIndex)
    complete: dict[str, str] = field(default_factory=dict)  # doc_id -> content hash, when whole
    incomplete: list[str] = field(default_factory=list)  # half-written documents (hidden)
    generation: int = -1
    section_vectors: dict[str, np.ndarray] | None = None  # filled on first use
    register: Register | None = None  # decisions, assignments, targets; built on first use


def embedding_text(meta: DocumentMeta, paragraph: Paragraph, max_chars: int) -> str:
    """What the embedder sees: document title, nearest section and the paragraph."""
    top = section_label(paragraph.section)
    heading = paragraph.section.split(" › ")[-1] if paragraph.section else ""
    parts = [meta.title, top, heading if heading != top else ""]
    prefix = ". ".join(p for p in parts if p)
    return (f"{prefix}: {paragraph.text}" if prefix else paragraph.text)[:max_chars]


def section_text(meta: DocumentMeta, paragraph: Paragraph) -> str:
    """What a paragraph's section is about: its document title and section path. Embedded once per
    distinct section (through the embedding cache), so a question can meet the § title even when
    the paragraph itself only says 'Ärendet återremitteras'."""
    return f"{meta.title}. {paragraph.section}" if paragraph.section else meta.title


def lexical_text(meta: DocumentMeta, paragraph: Paragraph) -> str:
    return f"{meta.title} {paragraph.section} {paragraph.text}"


class ParagraphIndex:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._connect()
        meta = self._collection.metadata or {}
        recorded = meta.get("embedder")
        if recorded and recorded != embedder.name:
            raise IndexMismatchError(
                f"Indexet byggdes med inbäddningsmodellen {recorded!r} men {embedder.name!r} är "
                "vald. Välj samma modell, eller en annan datamapp/samling och läs in dokumenten igen."
            )
        self._cache = (
            EmbeddingCache(settings.embedding_cache_path, embedder.name, embedder.dim)
            if settings.embedding_cache else None
        )
        self.lexical_store = LexicalStore(settings.data_dir / "lexical" / settings.collection)
        self._own_generation = -1  # the last generation this process wrote
        self._lock = threading.RLock()
        self._snapshot = Snapshot()
        self._checked_at = 0.0

    def _connect(self) -> None:
        import chromadb
        from llama_index.vector_stores.chroma import ChromaVectorStore

        settings = self.settings
        chroma_settings = chromadb.Settings(anonymized_telemetry=False)
        if settings.chroma_host:
            self._client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                settings=chroma_settings,
            )
        else:
            # Chroma caches one system per folder and process, whose vector segment readers do
            # not see writes made by other processes since it started; always start afresh.
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            settings.chroma_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(settings.chroma_dir), settings=chroma_settings
            )
        # embedding_function=None: Chroma must never run (or download) its default model.
        self._collection = self._client.get_or_create_collection(
            settings.collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"paragraf_schema": SCHEMA_VERSION, "embedder": self.embedder.name,
                      "dim": self.embedder.dim, "generation": 0},
        )
        self.vector_store = ChromaVectorStore(chroma_collection=self._collection)

    def _reopen(self) -> None:
        """The embedded store was written by another process (e.g. `paragraf ingest` beside a
        running `paragraf serve`): reconnect so the vector segments are read afresh."""
        if not self.settings.chroma_host:
            logger.info("index changed by another process: reopening the embedded store")
            self._connect()

    # ------------------------------------------------------------------ reading
    def _generation(self) -> int:
        coll = self._client.get_collection(self.settings.collection, embedding_function=None)
        return int((coll.metadata or {}).get("generation", 0))

    def snapshot(self, force: bool = False) -> Snapshot:
        """The current in-memory view, reloaded when another process changed the collection."""
        with self._lock:
            now = time.monotonic()
            if not force and self._snapshot.generation >= 0 and (
                now - self._checked_at < self.settings.refresh_interval_s
            ):
                return self._snapshot
            self._checked_at = now
            generation = self._generation()
            if force or generation != self._snapshot.generation:
                if generation != self._own_generation and self._snapshot.generation >= 0:
                    self._reopen()
                self._snapshot = self._load(generation)
            return self._snapshot

    def _load(self, generation: int) -> Snapshot:
        started = time.perf_counter()
        snap = Snapshot(generation=generation)
        rows: list[tuple[Paragraph, DocumentMeta]] = []
        offset = 0
        while True:
            got = self._collection.get(
                include=["documents", "metadatas"], limit=_GET_BATCH, offset=offset
            )
            for text, md in zip(got["documents"], got["metadatas"]):
                paragraph = Paragraph(
                    text=text or "", **{k: md[k] for k in _PARAGRAPH_KEYS if k in md}
                )
                doc = DocumentMeta(doc_id=md["doc_id"], **{k: md[k] for k in _DOC_KEYS if k in md})
                rows.append((paragraph, doc))
            if len(got["ids"]) < _GET_BATCH:
                break
            offset += _GET_BATCH
        rows.sort(key=lambda r: (r[0].doc_id, r[0].ordinal))
        hashes: dict[str, set[str]] = {}
        counts: dict[str, int] = {}
        metas: dict[str, DocumentMeta] = {}
        for _paragraph, doc in rows:
            metas.setdefault(doc.doc_id, doc)
            hashes.setdefault(doc.doc_id, set()).add(doc.content_hash)
            counts[doc.doc_id] = counts.get(doc.doc_id, 0) + 1
        for doc_id, doc in metas.items():
            if hashes[doc_id] == {doc.content_hash} and counts[doc_id] == doc.paragraph_count:
                snap.complete[doc_id] = doc.content_hash
            else:  # a writer died mid-document: never serve it; the next ingest rewrites it
                logger.warning("document %s is incomplete in the index (hidden until re-ingested)", doc_id)
        for paragraph, doc in rows:
            if doc.doc_id in snap.complete:
                snap.position[paragraph.paragraph_id] = len(snap.paragraphs)
                snap.paragraphs.append(paragraph)
                snap.documents.setdefault(doc.doc_id, doc)
        snap.incomplete = sorted(set(metas) - set(snap.complete))
        texts: dict[str, list[str]] = {}
        for pos, p in enumerate(snap.paragraphs):  # sorted by document: each one is a run
            texts.setdefault(p.doc_id, []).append(lexical_text(snap.documents[p.doc_id], p))
            start, _end = snap.rows.get(p.doc_id, (pos, pos))
            snap.rows[p.doc_id] = (start, pos + 1)
        snap.lexical = self.lexical_store.load(
            [(doc_id, snap.complete[doc_id], t) for doc_id, t in texts.items()]
        )
        logger.info(
            "loaded %d paragraphs of %d documents in %.0f ms",
            len(snap.paragraphs), len(snap.documents), 1000 * (time.perf_counter() - started),
        )
        return snap

    def documents(self) -> list[DocumentMeta]:
        snap = self.snapshot()
        return sorted(snap.documents.values(), key=lambda d: (d.organisation, d.date, d.doc_id))

    def document(self, doc_id: str) -> tuple[DocumentMeta, list[Paragraph]] | None:
        snap = self.snapshot()
        meta = snap.documents.get(doc_id)
        if meta is None:
            return None
        return meta, [p for p in snap.paragraphs if p.doc_id == doc_id]

    def paragraph(self, paragraph_id: str) -> tuple[Paragraph, DocumentMeta] | None:
        snap = self.snapshot()
        pos = snap.position.get(paragraph_id)
        if pos is None:
            return None
        paragraph = snap.paragraphs[pos]
        return paragraph, snap.documents[paragraph.doc_id]

    def stored_hash(self, doc_id: str) -> str | None:
        """Content hash of a completely stored document, None when absent or half-written."""
        return self.snapshot(force=True).complete.get(doc_id)

    # ------------------------------------------------------------------ searching
    def dense_search(
        self, query_vector: np.ndarray, top_k: int, doc_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(paragraph_id, cosine similarity), best first; `doc_ids` limits the documents.

        Chroma answers an unfiltered HNSW query in about a millisecond, but a metadata filter
        that matches much of the collection costs a scan (150 ms at 30k paragraphs). So a scope
        that still covers a good share of the paragraphs is searched unfiltered, with the depth
        scaled by that share, and cut to the scope here; a narrow scope is filtered by Chroma.
        Either way the result is the scope's best `top_k` (a short cut falls back to the filter).
        """
        snap = self.snapshot()
        count = len(snap.paragraphs)
        if count == 0 or (doc_ids is not None and not doc_ids):
            return []
        if doc_ids is not None and all(d in doc_ids for d in snap.documents):
            doc_ids = None  # the scope is everything
        if doc_ids is None:
            return self._dense_query(query_vector, min(top_k, count), None)
        scoped = sum(end - start for d in doc_ids for start, end in [snap.rows.get(d, (0, 0))])
        if scoped == 0:
            return []
        share = scoped / count
        if share >= POST_FILTER_SHARE:
            depth = min(count, int(top_k / share * 2) + top_k)
            found = [
                r for r in self._dense_query(query_vector, depth, None) if parse_paragraph_id(r[0])[0] in doc_ids
            ]
            if len(found) >= min(top_k, scoped) or depth >= count:
                return found[:top_k]
        return self._dense_query(query_vector, min(top_k, scoped), {"doc_id": {"$in": sorted(doc_ids)}})

    def _dense_query(self, query_vector: np.ndarray, k: int, where: dict | None) -> list[tuple[str, float]]:
        import chromadb.errors

        def query():
            return self._collection.query(
                query_embeddings=[query_vector.tolist()], n_results=k, where=where, include=["distances"],
            )

        try:
            result = query()
        except chromadb.errors.InternalError:
            # Written by another process since the last check: reconnect once and retry.
            logger.warning("vector query failed; reopening the store and retrying", exc_info=True)
            with self._lock:
                self._reopen()
            result = query()
        # cosine distance = 1 - cos
        return [(pid, 1.0 - float(d)) for pid, d in zip(result["ids"][0], result["distances"][0])]

    def lexical_search(
        self, query: str, top_k: int, doc_ids: set[str] | None = None
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """(paragraph_id, BM25) by stems and by 4-grams, best first; `doc_ids` limits the
        documents inside the scoring (no over-fetching)."""
        snap = self.snapshot()
        rows = None
        if doc_ids is not None:
            rows = np.zeros(len(snap.paragraphs), dtype=bool)
            for doc_id in doc_ids:
                start, end = snap.rows.get(doc_id, (0, 0))
                rows[start:end] = True
        by_stem, by_gram = snap.lexical.search(query, top_k, rows)
        ids = snap.paragraphs
        return (
            [(ids[i].paragraph_id, s) for i, s in by_stem],
            [(ids[i].paragraph_id, s) for i, s in by_gram],
        )

    # ------------------------------------------------------------------ writing
    def embed(self, parsed: ParsedDocument) -> np.ndarray:
        """One vector per paragraph, computed in batches of settings.embed_batch_size."""
        texts = [
            embedding_text(parsed.meta, p, self.settings.embed_max_chars) for p in parsed.paragraphs
        ]
        size = self.settings.embed_batch_size

        def compute(todo: list[str]) -> np.ndarray:
            batches = [self.embedder.embed_passages(todo[i : i + size]) for i in range(0, len(todo), size)]
            return np.concatenate(batches) if batches else np.zeros((0, self.embedder.dim), np.float32)

        if self._cache is None:
            return compute(texts)
        sections = sorted({section_text(parsed.meta, p) for p in parsed.paragraphs})
        self._cache.embed(sections, compute)  # ready for section_vectors() in every reader
        return self._cache.embed(texts, compute)

    def section_vectors(self) -> dict[str, np.ndarray]:
        """Vectors of every section text in the current snapshot (from the embedding cache;
        sections missing there, e.g. ingested by another host, are embedded once)."""
        snap = self.snapshot()
        if snap.section_vectors is None:
            texts = sorted({section_text(snap.documents[p.doc_id], p) for p in snap.paragraphs})
            if self._cache is None:
                vectors = self.embedder.embed_passages(texts) if texts else []
            else:
                vectors = self._cache.embed(texts, self.embedder.embed_passages)
            snap.section_vectors = dict(zip(texts, vectors))
        return snap.section_vectors

    def register(self) -> Register:
        """The decision register of the current snapshot (extracted once per snapshot)."""
        snap = self.snapshot()
        if snap.register is None:
            with self._lock:
                if snap.register is None:
                    snap.register = Register.build(snap.documents, snap.paragraphs)
        return snap.register

    def cached_embedder(self):
        """The embedder with this index's passage cache in front (for other systems that embed
        the same texts, e.g. the evaluation baseline)."""
        return self.embedder if self._cache is None else CachedEmbedder(self.embedder, self._cache)

    def replace_document(self, parsed: ParsedDocument, vectors: np.ndarray) -> None:
        """Swap in a document's paragraphs (old ones removed first: Chroma ignores re-adds).

        A crash between delete and add leaves the document absent or partial; `stored_hash` then
        reports it as not stored and the next ingest writes it again.
        """
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        if len(vectors) != len(parsed.paragraphs):
            raise ValueError("one vector per paragraph expected")
        doc_fields = parsed.meta.model_dump(exclude={"doc_id"})
        nodes = []
        for paragraph, vector in zip(parsed.paragraphs, vectors):
            metadata = {**doc_fields, **paragraph.model_dump(include=set(_PARAGRAPH_KEYS))}
            nodes.append(
                TextNode(
                    id_=paragraph.paragraph_id,
                    text=paragraph.text,
                    metadata=metadata,
                    embedding=[float(x) for x in vector],
                    relationships={
                        NodeRelationship.SOURCE: RelatedNodeInfo(node_id=parsed.meta.doc_id)
                    },
                )
            )
        with self._lock:
            self._delete(parsed.meta.doc_id)
            self.vector_store.add(nodes)
            self._bump()

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            if doc_id not in self.snapshot(force=True).documents:
                return False
            self._delete(doc_id)
            self._bump()
            return True

    def _delete(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

    def _bump(self) -> None:
        meta = dict(self._collection.metadata or {})
        meta["generation"] = self._own_generation = self._generation() + 1
        self._collection.modify(metadata=meta)
        self._checked_at = 0.0
