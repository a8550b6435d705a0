"""Bulk ingest against its physical floor: the embedder's own time on the same texts.

Ingests a corpus into a fresh data folder (fresh embedding cache) with `--workers` parser
processes, then times the embedder alone on exactly the texts that ingest embedded (each distinct
paragraph and section text once, in batches of embed_batch_size, as the index does). The ratio of
the two is what bulk ingest adds on top of embedding: reading, cleaning, structuring, the
register, the Chroma writes and the lexical segments::

    python -m evals.ingest_speed                       # samples/, settings.ingest_workers
    python -m evals.ingest_speed ../shared/corpus-external --workers 0 1 --output speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def embedding_texts(files: list[Path]) -> list[str]:
    """The distinct texts ingest embeds for these files (paragraphs with their context, and the
    section texts), in the order it meets them."""
    from core.settings import Settings
    from index.store import embedding_text, section_text
    from ingest.extract import IngestError
    from ingest.parse import parse_file

    max_chars = Settings().embed_max_chars
    seen: dict[str, None] = {}
    for path in files:
        try:
            doc = parse_file(path, "public")
        except IngestError:
            continue
        for text in sorted({section_text(doc.meta, p) for p in doc.paragraphs}):
            seen.setdefault(text)
        for p in doc.paragraphs:
            seen.setdefault(embedding_text(doc.meta, p, max_chars))
    return list(seen)


def run(corpus: list[Path], workers: int) -> dict:
    from assistant.service import Paragraf
    from core.settings import Settings
    from ingest.pipeline import collect_files, ingest_paths

    with tempfile.TemporaryDirectory(prefix="paragraf-ingest-speed-") as tmp:
        os.environ["PARAGRAF_DATA_DIR"] = tmp
        settings = Settings()
        app = Paragraf(settings)
        app.embedder.embed_passages(["uppvärmning"])  # model loaded and warm before the clock starts
        t0 = time.perf_counter()
        report = ingest_paths(corpus, app.index, workers=workers)
        ingest_s = time.perf_counter() - t0
        files, _ = collect_files(corpus)
        texts = embedding_texts(files)
        size = settings.embed_batch_size
        t0 = time.perf_counter()
        for i in range(0, len(texts), size):
            app.embedder.embed_passages(texts[i: i + size])
        embed_s = time.perf_counter() - t0
    return {
        "workers": workers, "embedder": app.embedder.name, "files": len(files),
        "documents": report.count("added"), "skipped": len(report.skipped), "pages": report.pages,
        "paragraphs": report.paragraphs, "texts_embedded": len(texts),
        "ingest_s": round(ingest_s, 2), "embedder_only_s": round(embed_s, 2),
        "ratio": round(ingest_s / embed_s, 3) if embed_s else None,
        "pages_per_s": round(report.pages / ingest_s, 2) if ingest_s else None,
        "embedding_inside_ingest_s": round(report.embed_seconds, 2),
        "parse_cpu_s": round(report.parse_seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="*", default=[REPO / "samples"])
    parser.add_argument("--workers", type=int, nargs="+", default=None,
                        help="parser processes to compare (default: settings.ingest_workers)")
    parser.add_argument("--output", type=Path, default=None, help="write the runs as JSON here")
    args = parser.parse_args(argv)
    if args.workers is None:
        from core.settings import Settings

        args.workers = [Settings().ingest_workers]
    runs = [run(args.corpus, w) for w in args.workers]
    print("| workers | pages | paragraphs | ingest s | embedder alone s | ratio | pages/s |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        print(f"| {r['workers']} | {r['pages']} | {r['paragraphs']} | {r['ingest_s']} | {r['embedder_only_s']} "
              f"| {r['ratio']} | {r['pages_per_s']} |")
    print(f"machine: {os.cpu_count()} cores; embedder {runs[0]['embedder']}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({"runs": runs, "cores": os.cpu_count()}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
