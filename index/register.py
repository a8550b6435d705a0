"""The decision register: decisions, assignments and targets of every indexed document.

Built from the index snapshot (paragraphs and document metadata), so it is always consistent with
what can be cited, in embedded and server mode alike, and rebuilt whenever the snapshot changes
(ingest, delete, another process writing). Extraction is regex work over paragraphs: about a
second for 10k paragraphs. Each document version's records are saved beside its lexical segment
(`RegisterFiles`), keyed by the extraction code's own hash, so a restart, another process or a
300k-paragraph archive loads them instead of extracting again; a code change re-extracts.
In memory the register holds one small `RecordRow` per record (saved too, beside the records) for
the list filters; full records are loaded per document when a page, a lookup or an answer needs them.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ValidationError

import ingest.assignments
import ingest.decisions
from core.ids import parse_paragraph_id
from core.models import AssignmentRecord, DecisionRecord, DocumentMeta, Paragraph, TargetRecord
from index.segments import _atomic
from ingest.assignments import extract_assignments
from ingest.decisions import extract_decisions
from ingest.targets import extract_targets

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
    """Saved register records, one JSON file per document version, in `folder` (None: nothing
    saved), and beside each its rows (`RecordRow`), which is all a new process's register reads."""

    ROW_FORMAT = 1  # bump when RecordRow or record_text changes

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.version = _code_version()

    def path(self, doc_id: str, content_hash: str) -> Path:
        assert self.folder is not None
        key = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16]
        return self.folder / f"{key}-{content_hash[:16]}-{self.version}.json"

    def rows_path(self, doc_id: str, content_hash: str) -> Path:
        return self.path(doc_id, content_hash).with_suffix(f".rows{self.ROW_FORMAT}.json")

    def load(self, doc_id: str, content_hash: str) -> Records | None:
        if self.folder is None:
            return None
        try:  # parsed and validated in pydantic-core (a third faster than json.loads + validate_python)
            saved = _SavedRecords.model_validate_json(self.path(doc_id, content_hash).read_bytes())
        except (OSError, ValueError, ValidationError):
            return None
        return saved.decisions, saved.assignments, saved.targets

    def load_rows(self, doc_id: str, content_hash: str) -> list[RecordRow] | None:
        if self.folder is None:
            return None
        try:
            return [RecordRow.from_json(values) for values in json.loads(self.rows_path(doc_id, content_hash).read_bytes())]
        except (OSError, ValueError, TypeError):
            return None

    def save(self, doc_id: str, content_hash: str, records: Records) -> list[RecordRow]:
        """Save `records` and their rows; returns the rows (computed once for both uses)."""
        rows = rows_of(records)
        if self.folder is None:
            return rows
        data = _SavedRecords(decisions=records[0], assignments=records[1], targets=records[2]).model_dump_json().encode()
        try:  # the records first: rows without their records would send a page to the extractor
            _atomic(self.path(doc_id, content_hash), lambda tmp: Path(tmp).write_bytes(data))
        except OSError as exc:  # a read-only data folder: extract again next time
            logger.warning("register records of %s not saved: %s", doc_id, exc)
            return rows
        self.save_rows(doc_id, content_hash, rows)
        return rows

    def save_rows(self, doc_id: str, content_hash: str, rows: list[RecordRow]) -> None:
        if self.folder is None:
            return
        data = json.dumps([row.to_json() for row in rows], ensure_ascii=False).encode()
        try:
            _atomic(self.rows_path(doc_id, content_hash), lambda tmp: Path(tmp).write_bytes(data))
        except OSError as exc:
            logger.warning("register rows of %s not saved: %s", doc_id, exc)

    def prune(self, keep: set[tuple[str, str]]) -> None:
        """Delete saved records of document versions not in `keep` (and of older code)."""
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = {p.name for d, h in keep for p in (self.path(d, h), self.rows_path(d, h))}
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


_NOT_TEXT = {"record_id", "paragraph_id", "paragraph_ids", "problems", "page", "kind", "visibility", "partial"}


def record_text(record: Record) -> str:
    """Everything a free-text filter (`q`) looks through: every value of the record (each distinct
    string once), casefolded; ids, pages and flags are left out."""
    seen: dict[str, None] = {}

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key not in _NOT_TEXT:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif value is not None and value != "":
            seen.setdefault(str(value), None)

    walk(record.model_dump())
    return " ".join(seen).casefold()


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
        found.update(re.findall(r"\(([A-ZÅÄÖ]{1,3})\)", motion.text))
    return found


