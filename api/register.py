"""Decision register endpoints: decisions, assignments and targets as filterable, exportable records.

Every record cites the paragraphs its fields came from. Access labels apply exactly as for
documents: a record of a document the caller may not see is neither listed nor found (404).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.routes import ERRORS, Core, Who
from api.security import Caller, lookup
from assistant.service import Paragraf
from core import prompts
from core.models import AssignmentRecord, DecisionRecord, TargetRecord
from index.register import RegisterQuery, to_csv

router = APIRouter(tags=["register"])
_MAX_LIMIT = 1000


class DecisionPage(BaseModel):
    total: int = Field(description="Records matching the filters (before limit/offset).")
    items: list[DecisionRecord]


class AssignmentPage(BaseModel):
    total: int
    items: list[AssignmentRecord]


class TargetPage(BaseModel):
    total: int
    items: list[TargetRecord]


def register_query(
    organisation: Annotated[list[str], Query(description="Organisation (repeatable).")] = [],  # noqa: B006
    body: Annotated[list[str], Query(description="Decision-making body (repeatable).")] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(description="Earliest meeting/document date, yyyy-mm-dd.")] = None,
    date_to: Annotated[date | None, Query(description="Latest meeting/document date, yyyy-mm-dd.")] = None,
    q: Annotated[str, Query(max_length=500, description="Free text over the whole record.")] = "",
) -> RegisterQuery:
    if date_from and date_to and date_from > date_to:
        raise HTTPException(422, prompts.FILTER_INVALID.format(detail="date_from är senare än date_to"))
    return RegisterQuery(organisation=organisation, body=body, date_from=date_from, date_to=date_to, q=q.strip())


Filters = Annotated[RegisterQuery, Depends(register_query)]
Limit = Annotated[int, Query(ge=1, le=_MAX_LIMIT, description="Records per page.")]
Offset = Annotated[int, Query(ge=0, description="Records to skip.")]
Format = Annotated[Literal["json", "csv"], Query(description="json, or csv (UTF-8, one row per record).")]


def _page(app: Paragraf, who: Caller, kind: str, filters: RegisterQuery, limit: int, offset: int, fmt: str,
          name: str, model):
    """A page of records as JSON, or every selected record as CSV."""
    if fmt == "csv":
        _, records = app.records(kind, filters, who.labels)
        return Response(
            to_csv(records), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="paragraf-{name}.csv"'},
        )
    total, items = app.records(kind, filters, who.labels, offset, limit)
    return model(total=total, items=items)


_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}


@router.get("/api/decisions", response_model=DecisionPage, responses={**_CSV, **ERRORS})
def decisions(
    app: Core, who: Who, filters: Filters,
    party: Annotated[list[str], Query(description="A party named in the decision's votes, reservations, jäv or yrkanden (repeatable).")] = [],  # noqa: B006
    has_vote: Annotated[bool | None, Query(description="Only § with (true) or without (false) a vote.")] = None,
    has_reservation: Annotated[bool | None, Query(description="Only § with (true) or without (false) a reservation.")] = None,
    limit: Limit = 50, offset: Offset = 0, format: Format = "json",  # noqa: A002
):
    """One record per protocol §: decision points, votes, reservations, jäv — each field cited."""
    filters.party, filters.has_vote, filters.has_reservation = party, has_vote, has_reservation
    return _page(app, who, "decision", filters, limit, offset, format, "beslut", DecisionPage)


@router.get("/api/assignments", response_model=AssignmentPage, responses={**_CSV, **ERRORS})
def assignments(
    app: Core, who: Who, filters: Filters,
    due_from: Annotated[date | None, Query(description="Only assignments with a deadline on or after this date.")] = None,
    due_to: Annotated[date | None, Query(description="Only assignments with a deadline on or before this date.")] = None,
    limit: Limit = 50, offset: Offset = 0, format: Format = "json",  # noqa: A002
):
    """One record per uppdrag: giver, receiver, task, deadlines, money, status."""
    filters.due_from, filters.due_to = due_from, due_to
    return _page(app, who, "assignment", filters, limit, offset, format, "uppdrag", AssignmentPage)


@router.get("/api/targets", response_model=TargetPage, responses={**_CSV, **ERRORS})
def targets(app: Core, who: Who, filters: Filters, limit: Limit = 50, offset: Offset = 0,
            format: Format = "json"):  # noqa: A002
    """One record per target: goal, indicator, baseline/outcome and target value with years."""
    return _page(app, who, "target", filters, limit, offset, format, "mal", TargetPage)


def _one(app: Paragraf, who: Caller, record_id: str, kind: str):
    return lookup(who, app.audit, record_id, prompts.RECORD_NOT_FOUND.format(record_id=record_id),
                  lambda: app.record(record_id, kind, who.labels))


@router.get("/api/decisions/{record_id}", response_model=DecisionRecord, responses=ERRORS)
def decision(record_id: str, app: Core, who: Who) -> DecisionRecord:
    return _one(app, who, record_id, "decision")


@router.get("/api/assignments/{record_id}", response_model=AssignmentRecord, responses=ERRORS)
def assignment(record_id: str, app: Core, who: Who) -> AssignmentRecord:
    return _one(app, who, record_id, "assignment")


@router.get("/api/targets/{record_id}", response_model=TargetRecord, responses=ERRORS)
def target(record_id: str, app: Core, who: Who) -> TargetRecord:
    return _one(app, who, record_id, "target")


def _updated(record: DecisionRecord) -> str:
    try:
        day = date.fromisoformat(record.date)
    except ValueError:
        day = date(1970, 1, 1)
    return datetime.combine(day, time(12), UTC).isoformat().replace("+00:00", "Z")


@router.get("/feeds/decisions.atom", responses={200: {"content": {"application/atom+xml": {}}}})
def decisions_feed(request: Request, app: Core, who: Who, filters: Filters,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Response:
    """Atom feed of decisions, newest meeting first (filter by organisation and body)."""
    _, newest = app.records("decision", filters, who.labels, limit=limit, newest_first=True)
    found = [r for r in newest if isinstance(r, DecisionRecord)]
    base = str(request.base_url).rstrip("/")
    updated = _updated(found[0]) if found else "1970-01-01T00:00:00Z"
    entries = []
    for r in found:
        points = " ".join(p.text for p in r.decision_points) or r.title
        link = f"{base}/kalla/{r.paragraph_ids[0]}" if r.paragraph_ids else f"{base}/beslut"
        entries.append(
            "<entry>"
            f"<id>urn:paragraf:{escape(r.record_id)}</id>"
            f"<title>{escape(f'{r.body or r.organisation} {r.date} § {r.number} {r.title}'.strip())}</title>"
            f"<updated>{_updated(r)}</updated>"
            f'<link rel="alternate" href="{escape(link)}"/>'
            f"<summary>{escape(points[:1000])}</summary>"
            "</entry>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">'
        f"<id>urn:paragraf:beslut</id><title>Paragraf – nya beslut</title><updated>{updated}</updated>"
        f'<link rel="self" href="{escape(str(request.url))}"/>' + "".join(entries) + "</feed>"
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
