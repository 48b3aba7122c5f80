"""Dossier export: one self-contained HTML file (styles inline, no links out, no scripts) for a referral to
police or a care service: the messages with their flags and evidence, the timeline and the case history.
PDF is left out: no well-kept renderer here works without system libraries we do not ship."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from stagedoor import services
from stagedoor.domain import MessageRecord
from stagedoor.domain.staff import Case, User, may_read_message
from stagedoor.office import audit, cases
from stagedoor.services import Desk
from stagedoor.web.deps import CurrentUser, DeskDep, source_of
from stagedoor.web.highlight import highlight

router = APIRouter()


def _readable(user: User, records: list[MessageRecord]) -> list[MessageRecord]:
    seen: dict[str, MessageRecord] = {}
    for r in records:
        if may_read_message(user.role, r.reading.routes if r.reading else None):
            seen.setdefault(r.message.id, r)
    return sorted(seen.values(), key=lambda r: (r.message.received_at or r.ingested_at, r.message.id))


def _items(records: list[MessageRecord]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        flags = sorted(r.reading.flags, key=lambda f: (-f.severity.rank, -f.score)) if r.reading else []
        out.append({"rec": r, "m": r.message, "flags": flags, "segments": highlight(r.message.text, flags)})
    return out


def _records_for_case(desk: Desk, case: Case) -> list[MessageRecord]:
    found = [r for r in (services.message(desk, m) for m in case.message_ids) if r is not None]
    for cid in case.correspondent_ids:
        file = services.correspondent(desk, cid)
        found += list(file.messages) if file else []
    return found


def _send(request: Request, desk: Desk, user: User, name: str, context: dict[str, Any]) -> HTMLResponse:
    templates = request.app.state.templates
    context |= {"generated_at": datetime.now(UTC), "generated_by": user.username}
    html = templates.get_template("dossier.html").render(context)
    ids = [i["m"].id for i in context["items"]]
    audit.record(desk, user.username, "dossier.export", name, source_of(request), messages=ids)
    disposition = f'attachment; filename="stagedoor-dossier-{name}.html"'
    return HTMLResponse(html, headers={"Content-Disposition": disposition})


@router.get("/cases/{case_id:int}/dossier", response_class=HTMLResponse)
def case_dossier(request: Request, case_id: int, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    try:
        case = cases.get(desk, user, case_id)
    except cases.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    records = _readable(user, _records_for_case(desk, case))
    people = [services.correspondent(desk, c) for c in case.correspondent_ids]
    context = {
        "title": f"Case {case.id}: {case.title}",
        "case": case,
        "people": [p.correspondent for p in people if p],
        "items": _items(records),
    }
    return _send(request, desk, user, f"case-{case.id}", context)


@router.get("/correspondents/{correspondent_id:int}/dossier", response_class=HTMLResponse)
def correspondent_dossier(
    request: Request, correspondent_id: int, desk: DeskDep, user: CurrentUser
) -> HTMLResponse:
    found = services.correspondent(desk, correspondent_id)
    if found is None:
        raise HTTPException(404, "There is no correspondent with that number.")
    context = {
        "title": f"Correspondent: {found.correspondent.display_name}",
        "case": None,
        "people": [found.correspondent],
        "items": _items(_readable(user, list(found.messages))),
    }
    return _send(request, desk, user, f"correspondent-{correspondent_id}", context)
