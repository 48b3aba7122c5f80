"""Correspondents: everyone who wrote, and one writer's messages in time order."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.domain import CorrespondentFile, MessageRecord
from stagedoor.domain.staff import User, may_read_message
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import CurrentUser, DeskDep, render

router = APIRouter()


def load(desk: Desk, correspondent_id: int) -> CorrespondentFile:
    found = services.correspondent(desk, correspondent_id)
    if found is None:
        raise HTTPException(404, "There is no correspondent with that number.")
    return found


@router.get("/correspondents", response_class=HTMLResponse)
def correspondents_page(request: Request, desk: DeskDep) -> HTMLResponse:
    context = {
        "people": services.correspondents(desk),
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
    found = load(desk, correspondent_id)
    context = {
        "c": found.correspondent,
        "rows": [present.row(r) for r in readable(found, user)],
        "hidden": len(found.messages) - len(readable(found, user)),
        "active": "correspondents",
        "api_url": f"/api/correspondents/{correspondent_id}",
    }
    return render(request, desk, "correspondent.html", context)


@router.get("/api/correspondents/{correspondent_id:int}")
def correspondent_api(correspondent_id: int, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    found = load(desk, correspondent_id)
    return JSONResponse(jsonview.correspondent_file(replace(found, messages=tuple(readable(found, user)))))


def readable(found: CorrespondentFile, user: User) -> list[MessageRecord]:
    """Only the messages this role may read: security does not see a writer's welfare disclosures."""
    return [r for r in found.messages if may_read_message(user.role, r.reading.routes if r.reading else None)]
