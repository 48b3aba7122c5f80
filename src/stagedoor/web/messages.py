"""One message: its text with the evidence highlighted, the flags and their reasons, and the details."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord
from stagedoor.domain.staff import User, case_route_for, may_read_message
from stagedoor.office import audit, cases
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of
from stagedoor.web.highlight import highlight

router = APIRouter()


def load(desk: Desk, message_id: str, user: User, request: Request) -> MessageRecord:
    """The message if this user's role may read it (else the same 404 as a missing one), audited as a view."""
    record = services.message(desk, message_id)
    routes = record.reading.routes if record and record.reading else None
    if record is None or not may_read_message(user.role, routes):
        raise HTTPException(404, "There is no message with that id.")
    audit.record(desk, user.username, "message.view", message_id, source_of(request), via=request.url.path)
    return record


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def message_page(request: Request, message_id: str, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    record = load(desk, message_id, user, request)
    reading = record.reading
    flags = sorted(reading.flags, key=lambda f: (-f.severity.rank, -f.score)) if reading else []
    context = {
        "rec": record,
        "m": record.message,
        "reading": reading,
        "row": present.row(record),
        "flags": flags,
        "dismissed": list(reading.suppressed) if reading else [],
        "segments": highlight(record.message.text, flags),
        "active": reading.routes[0].value if reading and reading.routes else "",
        "api_url": f"/api/messages/{record.message.id}",
        "paper": services.paper_file(desk, record.message.id),
        "cases": cases.for_message(desk, user, message_id),
        "may_open_case": case_route_for(user.role) is not None,
    }
    return render(request, desk, "message.html", context)


@router.get("/api/messages/{message_id}")
def message_api(request: Request, message_id: str, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(jsonview.record(load(desk, message_id, user, request)))
