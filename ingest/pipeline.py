"""Batch ingest: files and folders -> parsed documents -> embedded paragraphs in the index.

Incremental: a file whose content hash is already completely stored is skipped; a changed file
replaces its paragraphs. A bad file is reported and skipped; the rest of the batch and the index
survive. The slow step (embedding) runs before the old version is touched.

Bulk ingest: with `workers` > 0 (settings.ingest_workers) files are read, cleaned and structured in
a pool of processes a few files ahead of the embedder, which runs in this process; documents are
still written one at a time, in order. Stopping (or kill -9) and starting again continues where it
was: stored documents are skipped by their content hash, and the paragraphs of a half-embedded
document come back from the embedding cache.
"""

from __future__ import annotations

import filecmp
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.models import ParsedDocument
from index.store import ParagraphIndex
from ingest.extract import IngestError, is_supported, split_text_pages
from ingest.parse import parse_file

logger = logging.getLogger(__name__)
_FOLDER_NOTES = {"README.md", "SOURCES.md", "LICENSE", "LICENSE.md"}


@dataclass
class FileResult:
    path: str
    status: str  # "added" | "updated" | "unchanged" | "skipped"
    doc_id: str = ""
    paragraphs: int = 0
    pages: int = 0
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0
    parse_seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def paragraphs(self) -> int:
        return sum(f.paragraphs for f in self.files if f.status in ("added", "updated"))

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status in ("added", "updated"))

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Expand folders recursively. Unsupported or missing paths become 'skipped' results."""
    files: list[Path] = []
    problems: list[FileResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                # Sidecars, hidden files and a folder's README/SOURCES describe the corpus.
                if child.name.endswith(".meta.json") or child.name.startswith("."):
                    continue
                if child.name in _FOLDER_NOTES:
                    continue
                if is_supported(child):
                    files.append(child)
                else:
                    problems.append(FileResult(str(child), "skipped", message="Filtypen stöds inte."))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(FileResult(str(path), "skipped", message="Filen eller mappen finns inte."))
    return files, problems


def count_pages(path: Path) -> int:
    """Pages of a file, cheaply (PDF page tree; text files: form-feed pages); 0 when unreadable."""
    try:
        if path.suffix.lower() == ".pdf":
            from pypdf import PdfReader

            return len(PdfReader(str(path)).pages)
        return len(split_text_pages(path.read_text(encoding="utf-8", errors="replace")))
    except Exception:  # noqa: BLE001 - the ingest itself reports what is wrong with the file
        return 0


def _parse_timed(path: Path, visibility: str) -> tuple[ParsedDocument | None, str, str, float]:
    """parse_file in a worker process: (document or None, Swedish message, detail, seconds)."""
    t0 = time.perf_counter()
    try:
        return parse_file(path, visibility), "", "", time.perf_counter() - t0
    except IngestError as exc:
        return None, exc.message, exc.detail, time.perf_counter() - t0


def _exit_with_parent(parent: int, interval_s: float = 1.0) -> None:
    """Pool worker initializer: exit when the process that started the pool is gone. A worker holds
    both ends of its task queue's pipe, so it never sees end-of-file when its parent is killed
    (kill -9 of an ingest job) and would otherwise wait, and hold its memory, forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """Parser processes. spawn: the parent holds the embedder's and Chroma's threads, which a
    forked child must not inherit. Workers exit when the pool's process dies."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent, initargs=(os.getpid(),),
    )


def parsed_in_order(files: list[Path], visibility: str, workers: int) -> Iterator[tuple[Path, ParsedDocument | IngestError, float]]:
    """(path, parsed document or the IngestError, parse seconds) for each file, in order; with
    workers > 0 parsed in that many processes, at most 2 × workers files ahead of the consumer."""
    if workers <= 0 or len(files) < 2:
        for path in files:
            doc, message, detail, seconds = _parse_timed(path, visibility)
            yield path, doc if doc is not None else IngestError(message, detail), seconds
        return
    with parse_pool(workers) as pool:
        queue: deque[tuple[Path, Future]] = deque()
        todo = iter(files)

        def submit() -> None:
            path = next(todo, None)
            if path is not None:
                queue.append((path, pool.submit(_parse_timed, path, visibility)))

        for _ in range(2 * workers):
            submit()
        while queue:
            path, future = queue.popleft()
            submit()
            doc, message, detail, seconds = future.result()
            yield path, doc if doc is not None else IngestError(message, detail), seconds


def original_path(files_dir: Path, doc_id: str, source: str) -> Path:
    """Where the copy of an ingested original lives (served to readers at the cited page)."""
    return files_dir / f"{doc_id}{Path(source).suffix.lower()}"


def keep_original(path: Path, doc_id: str, files_dir: Path) -> None:
    """Copy the original next to the index (write to a temporary name, then rename: a reader
    never sees half a file). Older copies of the document under another extension are removed."""
    target = original_path(files_dir, doc_id, path.name)
    files_dir.mkdir(parents=True, exist_ok=True)
    if not (target.exists() and filecmp.cmp(path, target, shallow=False)):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    for other in files_dir.glob(f"{doc_id}.*"):
        if other != target and other.stem == doc_id:
            other.unlink(missing_ok=True)


def remove_original(doc_id: str, files_dir: Path) -> None:
    for stored in files_dir.glob(f"{doc_id}.*"):
        if stored.stem == doc_id:
            stored.unlink(missing_ok=True)


def ingest_paths(
    paths: Iterable[Path],
    index: ParagraphIndex,
    progress: Callable[[Path], None] | None = None,
    visibility: str = "public",
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders; `visibility` labels documents whose sidecar sets none; `workers`
    parser processes (default settings.ingest_workers; 0 parses here, between embeddings)."""
    started = time.perf_counter()
    paths = list(paths)
    files, problems = collect_files(paths)
    report = IngestReport(files=list(problems))
    seen: dict[str, str] = {}
    workers = index.settings.ingest_workers if workers is None else workers
    for path, parsed, parse_seconds in parsed_in_order(files, visibility, workers):
        report.parse_seconds += parse_seconds
        try:
            if isinstance(parsed, IngestError):
                raise parsed
            meta = parsed.meta
            if meta.doc_id in seen and seen[meta.doc_id] != str(path):
                raise IngestError(
                    f"Dokument-id {meta.doc_id!r} används redan av {seen[meta.doc_id]}; "
                    "ange ett eget doc_id i en metadatafil.",
                    "duplicate doc_id in batch",
                )
            seen[meta.doc_id] = str(path)
            stored = index.stored_hash(meta.doc_id)
            snap = index.snapshot()
            existed = meta.doc_id in snap.documents or meta.doc_id in snap.incomplete
            if stored == meta.content_hash:
                keep_original(path, meta.doc_id, index.settings.files_dir)
                report.files.append(FileResult(str(path), "unchanged", meta.doc_id))
                continue
            t0 = time.perf_counter()
            vectors = index.embed(parsed)
            report.embed_seconds += time.perf_counter() - t0
            keep_original(path, meta.doc_id, index.settings.files_dir)
            index.replace_document(parsed, vectors)
            report.files.append(
                FileResult(
                    str(path), "updated" if existed else "added", meta.doc_id,
                    len(parsed.paragraphs), meta.pages,
                )
            )
        except IngestError as exc:
            logger.warning("skipped %s: %s", path, exc)
            report.files.append(FileResult(str(path), "skipped", message=str(exc)))
        finally:
            if progress:
                progress(path)
    if report.count("added") or report.count("updated"):
        # Merge the batch's segments into the saved BM25 index now, once per batch, so the next
        # start (or a server reading this folder) memory-maps it instead of merging.
        _ = index.snapshot(force=True).lexical
    report.seconds = time.perf_counter() - started
    return report
