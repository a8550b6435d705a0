"""Paragraph index: llama-index's ChromaVectorStore over an embedded or client/server Chroma.

Chroma is the single source of truth: every paragraph is one node carrying its text, its vector and
its document's metadata. The in-memory snapshot (document catalogue, paragraphs, BM25) is kept
current through a `generation` counter and a change log in the collection metadata: a reload reads
only the documents written since, so several API processes can serve one Chroma server. Local
segments (`index.segments`) save re-reading and re-tokenising unchanged documents at start-up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from core import prompts
from core.ids import parse_paragraph_id, section_label
from core.models import DocumentMeta, Paragraph, ParsedDocument
from core.settings import Settings
from index import chroma
from index.cache import CachedEmbedder, EmbeddingCache
from index.embedders import Embedder
from index.faults import EMBEDDER, STORE, CircuitBreaker, is_store_fault
from index.lexical import LexicalIndex
from index.register import Register, RegisterFiles, extract_records
from index.segments import Manifest, SegmentStore, StoredDocument
from ingest import progress

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A scope covering at least this share of the paragraphs is searched unfiltered and cut afterwards.
POST_FILTER_SHARE = 0.2
# A dense query fetches this many beyond k, so that paragraphs tied at the k-th place are cut by id.
TIE_MARGIN = 8


class IndexMismatchError(RuntimeError):
    """The index was built with another embedder (vectors from two spaces must never mix)."""


@dataclass
class Snapshot:
    """In-memory view of the collection: paragraphs, documents and the lexical index."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    documents: dict[str, DocumentMeta] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # doc_id -> [start, end) positions
    build_lexical: Callable[[], LexicalIndex] | None = None  # assembles the BM25 index on first use
    complete: dict[str, str] = field(default_factory=dict)  # doc_id -> content hash, when whole
    incomplete: list[str] = field(default_factory=list)  # half-written documents (hidden)
    generation: int = -1
    section_vectors: dict[str, np.ndarray] | None = None  # filled on first use
    register: Register | None = None  # decisions, assignments, targets; built on first use
    _lexical: LexicalIndex | None = None
    _lexical_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, assembled on first use: an ingest batch, which only reads the
        catalogue between its writes, never pays for it."""
        if self._lexical is None:
            with self._lexical_lock:
                if self._lexical is None:
                    self._lexical = self.build_lexical() if self.build_lexical else LexicalIndex()
        return self._lexical


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
        self.breaker = CircuitBreaker(
            STORE, failures=settings.breaker_failures, cooldown_s=settings.breaker_cooldown_s,
            retries=settings.store_retries, backoff_s=settings.store_retry_backoff_s, is_fault=is_store_fault,
        )
        # The embedder runs in-process: a failure is not retried, only counted and short-circuited.
        self.embedder_breaker = CircuitBreaker(
            EMBEDDER, failures=settings.breaker_failures, cooldown_s=settings.breaker_cooldown_s, retries=0,
        )
        self._connect_at_start()
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
        self.segments = SegmentStore(settings.data_dir / "segments" / settings.collection)
        self._register_cache: dict = {}  # (doc_id, content hash) -> that document's register rows (and records without files)
        self._register_files = RegisterFiles(self.segments.folder / "register" if self.segments.folder else None)
        self._own_generation = -1  # the last generation this process wrote
        self._lock = threading.RLock()
        self._snapshot = Snapshot()
        self._checked_at = 0.0

    def _store(self, fn: Callable[[], T]) -> T:
        """A call to Chroma through the circuit breaker: retried with backoff, and
        `DependencyUnavailable` (503 in the API) when the store cannot answer."""
        return self.breaker.call(fn, prompts.STORE_UNAVAILABLE)

    def _connect_at_start(self) -> None:
        self._client, self._collection = chroma.open_with_retry(self.settings, self.embedder)
        self._vector_store: Any = None  # llama-index's writer, created on the first write

    def _connect(self) -> None:
        self._client, self._collection = chroma.open_collection(self.settings, self.embedder)
        self._vector_store = None

    @property
    def vector_store(self):
        """llama-index's ChromaVectorStore over the collection (writes go through it; importing
        llama-index costs seconds, so a server that only reads never pays for it)."""
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self._collection)
        return self._vector_store

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
            generation = self._store(self._generation)
            self._checked_at = now
            # Every write moves the generation (before and after), so an unchanged one means an
            # unchanged index: `force` only skips the refresh interval.
            if generation != self._snapshot.generation:
                if generation != self._own_generation and self._snapshot.generation >= 0:
                    self._reopen()
                self._snapshot = self._store(lambda: self._load(generation))
            return self._snapshot

    @property
    def last_snapshot(self) -> Snapshot:
        """The snapshot in memory, without asking the store whether it is current."""
        return self._snapshot

    @property
    def loaded(self) -> bool:
        """Whether a snapshot (catalogue and paragraphs) is in memory."""
        return self._snapshot.generation >= 0

    def embed_question(self, question: str) -> np.ndarray:
        """The question's vector, through the embedder's circuit breaker."""
        return self.embedder_breaker.call(lambda: self.embedder.embed_query(question), prompts.EMBEDDER_UNAVAILABLE)

    def ping(self) -> None:
        """One cheap round trip to the store (readiness); `DependencyUnavailable` when it fails."""
        self._store(self._client.heartbeat)

    def _load(self, generation: int) -> Snapshot:
        """The snapshot at `generation`: unchanged documents from the previous snapshot (or, at
        start-up, from the local segments the catalogue manifest names), changed ones read from
        Chroma; everything read from Chroma when the change log does not cover the gap."""
        started = time.perf_counter()
        collection_id = str(self._collection.id)
        previous = self._previous(collection_id)
        changed = self._changes(previous[0], generation) if previous else None
        if previous is not None and changed is not None:
            _gen, docs, incomplete = previous
            for doc_id in changed:
                docs.pop(doc_id, None)
            hidden = set(incomplete) - changed
            if changed:
                fresh, broken = self._read({"doc_id": {"$in": sorted(changed)}})
                docs.update(fresh)
                hidden |= broken
            incomplete = sorted(hidden)
            how = f"{len(changed)} changed"
        else:
            docs, broken = self._read(None)
            incomplete = sorted(broken)
            how = "all read"
        snap = Snapshot(generation=generation)
        ordered = [docs[d] for d in sorted(docs)]
        for doc in ordered:
            start = len(snap.paragraphs)
            snap.documents[doc.meta.doc_id] = doc.meta
            snap.complete[doc.meta.doc_id] = doc.meta.content_hash
            for p in doc.paragraphs:
                snap.position[p.paragraph_id] = len(snap.paragraphs)
                snap.paragraphs.append(p)
            snap.rows[doc.meta.doc_id] = (start, len(snap.paragraphs))
        snap.incomplete = sorted(incomplete)
        segments = self.segments
        snap.build_lexical = lambda: segments.lexical(
            ordered, lambda doc: [lexical_text(doc.meta, p) for p in doc.paragraphs]
        )
        self.segments.write_manifest(Manifest(
            collection_id, generation, [(d.meta.doc_id, d.meta.content_hash) for d in ordered], snap.incomplete,
        ))
        logger.info(
            "loaded %d paragraphs of %d documents (%s) in %.0f ms",
            len(snap.paragraphs), len(snap.documents), how, 1000 * (time.perf_counter() - started),
        )
        return snap

    def _previous(self, collection_id: str) -> tuple[int, dict[str, StoredDocument], list[str]] | None:
        """(generation, documents, incomplete) of the last snapshot: in memory, else as the local
        catalogue manifest and segments saved it; None when neither is usable."""
        snap = self._snapshot
        if snap.generation >= 0:
            docs = {
                d: StoredDocument(meta, snap.paragraphs[slice(*snap.rows[d])]) for d, meta in snap.documents.items()
            }
            return snap.generation, docs, list(snap.incomplete)
        manifest = self.segments.read_manifest(collection_id)
        if manifest is None:
            return None
        docs = {}
        for doc_id, content_hash in manifest.documents:
            doc = self.segments.document(doc_id, content_hash)
            if doc is None:
                return None
            docs[doc_id] = doc
        return manifest.generation, docs, manifest.incomplete

    def _changes(self, since: int, generation: int) -> set[str] | None:
        return chroma.changes_between(self._client, self.settings.collection, since, generation)

    def _read(self, where: dict | None) -> tuple[dict[str, StoredDocument], set[str]]:
        return chroma.read_documents(self._collection, where)

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
            return self._dense_query(query_vector, min(top_k, count), None, count)
        scoped = sum(end - start for d in doc_ids for start, end in [snap.rows.get(d, (0, 0))])
        if scoped == 0:
            return []
        share = scoped / count
        if share >= POST_FILTER_SHARE:
            depth = min(count, int(top_k / share * 2) + top_k)
            found = [
                r for r in self._dense_query(query_vector, depth, None, count) if parse_paragraph_id(r[0])[0] in doc_ids
            ]
            if len(found) >= min(top_k, scoped) or depth >= count:
                return found[:top_k]
        return self._dense_query(query_vector, min(top_k, scoped), {"doc_id": {"$in": sorted(doc_ids)}}, scoped)

    def _dense_query(
        self, query_vector: np.ndarray, k: int, where: dict | None, available: int
    ) -> list[tuple[str, float]]:
        """The best `k` of the `available` paragraphs `where` selects. Equal scores (duplicate
        paragraphs) rank in id order, also at the k-th place: HNSW returns ties in no fixed order,
        so a few more than `k` are fetched and the cut is made here, and a run ranks (and
        evaluates) the same as the last whichever path (filtered or cut afterwards) searched."""
        import chromadb.errors

        fetch = min(k + TIE_MARGIN, available)

        def query():
            return self._collection.query(
                query_embeddings=[query_vector.tolist()], n_results=fetch, where=where, include=["distances"],
            )

        def query_or_reopen():
            try:
                return query()
            except chromadb.errors.InternalError:
                if self.settings.chroma_host:
                    raise
                # Written by another process since the last check: reconnect once and retry.
                logger.warning("vector query failed; reopening the store and retrying", exc_info=True)
                with self._lock:
                    self._reopen()
                return query()

        result = self._store(query_or_reopen)
        found = [(pid, 1.0 - float(d)) for pid, d in zip(result["ids"][0], result["distances"][0])]  # 1 - cos
        return sorted(found, key=lambda r: (-r[1], r[0]))[:k]

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
            batches = []
            for i in range(0, len(todo), size):
                batches.append(self.embedder.embed_passages(todo[i : i + size]))
                progress.report(progress.EMBEDDING, min(i + size, len(todo)), len(todo))
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
                vectors: Any = self.embedder.embed_passages(texts) if texts else []
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
                    snap.register = Register.build(snap.documents, snap.paragraphs, self._register_cache,
                                                   self._register_files)
        return snap.register

    def _save_register_records(self, parsed: ParsedDocument) -> None:
        """Extract one written document's register records and save them, so the next reader's
        register loads them instead of extracting (without building the whole archive's register)."""
        if self._register_files.folder is None:
            return
        meta = parsed.meta
        self._register_files.save(meta.doc_id, meta.content_hash, extract_records(meta, parsed.paragraphs))

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
            metadata = {**doc_fields, **paragraph.model_dump(include=set(chroma.PARAGRAPH_KEYS))}
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
        def write() -> None:
            # A generation before and after: a writer killed in between leaves a generation that
            # names the document, so every reader fetches it again (and finds it incomplete).
            self._bump(parsed.meta.doc_id)
            self._delete(parsed.meta.doc_id)
            self.vector_store.add(nodes)
            self._bump(parsed.meta.doc_id)

        with self._lock:
            self._store(write)  # idempotent, so a retry after a fault rewrites the whole document
        self.segments.save(
            StoredDocument(parsed.meta, parsed.paragraphs), [lexical_text(parsed.meta, p) for p in parsed.paragraphs]
        )
        self._save_register_records(parsed)  # every writer (ingest, evals.scale) leaves the records saved

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            if doc_id not in self.snapshot(force=True).documents:
                return False
            def write() -> None:
                self._bump(doc_id)
                self._delete(doc_id)
                self._bump(doc_id)

            self._store(write)
            return True

    def _delete(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

    def _bump(self, doc_id: str) -> None:
        self._own_generation = chroma.bump(self._client, self._collection, self.settings.collection, doc_id)
        self._checked_at = 0.0
