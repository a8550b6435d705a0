"""Who is calling: an API key maps to the access labels the caller may see."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import HTTPException, Request

from assistant.service import Hidden
from core import prompts
from core.audit import ANONYMOUS, AuditLog, key_id
from core.settings import Settings

T = TypeVar("T")

ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    labels: frozenset[str]
    admin: bool = False
    key_given: bool = False
    key_id: str = ANONYMOUS  # for the audit log: derived from the key, never the key
    request_id: str = ""


def api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    return key or None


def identify(settings: Settings, key: str | None, request_id: str = "") -> Caller:
    """The caller behind `key` (anonymous when None); raises 401 for an unknown key."""
    anonymous = frozenset(settings.anonymous_labels)
    if key is None:
        return Caller(labels=anonymous, request_id=request_id)
    for known, labels in settings.api_keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            granted = frozenset(labels) | anonymous
            return Caller(labels=granted - {ADMIN}, admin=ADMIN in granted, key_given=True,
                          key_id=key_id(key), request_id=request_id)
    raise HTTPException(401, prompts.API_KEY_INVALID, headers={"WWW-Authenticate": "Bearer"})


def require_admin(caller: Caller, log: AuditLog, target: str) -> None:
    """401/403 for a caller without the admin label; the refusal goes to the audit log."""
    if not caller.admin:
        log.record(caller.key_id, "admin.refused", target, "refused", caller.request_id)
        raise HTTPException(403 if caller.key_given else 401, prompts.ADMIN_REQUIRED)


def refuse_hidden(caller: Caller, log: AuditLog, target: str) -> None:
    """Record that `caller` asked for something that exists but is not theirs to see (the
    caller gets the same 404 as for something missing)."""
    log.record(caller.key_id, "access.refused", target, "refused", caller.request_id)


def lookup(caller: Caller, log: AuditLog, target: str, not_found: str, find: Callable[[], T | None]) -> T:
    """`find()` (a `Paragraf` read that takes the caller's labels), or 404 with the Swedish
    `not_found` message, which is also what a caller gets for something hidden from them (the
    refusal is recorded in the audit log)."""
    try:
        found = find()
    except Hidden:
        refuse_hidden(caller, log, target)
        found = None
    if found is None:
        raise HTTPException(404, not_found)
    return found
