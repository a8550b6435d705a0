"""Who is calling: an API key maps to the access labels the caller may see."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

from assistant import prompts
from assistant.settings import Settings

ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    labels: frozenset[str]
    admin: bool = False
    key_given: bool = False


def api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    return key or None


def identify(settings: Settings, key: str | None) -> Caller:
    """The caller behind `key` (anonymous when None); raises 401 for an unknown key."""
    anonymous = frozenset(settings.anonymous_labels)
    if key is None:
        return Caller(labels=anonymous)
    for known, labels in settings.api_keys.items():
        if hmac.compare_digest(known.encode(), key.encode()):
            granted = frozenset(labels) | anonymous
            return Caller(labels=granted - {ADMIN}, admin=ADMIN in granted, key_given=True)
    raise HTTPException(401, prompts.API_KEY_INVALID, headers={"WWW-Authenticate": "Bearer"})


def require_admin(caller: Caller) -> None:
    if not caller.admin:
        raise HTTPException(403 if caller.key_given else 401, prompts.ADMIN_REQUIRED)
