"""Dump the citable paragraphs of documents as ingest sees them (parse only, no embedding).

Used to write gold questions (every `contains` snippet must lie inside one paragraph) and to read
what a document became::

    python -m evals.paragraphs ../shared/corpus-external --output paragraphs.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.extract import IngestError
from ingest.parse import parse_file
from ingest.pipeline import collect_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, help="JSONL file (default: stdout)")
    args = parser.parse_args(argv)
    files, _ = collect_files(args.paths)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for path in files:
            try:
                parsed = parse_file(path)
            except IngestError as exc:
                print(f"skipped {path}: {exc}", file=sys.stderr)
                continue
            meta = parsed.meta.model_dump(exclude={"content_hash"})
            out.write(json.dumps({"document": meta}, ensure_ascii=False) + "\n")
            for p in parsed.paragraphs:
                row = {"source": path.name, **p.model_dump(exclude={"doc_id"})}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
