"""The one place that builds and parses identifiers and citation references.

* document id: a readable slug of the file name (or a sidecar's ``doc_id``), e.g. ``rs-plan-2022``.
* paragraph id: ``<doc_id>:p<ordinal>`` with a 1-based ordinal in reading order, so the same file
  always yields the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_PARAGRAPH_ID = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9._-]{0,79}):p(?P<n>[1-9][0-9]{0,6})$")
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "ae", "ø": "o"})


def make_doc_id(name: str) -> str:
    """Slug a file stem or title into a document id: lowercase ASCII, digits, '-', '_' and '.'."""
    text = unicodedata.normalize("NFC", name).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9._-]+", "-", text).strip("-._")
    text = re.sub(r"-{2,}", "-", text)[:80].strip("-._")
    if not text:
        # A name with no usable characters still needs a stable id.
        text = "dok-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return text


def is_doc_id(value: str) -> bool:
    return bool(_DOC_ID.match(value))


def paragraph_id(doc_id: str, ordinal: int) -> str:
    if ordinal < 1:
        raise ValueError("paragraph ordinals start at 1")
    return f"{doc_id}:p{ordinal}"


def parse_paragraph_id(value: str) -> tuple[str, int]:
    """Split ``doc:p12`` into ``("doc", 12)``; raises ValueError on anything else."""
    match = _PARAGRAPH_ID.match(value)
    if not match:
        raise ValueError(f"not a paragraph id: {value!r}")
    return match["doc"], int(match["n"])


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def section_label(section: str) -> str:
    """The top-level part of a section path ('§ 8 Uppdragsdirektiv … › Beslut' -> '§ 8 …')."""
    return section.split(" › ", 1)[0]


def reference(
    *, body: str, organisation: str, doc_type: str, date: str, section: str, page: int, title: str
) -> str:
    """A ready-to-paste Swedish reference, e.g.
    'Regionstyrelsens arbetsutskott, protokoll 2024-01-23, § 8, s. 1'."""
    parts: list[str] = [body or organisation or title]
    kind_date = " ".join(p for p in (doc_type, date) if p)
    if kind_date:
        parts.append(kind_date)
    top = section_label(section)
    paragraph_sign = re.match(r"^§\s*\d+", top)
    if paragraph_sign:
        parts.append(paragraph_sign.group(0))
    elif top:
        parts.append(top)
    parts.append(f"s. {page}")
    return ", ".join(p for p in parts if p)


_RECORD_LETTER = {"decision": "b", "assignment": "u", "target": "m"}
_RECORD_ID = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9._-]{0,79}):(?P<kind>[bum])(?P<key>[0-9]{1,7}(?:-[0-9]{1,3})?)$")


def record_id(doc_id: str, kind: str, key: str | int) -> str:
    """Register record id: ``<doc_id>:b<§ number>`` for a decision (``-2`` when a protocol repeats
    a §), ``<doc_id>:u<n>`` for the n-th assignment, ``<doc_id>:m<n>`` for the n-th target."""
    return f"{doc_id}:{_RECORD_LETTER[kind]}{key}"


def is_record_id(value: str) -> bool:
    return bool(_RECORD_ID.match(value))