@dataclass(frozen=True, slots=True)
class RecordRow:
    """What the list filters and the order of a page need of one record. A register keeps rows,
    not records: a record (with its cited sources) is loaded from its document's saved file when a
    page, an export or an answer asks for it, so a 300k-paragraph archive's register stays small."""

    record_id: str
    kind: str
    doc_id: str
    organisation: str
    body: str
    date: str
    number: str  # the § of a decision ("" otherwise)
    text: str  # record_text
    has_vote: bool = False
    has_reservation: bool = False
    parties: frozenset[str] = frozenset()  # casefolded
    due: tuple[str, ...] = ()  # an assignment's deadlines

    def to_json(self) -> list:
        return [self.record_id, self.kind, self.doc_id, self.organisation, self.body, self.date, self.number,
                self.text, self.has_vote, self.has_reservation, sorted(self.parties), list(self.due)]

    @classmethod
    def from_json(cls, values: list) -> RecordRow:
        record_id, kind, doc_id, organisation, body, date_, number, text, vote, reservation, parties_, due = values
        return cls(record_id, kind, doc_id, organisation, body, date_, number, text, vote, reservation,
                   frozenset(parties_), tuple(due))

    @classmethod
    def of(cls, record: Record) -> RecordRow:
        decision = record if isinstance(record, DecisionRecord) else None
        return cls(
            record_id=record.record_id, kind=record.kind, doc_id=record.doc_id, organisation=record.organisation,
            body=record.body, date=record.date, number=decision.number if decision else "", text=record_text(record),
            has_vote=bool(decision and decision.votes), has_reservation=bool(decision and decision.reservations),
            parties=frozenset(p.casefold() for p in parties(decision)) if decision else frozenset(),
            due=tuple(d.date for d in record.deadlines) if isinstance(record, AssignmentRecord) else (),
        )


def rows_of(records: Records) -> list[RecordRow]:
    return [RecordRow.of(r) for kind in records for r in kind]


@dataclass
class _Document:
    """One document's records, with the lookups answers need."""

    records: Records
    by_id: dict[str, Record] = field(init=False)
    by_paragraph: dict[str, Record] = field(init=False)
    by_number: dict[str, DecisionRecord] = field(init=False)

    def __post_init__(self) -> None:
        decisions, assignments, targets = self.records
        every: list[Record] = [*decisions, *assignments, *targets]
        self.by_id = {r.record_id: r for r in every}
        self.by_paragraph = {}
        ordered: list[Record] = [*assignments, *decisions]
        for record in ordered:  # a § wins over an assignment stated in it
            for pid in record.paragraph_ids:
                self.by_paragraph[pid] = record
        self.by_number = {r.number: r for r in reversed(decisions)}


