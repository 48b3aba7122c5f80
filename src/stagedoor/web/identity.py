"""Link suggestions, merges, splits and undo: small verb-named POSTs that each write an event row.

Each form posts here and comes back to the page it came from (303); each has a JSON twin under /api/.
The form asks who decides, so the record says it (log-in will fill it in once the desk has one).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from stagedoor import services
from stagedoor.domain.people import IdentityEvent, LinkStatus, LinkSuggestion
from stagedoor.web.deps import DeskDep, render

router = APIRouter()
By = Annotated[str, Form(max_length=200, description="Who decides (your name).")]
Note = Annotated[str, Form(max_length=500)]


class Decision(BaseModel):
    by: str = Field(min_length=1, max_length=200)


class MergeBody(Decision):
    other: int = Field(description="The correspondent whose messages move into this one.")
    note: str = ""


class SplitBody(Decision):
    message_ids: list[str] = Field(min_length=1)
    name: str = ""


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
def decide_form(suggestion_id: int, verb: str, desk: DeskDep, by: By = "") -> RedirectResponse:
    decided, event = _decide(desk, suggestion_id, verb, by)
    return _back(f"/correspondents/{event.target_id if event else decided.a_id}")


@router.post("/api/links/{suggestion_id:int}/{verb}")
def decide_api(suggestion_id: int, verb: str, desk: DeskDep, body: Decision) -> JSONResponse:
    decided, event = _decide(desk, suggestion_id, verb, body.by)
    return JSONResponse(
        {
            "suggestion": services.suggestion_json(decided),
            "merge": services.event_json(event) if event else None,
        }
    )


def _decide(
    desk: services.Desk, suggestion_id: int, verb: str, by: str
) -> tuple[LinkSuggestion, IdentityEvent | None]:
    if verb not in ("confirm", "reject"):
        raise HTTPException(404, "A link suggestion can be confirmed or rejected.")
    try:
        return services.decide_link(desk, suggestion_id, verb == "confirm", by)
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/correspondents/{correspondent_id:int}/merge")
def merge_form(
    correspondent_id: int, desk: DeskDep, other: Annotated[int, Form(ge=1)], by: By = "", note: Note = ""
) -> RedirectResponse:
    _merge(desk, correspondent_id, MergeBody.model_construct(by=by, other=other, note=note))
    return _back(f"/correspondents/{correspondent_id}")


@router.post("/api/correspondents/{correspondent_id:int}/merge")
def merge_api(correspondent_id: int, desk: DeskDep, body: MergeBody) -> JSONResponse:
    return JSONResponse(services.event_json(_merge(desk, correspondent_id, body)))


def _merge(desk: services.Desk, correspondent_id: int, body: MergeBody) -> IdentityEvent:
    try:
        return services.merge_correspondents(desk, correspondent_id, body.other, body.by, body.note)
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/correspondents/{correspondent_id:int}/split")
def split_form(
    correspondent_id: int,
    desk: DeskDep,
    message: Annotated[list[str] | None, Form(description="The messages to move out.")] = None,
    by: By = "",
    name: Note = "",
) -> RedirectResponse:
    event = _split(
        desk, correspondent_id, SplitBody.model_construct(by=by, message_ids=message or [], name=name)
    )
    return _back(f"/correspondents/{event.target_id}")


@router.post("/api/correspondents/{correspondent_id:int}/split")
def split_api(correspondent_id: int, desk: DeskDep, body: SplitBody) -> JSONResponse:
    return JSONResponse(services.event_json(_split(desk, correspondent_id, body)))


def _split(desk: services.Desk, correspondent_id: int, body: SplitBody) -> IdentityEvent:
    try:
        return services.split_correspondent(desk, correspondent_id, body.message_ids, body.by, body.name)
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.post("/identity-events/{event_id:int}/undo")
def undo_form(event_id: int, desk: DeskDep, by: By = "") -> RedirectResponse:
    return _back(f"/correspondents/{_undo(desk, event_id, by).source_id}")


@router.post("/api/identity-events/{event_id:int}/undo")
def undo_api(event_id: int, desk: DeskDep, body: Decision) -> JSONResponse:
    return JSONResponse(services.event_json(_undo(desk, event_id, body.by)))


def _undo(desk: services.Desk, event_id: int, by: str) -> IdentityEvent:
    try:
        return services.undo_identity_event(desk, event_id, by)
    except services.IdentityError as exc:
        raise _fail(exc) from None


@router.get("/api/escalations")
def escalations_api(desk: DeskDep) -> JSONResponse:
    """Rises in correspondents' levels, highest and newest first (the alerts the queue pages show)."""
    return JSONResponse([services.alert_json(a) for a in services.escalation_alerts(desk, limit=200)])
