"""Append-only JSON-lines files (feedback, audit log, job records) shared by several processes."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

_LOCK = threading.Lock()


def append(path: Path, record: dict) -> None:
    """One JSON object as one line, in a single O_APPEND write (so processes on one machine never
    interleave lines), fsynced."""
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def lines(path: Path) -> Iterator[str]:
    """Every complete line (a torn last line, from a crash, is left out)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.endswith("\n") and line.strip():
                yield line
