"""`paragraf backup DEST` and `paragraf restore SRC`: a consistent copy of everything Paragraf
keeps, taken while the server runs, with a SHA-256 manifest that restore checks first.

The Chroma collection is exported logically (ids, texts, metadata and vectors through the Chroma
API), not by copying Chroma's files, which a running writer may be changing. The export is
consistent: writers move the collection's `generation` before and after every write, so an export
taken with an unchanged generation and no half-written document is a true snapshot; otherwise it
is taken again. The same works for an embedded store and for a Chroma server.

Beside the collection: the original files, feedback and audit log (append-only JSON lines: their
complete lines), ingest job records, and the embedding cache (SQLite online backup). Segments and
the BM25 arrays are derived and rebuilt at the first start after a restore.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core import jsonl
from core.settings import Settings
from index import chroma

logger = logging.getLogger(__name__)
FORMAT = 1
_BATCH = 2000
_ATTEMPTS = 5


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (message in Swedish, for the operator)."""


@dataclass
class _ModelStub:  # what chroma.open_collection needs to know of the embedder
    name: str
    dim: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _collection(settings: Settings):
    """(client, collection or None) of the configured store, without creating anything."""
    import chromadb.errors

    if not settings.chroma_host and not (settings.chroma_dir / "chroma.sqlite3").exists():
        return None, None
    client = chroma.connect(settings, fresh=False)  # writers in this process keep their system
    try:
        return client, client.get_collection(settings.collection, embedding_function=None)
    except (chromadb.errors.NotFoundError, ValueError):
        return client, None


def _incomplete(metadatas: list[dict]) -> set[str]:
    """Documents whose rows are not all there (a writer is, or was, in the middle of them)."""
    seen: dict[str, list] = {}
    for md in metadatas:
        entry = seen.setdefault(md["doc_id"], [0, set(), md.get("paragraph_count")])
        entry[0] += 1
        entry[1].add(md.get("content_hash"))
    return {d for d, (n, hashes, expected) in seen.items() if len(hashes) != 1 or n != expected}


def _export(client, collection, name: str) -> tuple[dict, dict]:
    """(collection metadata, rows) at one generation with no half-written document (retried)."""
    for attempt in range(_ATTEMPTS):
        before = client.get_collection(name, embedding_function=None).metadata or {}
        rows: dict[str, list] = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
        offset = 0
        while True:
            got = collection.get(include=["documents", "metadatas", "embeddings"], limit=_BATCH, offset=offset)
            for key in rows:
                rows[key].extend(got[key])
            if len(got["ids"]) < _BATCH:
                break
            offset += _BATCH
        after = client.get_collection(name, embedding_function=None).metadata or {}
        broken = _incomplete(rows["metadatas"])
        if before.get("generation") == after.get("generation") and not broken:
            return after, rows
        logger.info("the index changed during the export (attempt %d); taking it again", attempt + 1)
        time.sleep(0.5 * (attempt + 1))
    if before.get("generation") != after.get("generation"):
        raise BackupError("Indexet ändrades under hela säkerhetskopieringen; försök igen när inläsningen är klar.")
    logger.warning("backing up %d half-written documents as they are (hidden until re-ingested)", len(broken))
    return after, rows


def _complete_lines(src: Path, dst: Path) -> None:
    with dst.open("w", encoding="utf-8") as out:
        for line in jsonl.lines(src):
            out.write(line)


