"""Correspondents: everyone who wrote, and one writer's dossier across channels: timeline chart, warning
profile, escalation level with reasons, suggested links, merges and splits.

A dossier is built from the messages the viewer's role may read (domain.staff.may_read_message): the
security analyst's timeline, profile and level never rest on a writer's welfare disclosure, and the page
says how many messages went to another team."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord
from stagedoor.domain.staff import User, may_read_message
from stagedoor.services import Desk, Dossier
from stagedoor.web import present, timeline_chart
from stagedoor.web.deps import CurrentUser, DeskDep, render

router = APIRouter()


def load(desk: Desk, correspondent_id: int, user: User) -> Dossier:
    found = services.dossier(desk, correspondent_id, keep=lambda r: readable(r, user))
    if found is None:
        raise HTTPException(404, "There is no correspondent with that number.")
    return found


def readable(record: MessageRecord, user: User) -> bool:
    """Only the messages this role may read: security does not see a writer's welfare disclosures."""
    return may_read_message(user.role, record.reading.routes if record.reading else None)


@router.get("/correspondents", response_class=HTMLResponse)
def correspondents_page(request: Request, desk: DeskDep) -> HTMLResponse:
    context = {
        "people": services.correspondents(desk),
        "levels": services.escalation_levels(desk),
        "active": "correspondents",
        "api_url": "/api/correspondents",
    }
    return render(request, desk, "correspondents.html", context)


@router.get("/api/correspondents")
def correspondents_api(desk: DeskDep) -> JSONResponse:
    return JSONResponse([jsonview.correspondent(c) for c in services.correspondents(desk)])


@router.get("/correspondents/{correspondent_id:int}", response_class=HTMLResponse)
def correspondent_page(
    request: Request, correspondent_id: int, desk: DeskDep, user: CurrentUser
) -> HTMLResponse:
    d = load(desk, correspondent_id, user)
    context = {
        "c": d.file.correspondent,
        "d": d,
        "rows": [present.row(r) for r in d.file.messages],
        "hidden": d.hidden,
        "signals": [s for s in (*d.profile.features.values(), *d.profile.behaviours.values()) if s.present],
        "dated": {
            r.message.id: f"{r.message.received_at:%d %b %Y}" if r.message.received_at else "undated"
            for r in d.file.messages
        },
        "active": "correspondents",
        "api_url": f"/api/correspondents/{correspondent_id}",
    }
    return render(request, desk, "correspondent.html", context)


@router.get("/api/correspondents/{correspondent_id:int}")
def correspondent_api(correspondent_id: int, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(services.dossier_json(load(desk, correspondent_id, user)))


@router.get("/correspondents/{correspondent_id:int}/timeline.svg")
def timeline_svg(correspondent_id: int, desk: DeskDep, user: CurrentUser) -> Response:
    """The timeline chart as a picture (served from our origin, so the CSP lets the page show it)."""
    return Response(timeline_chart.render(load(desk, correspondent_id, user)), media_type="image/svg+xml")
