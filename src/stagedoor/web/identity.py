"""Link suggestions, merges, splits and undo: small verb-named POSTs that each write an event row.

Each form posts here and comes back to the page it came from (303); each has a JSON twin under /api/.
The logged-in analyst is who decides: the record and the audit trail both name them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from stagedoor import services
from stagedoor.domain.people import IdentityEvent, LinkStatus, LinkSuggestion
from stagedoor.domain.staff import User
from stagedoor.office import audit
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of

router = APIRouter()
Note = Annotated[str, Form(max_length=500)]


class MergeBody(BaseModel):
    other: int = Field(description="The correspondent whose messages move into this one.")
    note: str = ""


class SplitBody(BaseModel):
    message_ids: list[str] = Field(min_length=1)
    name: str = ""


def _audit(
    request: Request, desk: services.Desk, user: User, action: str, target: int, **detail: Any
) -> None:
    audit.record(desk, user.username, action, str(target), source_of(request), **detail)


def _fail(exc: services.IdentityError) -> HTTPException:
    return HTTPException(409, str(exc))


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/links", response_class=HTMLResponse)
def links_page(request: Request, desk: DeskDep) -> HTMLResponse:
    context = {"links": services.link_suggestions(desk), "active": "correspondents", "api_url": "/api/links"}
    return render(request, desk, "links.html", context)


@router.get("/api/links")
def links_api(desk: DeskDep, status: LinkStatus | None = LinkStatus.PENDING) -> JSONResponse:
    return JSONResponse([services.suggestion_json(s) for s in services.link_suggestions(desk, status)])


@router.post("/links/{suggestion_id:int}/{verb}")
def decide_form(
    request: Request, suggestion_id: int, verb: str, desk: DeskDep, user: CurrentUser
) -> RedirectResponse:
    decided, event = _decide(request, desk, suggestion_id, verb, user)
    return _back(f"/correspondents/{event.target_id if event else decided.a_id}")


@router.post("/api/links/{suggestion_id:int}/{verb}")
def decide_api(
    request: Request, suggestion_id: int, verb: str, desk: DeskDep, user: CurrentUser
) -> JSONResponse:
    decided, event = _decide(request, desk, suggestion_id, verb, user)
    return JSONResponse(
        {
            "suggestion": services.suggestion_json(decided),
            "merge": services.event_json(event) if event else None,
        }
    )


def _decide(
    request: Request, desk: services.Desk, suggestion_id: int, verb: str, user: User
) -> tuple[LinkSuggestion, IdentityEvent | None]:
    if verb not in ("confirm", "reject"):
        raise HTTPException(404, "A link suggestion can be confirmed or rejected.")
    try:
        decided = services.decide_link(desk, suggestion_id, verb == "confirm", user.username)
        _audit(request, desk, user, f"link.{verb}", suggestion_id)
        return decided
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/correspondents/{correspondent_id:int}/merge")
def merge_form(
    request: Request,
    correspondent_id: int,
    desk: DeskDep,
    user: CurrentUser,
    other: Annotated[int, Form(ge=1)],
    note: Note = "",
) -> RedirectResponse:
    _merge(request, desk, user, correspondent_id, MergeBody.model_construct(other=other, note=note))
    return _back(f"/correspondents/{correspondent_id}")


@router.post("/api/correspondents/{correspondent_id:int}/merge")
def merge_api(
    request: Request, correspondent_id: int, desk: DeskDep, user: CurrentUser, body: MergeBody
) -> JSONResponse:
    return JSONResponse(services.event_json(_merge(request, desk, user, correspondent_id, body)))


def _merge(
    request: Request, desk: services.Desk, user: User, correspondent_id: int, body: MergeBody
) -> IdentityEvent:
    try:
        event = services.merge_correspondents(desk, correspondent_id, body.other, user.username, body.note)
        _audit(request, desk, user, "correspondent.merge", correspondent_id, other=body.other)
        return event
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/correspondents/{correspondent_id:int}/split")
def split_form(
    request: Request,
    correspondent_id: int,
    desk: DeskDep,
    user: CurrentUser,
    message: Annotated[list[str] | None, Form(description="The messages to move out.")] = None,
    name: Note = "",
) -> RedirectResponse:
    body = SplitBody.model_construct(message_ids=message or [], name=name)
    event = _split(request, desk, user, correspondent_id, body)
    return _back(f"/correspondents/{event.target_id}")


@router.post("/api/correspondents/{correspondent_id:int}/split")
def split_api(
    request: Request, correspondent_id: int, desk: DeskDep, user: CurrentUser, body: SplitBody
) -> JSONResponse:
    return JSONResponse(services.event_json(_split(request, desk, user, correspondent_id, body)))


def _split(
    request: Request, desk: services.Desk, user: User, correspondent_id: int, body: SplitBody
) -> IdentityEvent:
    try:
        event = services.split_correspondent(
            desk, correspondent_id, body.message_ids, user.username, body.name
        )
        _audit(request, desk, user, "correspondent.split", correspondent_id, messages=len(body.message_ids))
        return event
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/identity-events/{event_id:int}/undo")
def undo_form(request: Request, event_id: int, desk: DeskDep, user: CurrentUser) -> RedirectResponse:
    return _back(f"/correspondents/{_undo(request, desk, user, event_id).source_id}")


@router.post("/api/identity-events/{event_id:int}/undo")
def undo_api(request: Request, event_id: int, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(services.event_json(_undo(request, desk, user, event_id)))


def _undo(request: Request, desk: services.Desk, user: User, event_id: int) -> IdentityEvent:
    try:
        event = services.undo_identity_event(desk, event_id, user.username)
        _audit(request, desk, user, "correspondent.undo", event_id)
        return event
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.get("/api/escalations")
def escalations_api(desk: DeskDep) -> JSONResponse:
    """Rises in correspondents' levels, highest and newest first (the alerts the queue pages show)."""
    return JSONResponse([services.alert_json(a) for a in services.escalation_alerts(desk, limit=200)])