def backup(settings: Settings, dest: Path, say: Callable[[str], None] = print) -> dict:
    """Write a backup of the configured index and data folder into the empty folder `dest`."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Målmappen {dest} är inte tom.")
    client, collection = _collection(settings)
    if collection is None:
        raise BackupError("Det finns inget index att säkerhetskopiera (samlingen "
                          f"{settings.collection!r} finns inte).")
    dest.mkdir(parents=True, exist_ok=True)
    meta, rows = _export(client, collection, settings.collection)
    with (dest / "collection.jsonl").open("w", encoding="utf-8") as out:
        for pid, text, md in zip(rows["ids"], rows["documents"], rows["metadatas"]):
            out.write(json.dumps({"id": pid, "document": text, "metadata": md}, ensure_ascii=False) + "\n")
    vectors = np.asarray(rows["embeddings"], dtype=np.float32).reshape(len(rows["ids"]), -1)
    np.save(dest / "embeddings.npy", vectors)
    (dest / "collection-meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    say(f"Indexet: {len(rows['ids'])} stycken ur {len({m['doc_id'] for m in rows['metadatas']})} dokument.")
    data = settings.data_dir
    if settings.files_dir.is_dir():
        shutil.copytree(settings.files_dir, dest / "files")
    for name in ("feedback.jsonl", "audit.jsonl"):
        if (data / name).exists():
            _complete_lines(data / name, dest / name)
    if (data / "jobs").is_dir():
        shutil.copytree(data / "jobs", dest / "jobs", ignore=shutil.ignore_patterns("lock", "*.tmp"))
    if settings.embedding_cache_path.exists():
        with sqlite3.connect(str(settings.embedding_cache_path), timeout=30) as src, \
                sqlite3.connect(str(dest / "embeddings.sqlite")) as dst:
            src.backup(dst)  # SQLite's online backup: consistent while the server writes
    files = {
        str(p.relative_to(dest)): {"sha256": _sha256(p), "bytes": p.stat().st_size}
        for p in sorted(dest.rglob("*")) if p.is_file()
    }
    manifest = {
        "format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "collection": settings.collection, "embedder": meta.get("embedder"), "dim": meta.get("dim"),
        "generation": meta.get("generation"), "paragraphs": len(rows["ids"]), "files": files,
    }
    # Written last: a folder without manifest.json is an unfinished backup and restore refuses it.
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"Säkerhetskopian är klar: {dest} ({len(files)} filer, kontrollsummor i manifest.json).")
    return manifest


def verify(src: Path) -> dict:
    """The backup's manifest, after checking every file against it (BackupError otherwise)."""
    src = Path(src)
    try:
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} är ingen hel säkerhetskopia (manifest.json saknas eller är trasig).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Okänt format på säkerhetskopian: {manifest.get('format')!r}.")
    for rel, want in manifest["files"].items():
        path = src / rel
        if not path.is_file() or _sha256(path) != want["sha256"]:
            raise BackupError(f"Säkerhetskopian är skadad: {rel} stämmer inte med manifestet.")
    return manifest


def restore(settings: Settings, src: Path, say: Callable[[str], None] = print) -> dict:
    """Restore a verified backup into the configured (empty) collection and data folder."""

    src = Path(src)
    manifest = verify(src)
    _client, existing = _collection(settings)
    if existing is not None and existing.count() > 0:
        raise BackupError(f"Samlingen {settings.collection!r} innehåller redan {existing.count()} stycken; "
                          "återställ till en tom datamapp eller samling.")
    data = settings.data_dir
    taken = [n for n in ("files", "feedback.jsonl", "audit.jsonl", "jobs", "embeddings.sqlite") if (data / n).exists()]
    if taken:
        raise BackupError(f"Datamappen {data} innehåller redan {', '.join(taken)}; återställ till en tom datamapp.")
    meta = json.loads((src / "collection-meta.json").read_text(encoding="utf-8"))
    _client, collection = chroma.open_collection(settings, _ModelStub(meta["embedder"], int(meta["dim"])))
    vectors = np.load(src / "embeddings.npy")
    rows = [json.loads(line) for line in (src / "collection.jsonl").read_text(encoding="utf-8").splitlines()]
    for start in range(0, len(rows), _BATCH):
        part = rows[start:start + _BATCH]
        collection.add(
            ids=[r["id"] for r in part], documents=[r["document"] for r in part],
            metadatas=[r["metadata"] for r in part], embeddings=vectors[start:start + len(part)],
        )
    collection.modify(metadata=meta)  # generation, change log and embedder, as they were
    data.mkdir(parents=True, exist_ok=True)
    for name in ("files", "jobs"):
        if (src / name).is_dir():
            shutil.copytree(src / name, data / name)
    for name in ("feedback.jsonl", "audit.jsonl", "embeddings.sqlite"):
        if (src / name).is_file():
            shutil.copy2(src / name, data / name)
    say(f"Återställt {len(rows)} stycken och {len(manifest['files'])} filer från {src} "
        f"(säkerhetskopia från {manifest['created']}).")
    return manifest
