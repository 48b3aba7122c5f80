"""What every route needs from the app: the desk (dependency injection) and page rendering."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stagedoor import services
from stagedoor.services import Desk


def get_desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)


DeskDep = Annotated[Desk, Depends(get_desk)]


def render(
    request: Request, desk: Desk, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page with the navigation every page shares (queue tabs with their counts)."""
    templates = cast(Jinja2Templates, request.app.state.templates)
    full = {"counts": services.queue_counts(desk), **context}
    return templates.TemplateResponse(request, template, full, status_code=status_code)
