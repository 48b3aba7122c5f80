"""What every route needs from the app: the desk (dependency injection), the user, and page rendering."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stagedoor import services
from stagedoor.domain.staff import User, may_open_queue
from stagedoor.services import Desk


def get_desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)


DeskDep = Annotated[Desk, Depends(get_desk)]


def get_user(request: Request) -> User:
    """The logged-in user; the app-wide permission guard has already checked the session and role."""
    from stagedoor.web.permissions import LoginRequired

    user = getattr(request.state, "user", None)
    if not isinstance(user, User):
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(get_user)]


def source_of(request: Request) -> str:
    """Where a request came from, for the audit trail."""
    return request.client.host if request.client else ""


def render(
    request: Request, desk: Desk, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page with the navigation every page shares (the queues this user may open, with their counts)."""
    templates = cast(Jinja2Templates, request.app.state.templates)
    user = getattr(request.state, "user", None)
    counts = services.queue_counts(desk) if user else {}
    full = {
        "counts": {r: n for r, n in counts.items() if may_open_queue(user.role, r)} if user else {},
        "user": user,
        "csrf": getattr(request.state, "csrf", ""),
        **context,
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
