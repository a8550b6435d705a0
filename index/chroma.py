"""The Chroma side of the paragraph index: opening the collection (embedded or `chroma run`),
reading documents back, and the generation counter with its change log in the collection metadata."""

from __future__ import annotations

import json
import logging
import time
from typing import Protocol

from core import prompts
from core.models import DocumentMeta, Paragraph
from core.settings import Settings
from index.embedders import Embedder
from index.faults import STORE, DependencyUnavailable, is_store_fault
from index.segments import StoredDocument

logger = logging.getLogger(__name__)


class ModelName(Protocol):
    """What the collection records of the embedder (a restore knows only these)."""

    name: str
    dim: int

SCHEMA_VERSION = 1
PARAGRAPH_KEYS = ("paragraph_id", "doc_id", "ordinal", "page", "section", "kind")
_DOC_KEYS = tuple(k for k in DocumentMeta.model_fields if k != "doc_id")
_GET_BATCH = 5000
# Writes remembered in the collection metadata (generation, doc_id), for incremental reloads.
CHANGE_LOG = 256


def connect(settings: Settings, fresh: bool = True):
    """The Chroma client of the configured store: a `chroma run` server when chroma_host is set,
    else the embedded store in chroma_dir (created if missing). `fresh=False` keeps this
    process's cached embedded system, for a reader beside a writer that is still using it."""
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
            settings=chroma_settings,
        )
    # Chroma caches one system per folder and process, whose vector segment readers do
    # not see writes made by other processes since it started; always start afresh.
    if fresh:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def open_collection(settings: Settings, embedder: Embedder | ModelName):
    """(client, collection): a Chroma server when chroma_host is set, else the embedded store."""
    client = connect(settings)
    # embedding_function=None: Chroma must never run (or download) its default model.
    collection = client.get_or_create_collection(
        settings.collection,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"paragraf_schema": SCHEMA_VERSION, "embedder": embedder.name,
                  "dim": embedder.dim, "generation": 0},
    )
    return client, collection


def open_with_retry(settings: Settings, embedder: Embedder):
    """open_collection; a Chroma server that is not up yet is waited for (with a message each
    try) for store_connect_timeout_s, then `DependencyUnavailable`."""
    deadline = None  # counted from the first failure (importing chromadb alone can take seconds)
    wait = 0.5
    while True:
        try:
            return open_collection(settings, embedder)
        except Exception as exc:
            if not settings.chroma_host or not is_store_fault(exc):
                raise
            deadline = deadline or time.monotonic() + settings.store_connect_timeout_s
            left = deadline - time.monotonic()
            where = f"{settings.chroma_host}:{settings.chroma_port}"
            if left <= 0:
                raise DependencyUnavailable(
                    STORE, prompts.STORE_UNREACHABLE_AT_START.format(
                        where=where, seconds=round(settings.store_connect_timeout_s)),
                ) from exc
            wait = min(wait * 2, 5.0, left)
            logger.warning("Chroma at %s is not answering (%s); trying again in %.1f s", where, exc, wait)
            time.sleep(wait)


def changes_between(client, name: str, since: int, generation: int) -> set[str] | None:
    """Documents written after generation `since` up to `generation`, from the change log in
    the collection metadata; None when the log does not reach back that far."""
    if since == generation:
        return set()
    if since > generation:
        return None
    meta = client.get_collection(name, embedding_function=None).metadata or {}
    try:
        log = {int(g): d for g, d in json.loads(meta.get("changes", "[]"))}
    except (TypeError, ValueError):
        return None
    wanted = range(since + 1, generation + 1)
    if any(g not in log for g in wanted):
        return None
    return {log[g] for g in wanted}


def read_documents(collection, where: dict | None) -> tuple[dict[str, StoredDocument], set[str]]:
    """Documents read from Chroma (all, or those `where` selects): the complete ones, and the
    ids of half-written ones (a writer died mid-document: never served; the next ingest
    rewrites it)."""
    rows: list[tuple[Paragraph, DocumentMeta]] = []
    offset = 0
    while True:
        got = collection.get(where=where, include=["documents", "metadatas"], limit=_GET_BATCH, offset=offset)
        for text, md in zip(got["documents"], got["metadatas"]):
            paragraph = Paragraph(text=text or "", **{k: md[k] for k in PARAGRAPH_KEYS if k in md})
            doc = DocumentMeta(doc_id=md["doc_id"], **{k: md[k] for k in _DOC_KEYS if k in md})
            rows.append((paragraph, doc))
        if len(got["ids"]) < _GET_BATCH:
            break
        offset += _GET_BATCH
    rows.sort(key=lambda r: (r[0].doc_id, r[0].ordinal))
    grouped: dict[str, tuple[DocumentMeta, list[Paragraph], set[str]]] = {}
    for paragraph, doc in rows:
        entry = grouped.setdefault(doc.doc_id, (doc, [], set()))
        entry[1].append(paragraph)
        entry[2].add(doc.content_hash)
    complete, broken = {}, set()
    for doc_id, (meta, paragraphs, hashes) in grouped.items():
        if hashes == {meta.content_hash} and len(paragraphs) == meta.paragraph_count:
            complete[doc_id] = StoredDocument(meta, paragraphs)
        else:
            logger.warning("document %s is incomplete in the index (hidden until re-ingested)", doc_id)
            broken.add(doc_id)
    return complete, broken


def bump(client, collection, name: str, doc_id: str) -> int:
    """Move to the next generation, with `doc_id` in the change log other processes (and this
    one's next start) read to fetch only what changed; returns the new generation."""
    meta = dict(client.get_collection(name, embedding_function=None).metadata or {})
    generation = int(meta.get("generation", 0)) + 1
    try:
        log = json.loads(meta.get("changes", "[]"))
    except (TypeError, ValueError):
        log = []
    meta["changes"] = json.dumps(([*log, [generation, doc_id]])[-CHANGE_LOG:])
    meta["generation"] = generation
    collection.modify(metadata=meta)
    return generation
