"""The audit trail: admin actions and refused accesses as JSON lines (data_dir/audit.jsonl).

Each entry says who (a key id derived from the API key, never the key), what, on what, with what
outcome, when, and the request id that ties it to the access log. The file is append-only;
`GET /api/admin/audit` and `paragraf audit` read it back, newest first.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from core import jsonl

ANONYMOUS = "anonym"
ACTIONS = (
    "document.upload", "document.delete", "document.ingest", "feedback.export", "audit.read",
    "access.refused", "admin.refused",
)


def key_id(key: str | None) -> str:
    """A stable, non-reversible id for an API key ('key:' + 12 hex digits of its SHA-256)."""
    if not key:
        return ANONYMOUS
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def cli_user() -> str:
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name (containers): still say it came from the CLI
        return "cli"


class AuditEntry(BaseModel):
    time: str = Field(description="UTC, ISO 8601.")
    who: str = Field(description="Key id ('key:…'), 'anonym', or 'cli:<user>' for the command line.")
    action: str = Field(description="One of: " + ", ".join(ACTIONS) + ".")
    target: str = Field("", description="Document id, paragraph id, file name or path acted on.")
    outcome: str = Field("", description="e.g. added, updated, removed, not_found, refused.")
    request_id: str = Field("", description="The X-Request-ID of the HTTP request ('' from the CLI).")
    details: dict = Field(default_factory=dict)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def record(self, who: str, action: str, target: str = "", outcome: str = "", request_id: str = "",
               **details) -> AuditEntry:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        entry = AuditEntry(
            time=datetime.now(UTC).isoformat(timespec="milliseconds"), who=who, action=action,
            target=target, outcome=outcome, request_id=request_id, details=details,
        )
        jsonl.append(self.path, entry.model_dump())
        return entry

    def read(self, limit: int = 100, offset: int = 0, action: str | None = None,
             who: str | None = None) -> list[AuditEntry]:
        """Entries newest first, optionally only one action or one caller."""
        entries = []
        for line in jsonl.lines(self.path):
            try:
                entry = AuditEntry(**json.loads(line))
            except (ValueError, TypeError):
                continue  # a damaged line is skipped, the rest still reads
            if (action is None or entry.action == action) and (who is None or entry.who == who):
                entries.append(entry)
        entries.reverse()
        return entries[offset:offset + limit]
