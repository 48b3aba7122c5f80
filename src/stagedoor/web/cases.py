"""Cases: the team's list (overdue first), one case with its history, and one verb-named POST per change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from stagedoor.domain.staff import Case, CaseAction, CaseStatus, User
from stagedoor.office import cases
from stagedoor.services import Desk
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of

router = APIRouter()


def now() -> datetime:
    return datetime.now(UTC)


def case_json(case: Case, at: Any = None) -> dict[str, Any]:
    at = at or now()
    return {
        "id": case.id,
        "title": case.title,
        "team": case.route.value,
        "severity": case.severity.value,
        "status": case.status.value,
        "assignee": case.assignee,
        "opened_by": case.opened_by,
        "opened_at": case.opened_at.isoformat(),
        "due_at": case.due_at.isoformat(),
        "overdue": case.overdue(at),
        "first_touch_at": case.first_touch_at.isoformat() if case.first_touch_at else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "message_ids": list(case.message_ids),
        "correspondent_ids": list(case.correspondent_ids),
        "events": [
            {"at": e.at.isoformat(), "actor": e.actor, "verb": e.verb, "detail": e.detail}
            for e in case.events
        ],
    }


def _load(desk: Desk, user: User, case_id: int) -> Case:
    try:
        return cases.get(desk, user, case_id)
    except cases.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    context = {"cases": cases.listing(desk, user), "now": now(), "active": "cases", "api_url": "/api/cases"}
    return render(request, desk, "cases.html", context)


@router.get("/api/cases")
def cases_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    at = now()
    return JSONResponse([case_json(c, at) for c in cases.listing(desk, user)])


@router.get("/cases/{case_id:int}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    case = _load(desk, user, case_id)
    context = {
        "case": case,
        "now": now(),
        "members": cases.team_members(desk, case.route),
        "actions": list(CaseAction),
        "closed": case.status is CaseStatus.CLOSED,
        "active": "cases",
        "api_url": f"/api/cases/{case_id}",
    }
    return render(request, desk, "case.html", context)


@router.get("/api/cases/{case_id:int}")
def case_api(case_id: int, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(case_json(_load(desk, user, case_id)))


def _done(case: Case) -> RedirectResponse:
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.post("/messages/{message_id}/open-case")
def open_for_message(request: Request, message_id: str, desk: DeskDep, user: CurrentUser) -> RedirectResponse:
    try:
        return _done(cases.open_for_message(desk, user, message_id, source_of(request)))
    except cases.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.post("/correspondents/{correspondent_id:int}/open-case")
def open_for_correspondent(
    request: Request, correspondent_id: int, desk: DeskDep, user: CurrentUser
) -> RedirectResponse:
    try:
        return _done(cases.open_for_correspondent(desk, user, correspondent_id, source_of(request)))
    except cases.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


Verb = Callable[[Desk, User, int, dict[str, str], str], Case]

VERBS: dict[str, Verb] = {
    "assign": lambda d, u, c, f, s: cases.assign(d, u, c, f.get("assignee", ""), s),
    "start": lambda d, u, c, f, s: cases.start(d, u, c, s),
    "refer": lambda d, u, c, f, s: cases.refer(d, u, c, f.get("to", ""), s),
    "note": lambda d, u, c, f, s: cases.note(d, u, c, f.get("text", ""), s),
    "act": lambda d, u, c, f, s: cases.act(d, u, c, f.get("action", ""), f.get("comment", ""), s),
    "link": lambda d, u, c, f, s: cases.link_message(d, u, c, f.get("message_id", "").strip(), s),
    "link-correspondent": lambda d, u, c, f, s: cases.link_correspondent(
        d, u, c, f.get("correspondent_id", ""), s
    ),
    "close": lambda d, u, c, f, s: cases.close(d, u, c, f.get("outcome", ""), s),
    "reopen": lambda d, u, c, f, s: cases.reopen(d, u, c, s),
}


@router.post("/cases/{case_id:int}/{verb}")
async def change_case(
    request: Request, case_id: int, verb: str, desk: DeskDep, user: CurrentUser
) -> RedirectResponse:
    """One verb per change (assign, start, refer, note, act, link, close, reopen); each writes an event row."""
    if verb not in VERBS:
        raise HTTPException(404, f"Cases have no {verb!r} action.")
    form = {k: str(v)[:5000] for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        return _done(VERBS[verb](desk, user, case_id, form, source_of(request)))
    except cases.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except cases.CaseError as exc:
        raise HTTPException(400, str(exc)) from None