class Register:
    """All records of one snapshot, as rows for the filters of the register API; full records are
    loaded per document (`load(doc_id)`), the last `cached_documents` kept."""

    KINDS = ("decision", "assignment", "target")

    def __init__(self, rows: Iterable[RecordRow], load: Callable[[str], Records], cached_documents: int = 64) -> None:
        self.rows: dict[str, list[RecordRow]] = {kind: [] for kind in self.KINDS}
        for row in rows:
            self.rows[row.kind].append(row)
        self._by_id = {r.record_id: r for rows_of_kind in self.rows.values() for r in rows_of_kind}
        self._document = functools.lru_cache(maxsize=cached_documents)(lambda doc_id: _Document(load(doc_id)))

    @classmethod
    def build(
        cls, documents: dict[str, DocumentMeta], paragraphs: Iterable[Paragraph],
        cache: dict[tuple[str, str], tuple[list[RecordRow], Records | None]] | None = None,
        files: RegisterFiles | None = None,
    ) -> Register:
        """The register of every document. `cache` maps (doc_id, content hash) to a document's rows
        from an earlier build (and its records where no file keeps them), so a reload after an
        ingest reads only the new documents (it is updated in place and keeps only the documents
        given); `files` keeps the records across processes."""
        started = time.perf_counter()
        by_doc: dict[str, list[Paragraph]] = {}
        for p in paragraphs:
            by_doc.setdefault(p.doc_id, []).append(p)
        cache = {} if cache is None else cache
        kept: dict[tuple[str, str], tuple[list[RecordRow], Records | None]] = {}
        keeps_files = files is not None and files.folder is not None

        def read(key: tuple[str, str]) -> tuple[Records, list[RecordRow] | None]:
            """A document's records, and their rows when they were extracted (and saved) now."""
            saved = files.load(*key) if files is not None else None
            if saved is not None:
                return saved, None
            extracted = extract_records(documents[key[0]], by_doc.get(key[0], []))
            rows = files.save(*key, extracted) if files is not None else rows_of(extracted)
            return extracted, rows

        for doc_id in sorted(by_doc):
            key = (doc_id, documents[doc_id].content_hash)
            if key not in cache:
                rows = files.load_rows(*key) if files is not None else None
                if rows is not None:
                    cache[key] = (rows, None)
                else:
                    records, fresh_rows = read(key)
                    cache[key] = (fresh_rows if fresh_rows is not None else rows_of(records), None if keeps_files else records)
                    if files is not None and fresh_rows is None:  # records saved by code before the rows files
                        files.save_rows(*key, cache[key][0])
            kept[key] = cache[key]
        cache.clear()
        cache.update(kept)
        if files is not None:
            files.prune(set(kept))

        def load(doc_id: str) -> Records:
            meta = documents.get(doc_id)
            if meta is None:
                return [], [], []
            entry = kept.get((doc_id, meta.content_hash))
            if entry is not None and entry[1] is not None:
                return entry[1]
            return read((doc_id, meta.content_hash))[0]

        register = cls((row for rows, _ in kept.values() for row in rows), load)
        logger.info("register: %s in %.0f ms", ", ".join(f"{len(v)} {k}" for k, v in register.rows.items()),
                    1000 * (time.perf_counter() - started))
        return register

    def records(self, rows: Iterable[RecordRow]) -> list[Record]:
        """The full records of `rows`, in their order."""
        found = []
        for row in rows:
            record = self._document(row.doc_id).by_id.get(row.record_id)
            if record is not None:
                found.append(record)
        return found

    @property
    def decisions(self) -> list[DecisionRecord]:
        """Every decision, loaded (tests and tools; the API pages rows instead)."""
        return self.records(self.rows["decision"])  # type: ignore[return-value]

    @property
    def assignments(self) -> list[AssignmentRecord]:
        return self.records(self.rows["assignment"])  # type: ignore[return-value]

    @property
    def targets(self) -> list[TargetRecord]:
        return self.records(self.rows["target"])  # type: ignore[return-value]

    def get(self, record_id: str) -> Record | None:
        row = self._by_id.get(record_id)
        return self._document(row.doc_id).by_id.get(record_id) if row else None

    def record_for_paragraph(self, paragraph_id: str) -> Record | None:
        """The record a paragraph belongs to (a § for decisions; an assignment's own paragraphs)."""
        try:
            doc_id = parse_paragraph_id(paragraph_id)[0]
        except ValueError:
            return None
        return self._document(doc_id).by_paragraph.get(paragraph_id)

    def decision_for(self, doc_id: str, number: str) -> DecisionRecord | None:
        return self._document(doc_id).by_number.get(number)

    @staticmethod
    def _matches(row: RecordRow, query: RegisterQuery) -> bool:
        if not (_in(row.organisation, query.organisation) and _in(row.body, query.body)):
            return False
        if not _date_ok(row.date, query.date_from, query.date_to):
            return False
        if query.q and not all(word in row.text for word in query.q.casefold().split()):
            return False
        if row.kind == "decision":
            if query.has_vote is not None and row.has_vote != query.has_vote:
                return False
            if query.has_reservation is not None and row.has_reservation != query.has_reservation:
                return False
            if query.party and not row.parties & {p.casefold() for p in query.party}:
                return False
        if row.kind == "assignment" and (query.due_from or query.due_to):
            if not any(_date_ok(d, query.due_from, query.due_to) for d in row.due):
                return False
        return True

    def select(self, kind: str, query: RegisterQuery, allowed: set[str] | None) -> list[RecordRow]:
        """Rows of `kind` passing the filters whose document the caller may see (None = all)."""
        return [
            r for r in self.rows[kind]
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
