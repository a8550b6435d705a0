"""Compare guessed document metadata with the hand-checked table (evals/gold/metadata.jsonl).

Per field: right (same as the table, case-insensitive), unknown (nothing guessed), wrong (a value
that is not the table's, including any value where the table says the text does not state it)::

    python -m evals.metadata            # samples/ + ../shared/corpus-external, table per field

Sidecars are ignored: this measures what the guesser makes of a document nobody described.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from ingest.extract import read_document
from ingest.metadata import guess_metadata

REPO = Path(__file__).resolve().parents[1]
TABLE = Path(__file__).parent / "gold" / "metadata.jsonl"
FOLDERS = {"samples": REPO / "samples", "corpus-external": REPO.parent / "shared" / "corpus-external"}
FIELDS = ("title", "organisation", "body", "doc_type", "date")
UNKNOWN = "unknown"


def load_table(path: Path = TABLE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def find(row: dict) -> Path | None:
    folder = FOLDERS[row["folder"]]
    hits = sorted(folder.rglob(row["file"])) if folder.is_dir() else []
    return hits[0] if hits else None


def verdict(field: str, truth: str, guess: str) -> str:
    guess = (guess or "").strip()
    if not guess:
        return "unknown"
    if truth == UNKNOWN:
        return "wrong"
    if field == "title":  # a title is right when one contains the other (subtitles, prefixes)
        a, b = truth.casefold(), guess.casefold()
        return "right" if a in b or b in a else "wrong"
    return "right" if truth.casefold() == guess.casefold() else "wrong"


def compare(rows: list[dict], skip_ocr: bool = False) -> list[dict]:
    """One result per table row: the guesses and a verdict per field."""
    results = []
    for row in rows:
        path = find(row)
        if path is None:
            continue
        if skip_ocr and path.suffix == ".pdf" and "hedersrelaterat" in path.name:
            continue
        raw = read_document(path)
        guessed = guess_metadata(raw.pages, raw.pdf_title)
        results.append({
            "file": row["file"], "folder": row["folder"],
            "fields": {f: {"truth": row[f], "guess": guessed.get(f, ""),
                           "verdict": verdict(f, row[f], guessed.get(f, ""))} for f in FIELDS},
        })
    return results


def summary(results: list[dict]) -> dict[str, Counter]:
    return {f: Counter(r["fields"][f]["verdict"] for r in results) for f in FIELDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the scanned document (slow)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every wrong guess")
    args = parser.parse_args(argv)
    results = compare(load_table(), args.skip_ocr)
    for field, counts in summary(results).items():
        print(f"{field:13s} right {counts['right']:3d}  unknown {counts['unknown']:3d}  wrong {counts['wrong']:3d}")
    if args.verbose:
        for r in results:
            for f, v in r["fields"].items():
                if v["verdict"] != "right":
                    print(f"  {v['verdict']:7s} {r['file'][:40]:40s} {f}: {v['guess']!r} (table: {v['truth']!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
