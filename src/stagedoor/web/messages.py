"""One message: its text with the evidence highlighted, the flags and their reasons, and the details."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import DeskDep, render
from stagedoor.web.highlight import highlight

router = APIRouter()


def load(desk: Desk, message_id: str) -> MessageRecord:
    record = services.message(desk, message_id)
    if record is None:
        raise HTTPException(404, "There is no message with that id.")
    return record


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def message_page(request: Request, message_id: str, desk: DeskDep) -> HTMLResponse:
    record = load(desk, message_id)
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
    }
    return render(request, desk, "message.html", context)


@router.get("/api/messages/{message_id}")
def message_api(message_id: str, desk: DeskDep) -> JSONResponse:
    return JSONResponse(jsonview.record(load(desk, message_id)))
