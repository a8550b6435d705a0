"""Check a gold question file against the paragraphs of its documents.

Every supporting snippet must lie inside one paragraph of the document it names (whitespace and
case normalised, as the scorer reads it), and a split file can require that a question file only
cites the documents of its half::

    python -m evals.paragraphs DIR --output paragraphs.jsonl
    python -m evals.gold_check paragraphs.jsonl evals/gold/external-test.jsonl --half test
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from assistant.support import normalize
from evals.gold import load_questions

SPLIT = Path(__file__).parent / "gold" / "external-split.json"


def load_paragraphs(path: Path) -> dict[str, list[str]]:
    """Normalised paragraph texts per source file name (from `python -m evals.paragraphs`)."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "source" in row:
            by_source[row["source"]].append(normalize(row["text"]))
    return by_source


def check(questions_path: Path, paragraphs: dict[str, list[str]], half: str | None = None) -> list[str]:
    """Problems found (empty when the file is sound)."""
    allowed = set(json.loads(SPLIT.read_text())[half]) if half else None
    problems = []
    for q in load_questions(questions_path):
        for s in q.supporting:
            if allowed is not None and s.doc not in allowed:
                problems.append(f"{q.id}: {s.doc} is not in the {half} half")
            texts = paragraphs.get(s.doc)
            if texts is None:
                problems.append(f"{q.id}: unknown document {s.doc}")
            elif not any(normalize(s.contains) in t for t in texts):
                problems.append(f"{q.id}: snippet not inside one paragraph of {s.doc}: {s.contains!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paragraphs", type=Path, nargs="+", help="JSONL dumps from evals.paragraphs, then the gold file")
    parser.add_argument("--half", choices=["tune", "test"])
    args = parser.parse_args(argv)
    *dumps, gold = args.paragraphs
    paragraphs: dict[str, list[str]] = {}
    for dump in dumps:
        paragraphs.update(load_paragraphs(dump))
    problems = check(gold, paragraphs, args.half)
    questions = load_questions(gold)
    kinds = Counter(q.kind if q.answerable else "unanswerable" for q in questions)
    docs = Counter(s.doc for q in questions for s in q.supporting[:1])
    print(f"{len(questions)} questions: {dict(sorted(kinds.items()))}")
    print(f"{len(docs)} documents cited first: {dict(docs)}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
