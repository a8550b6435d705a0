"""The decision register: decisions, assignments and targets of every indexed document.

Built from the index snapshot (paragraphs and document metadata), so it is always consistent with
what can be cited, in embedded and server mode alike, and rebuilt whenever the snapshot changes
(ingest, delete, another process writing). Extraction is regex work over paragraphs: about a
second for 10k paragraphs. Each document version's records are saved beside its lexical segment
(`RegisterFiles`), keyed by the extraction code's own hash, so a restart, another process or a
300k-paragraph archive loads them instead of extracting again; a code change re-extracts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ValidationError

import ingest.assignments
import ingest.decisions
from core.models import AssignmentRecord, DecisionRecord, DocumentMeta, Paragraph, TargetRecord
from index.segments import _atomic
from ingest.assignments import extract_assignments, extract_targets
from ingest.decisions import extract_decisions

logger = logging.getLogger(__name__)
Record = DecisionRecord | AssignmentRecord | TargetRecord
Records = tuple[list[DecisionRecord], list[AssignmentRecord], list[TargetRecord]]


def _code_version() -> str:
    """Hash of the extraction code: records saved by other code are extracted again."""
    digest = hashlib.sha1()
    for module in (ingest.decisions, ingest.assignments):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:12]


def extract_records(meta: DocumentMeta, paragraphs: list[Paragraph]) -> Records:
    """One document's register records (none, logged, when its extraction fails)."""
    ps = sorted(paragraphs, key=lambda p: p.ordinal)
    try:
        return extract_decisions(meta, ps), extract_assignments(meta, ps), extract_targets(meta, ps)
    except Exception:
        logger.exception("register extraction failed for %s", meta.doc_id)
        return [], [], []


class _SavedRecords(BaseModel):
    """The layout of one saved file."""

    decisions: list[DecisionRecord]
    assignments: list[AssignmentRecord]
    targets: list[TargetRecord]


class RegisterFiles:
    """Saved register records, one JSON file per document version, in `folder` (None: nothing saved)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.version = _code_version()

    def path(self, doc_id: str, content_hash: str) -> Path:
        assert self.folder is not None
        key = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16]
        return self.folder / f"{key}-{content_hash[:16]}-{self.version}.json"

    def load(self, doc_id: str, content_hash: str) -> Records | None:
        if self.folder is None:
            return None
        try:  # parsed and validated in pydantic-core (a third faster than json.loads + validate_python)
            saved = _SavedRecords.model_validate_json(self.path(doc_id, content_hash).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None
        return saved.decisions, saved.assignments, saved.targets

    def save(self, doc_id: str, content_hash: str, records: Records) -> None:
        if self.folder is None:
            return
        data = _SavedRecords(decisions=records[0], assignments=records[1], targets=records[2]).model_dump_json().encode()
        try:
            _atomic(self.path(doc_id, content_hash), lambda tmp: Path(tmp).write_bytes(data))
        except OSError as exc:  # a read-only data folder: extract again next time
            logger.warning("register records of %s not saved: %s", doc_id, exc)

    def prune(self, keep: set[tuple[str, str]]) -> None:
        """Delete saved records of document versions not in `keep` (and of older code)."""
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = {self.path(d, h).name for d, h in keep}
        for path in self.folder.glob("*.json"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)


@dataclass
class RegisterQuery:
    """Filters shared by the three lists (empty = no limit)."""

    organisation: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    party: list[str] = field(default_factory=list)
    has_vote: bool | None = None
    has_reservation: bool | None = None
    due_from: date | None = None
    due_to: date | None = None


def _in(value: str, wanted: list[str]) -> bool:
    return not wanted or value.casefold() in {w.casefold() for w in wanted}


def _date_ok(value: str, start: date | None, end: date | None) -> bool:
    if not (start or end):
        return True
    try:
        when = date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat((value + "-01-01")[:10] if len(value) == 4 else value + "-01")
    except ValueError:
        return False
    return not ((start and when < start) or (end and when > end))


def record_text(record: Record) -> str:
    """Everything a free-text filter (`q`) looks through."""
    return " ".join(
        str(v) for v in record.model_dump(exclude={"paragraph_ids", "problems", "record_id"}).values()
    ).casefold()


def parties(record: DecisionRecord) -> set[str]:
    """Parties named anywhere in the decision's votes, reservations, jäv and yrkanden."""
    found: set[str] = set()
    for stance in (*record.reservations, *record.jav, *record.not_participating):
        found.update(stance.parties)
        found.update(p.party for p in stance.people if p.party)
    for vote in record.votes:
        for people in vote.named.values():
            found.update(p.party for p in people if p.party)
    for motion in record.motions:
        found.update(m for m in __import__("re").findall(r"\(([A-ZÅÄÖ]{1,3})\)", motion.text))
    return found


class Register:
    """All records of one snapshot, with the filters of the register API."""

    def __init__(self, decisions: list[DecisionRecord], assignments: list[AssignmentRecord],
                 targets: list[TargetRecord]) -> None:
        self.decisions = decisions
        self.assignments = assignments
        self.targets = targets
        every: list[Record] = [*decisions, *assignments, *targets]
        self._by_id: dict[str, Record] = {r.record_id: r for r in every}
        self._text: dict[str, str] = {}
        # paragraph -> the record it belongs to (a § for decisions; an assignment's own paragraphs)
        self._by_paragraph: dict[str, Record] = {}
        ordered: list[Record] = [*assignments, *decisions]
        for record in ordered:  # a § wins over an assignment stated in it
            for pid in record.paragraph_ids:
                self._by_paragraph[pid] = record
        self._by_number = {(r.doc_id, r.number): r for r in reversed(decisions)}

    @classmethod
    def build(
        cls, documents: dict[str, DocumentMeta], paragraphs: Iterable[Paragraph],
        cache: dict[tuple[str, str], tuple[list, list, list]] | None = None,
        files: RegisterFiles | None = None,
    ) -> Register:
        """Records of every document. `cache` maps (doc_id, content hash) to a document's records
        from an earlier build, so a reload after an ingest extracts only the new documents (it is
        updated in place and keeps only the documents given); `files` keeps them across processes."""
        started = time.perf_counter()
        by_doc: dict[str, list[Paragraph]] = {}
        for p in paragraphs:
            by_doc.setdefault(p.doc_id, []).append(p)
        cache = {} if cache is None else cache
        kept: dict[tuple[str, str], tuple[list, list, list]] = {}
        decisions, assignments, targets = [], [], []
        for doc_id, ps in sorted(by_doc.items()):
            meta = documents[doc_id]
            key = (doc_id, meta.content_hash)
            if key not in cache and files is not None:
                saved = files.load(*key)
                if saved is not None:
                    cache[key] = saved
            if key not in cache:
                cache[key] = extract_records(meta, ps)
                if files is not None:
                    files.save(*key, cache[key])
            kept[key] = cache[key]
            decisions += kept[key][0]
            assignments += kept[key][1]
            targets += kept[key][2]
        cache.clear()
        cache.update(kept)
        if files is not None:
            files.prune(set(kept))
        logger.info(
            "register: %d decisions, %d assignments, %d targets in %.0f ms", len(decisions),
            len(assignments), len(targets), 1000 * (time.perf_counter() - started),
        )
        return cls(decisions, assignments, targets)

    def get(self, record_id: str) -> Record | None:
        return self._by_id.get(record_id)

    def record_for_paragraph(self, paragraph_id: str) -> Record | None:
        return self._by_paragraph.get(paragraph_id)

    def decision_for(self, doc_id: str, number: str) -> DecisionRecord | None:
        return self._by_number.get((doc_id, number))

    def _matches(self, record: Record, query: RegisterQuery) -> bool:
        if not (_in(record.organisation, query.organisation) and _in(record.body, query.body)):
            return False
        if not _date_ok(record.date, query.date_from, query.date_to):
            return False
        if query.q:
            text = self._text.get(record.record_id)
            if text is None:
                text = self._text[record.record_id] = record_text(record)
            if not all(word in text for word in query.q.casefold().split()):
                return False
        if isinstance(record, DecisionRecord):
            if query.has_vote is not None and bool(record.votes) != query.has_vote:
                return False
            if query.has_reservation is not None and bool(record.reservations) != query.has_reservation:
                return False
            if query.party and not {p.casefold() for p in parties(record)} & {p.casefold() for p in query.party}:
                return False
        if isinstance(record, AssignmentRecord) and (query.due_from or query.due_to):
            if not any(_date_ok(d.date, query.due_from, query.due_to) for d in record.deadlines):
                return False
        return True

    def select(self, records: list[Record], query: RegisterQuery, allowed: set[str] | None) -> list[Record]:
        """Records passing the filters whose document the caller may see (None = all)."""
        return [
            r for r in records
            if (allowed is None or r.doc_id in allowed) and self._matches(r, query)
        ]


def _names(people) -> str:
    return ", ".join(f"{p.name} ({p.party})" if p.party else p.name for p in people)


def _stances(stances) -> str:
    return " | ".join(s.text for s in stances)


def to_csv(records: list[Record]) -> str:
    """UTF-8 CSV (with BOM so spreadsheet programs read å/ä/ö), one row per record."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    common = ["id", "organisation", "organ", "datum", "dokument", "avsnitt", "referens", "ofullständig"]
    if not records:
        writer.writerow(common)
        return out.getvalue()
    kind = records[0].kind
    if kind == "decision":
        writer.writerow([*common, "paragraf", "rubrik", "ärendenummer", "beslut", "bifall_till",
                         "omröstningar", "ja", "nej", "avstår", "frånvarande", "röstade_nej",
                         "reservationer", "jäv", "deltar_ej", "återremiss_bordläggning"])
    elif kind == "assignment":
        writer.writerow([*common, "uppdragsgivare", "mottagare", "uppdrag", "tidpunkter", "belopp", "status"])
    else:
        writer.writerow([*common, "mål", "indikator", "utgångsvärde", "utgångsår", "målvärde", "målår",
                         "utfall", "utfallsår", "måluppfyllelse"])
    for r in records:
        row: list[str | int] = [r.record_id, r.organisation, r.body, r.date, r.document_title, r.section, r.reference,
               "ja" if r.partial else "nej"]
        if isinstance(r, DecisionRecord):
            first = r.votes[0] if r.votes else None
            row += [r.number, r.title, r.case_number, " | ".join(p.text for p in r.decision_points),
                    r.adopted.text if r.adopted else "", len(r.votes),
                    *(("" if first is None or v is None else v) for v in
                      ((first.yes, first.no, first.abstain, first.absent) if first else (None,) * 4)),
                    _names(first.named.get("nej", [])) if first else "",
                    _stances(r.reservations), _stances(r.jav), _stances(r.not_participating), r.deferred or ""]
        elif isinstance(r, AssignmentRecord):
            row += [r.giver, r.receiver, r.task.text, " | ".join(d.date for d in r.deadlines),
                    " | ".join(m.text for m in r.money), r.status.text if r.status else ""]
        else:
            row += [r.goal, r.indicator, r.baseline, r.baseline_year, r.target, r.target_year,
                    r.outcome, r.outcome_year, r.fulfilment]
        writer.writerow(row)
    return out.getvalue()
