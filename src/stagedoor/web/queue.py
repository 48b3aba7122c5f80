"""The three queues (security, welfare, the artist's inbox), most severe first, and their JSON twins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord, Route
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import CurrentUser, DeskDep, render

PAGE_SIZE = 50

router = APIRouter()
PageQuery = Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")]


@dataclass(frozen=True)
class QueuePage:
    route: Route
    page: int
    pages: int
    total: int
    records: list[MessageRecord]


def route_named(name: str) -> Route:
    try:
        return Route(name)
    except ValueError:
        raise HTTPException(404, "There is no queue by that name.") from None


def load(desk: Desk, name: str, page: int) -> QueuePage:
    route = route_named(name)
    total = services.queue_counts(desk)[route]
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, f"This queue has {pages} page(s).")
    records = services.queue(desk, route, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return QueuePage(route, page, pages, total, records)


@router.get("/", include_in_schema=False)
def home(user: CurrentUser) -> RedirectResponse:
    from stagedoor.web.auth import home_for

    return RedirectResponse(home_for(user), status_code=302)


@router.get("/queue/{name}", response_class=HTMLResponse)
def queue_page(request: Request, name: str, desk: DeskDep, page: PageQuery = 1) -> HTMLResponse:
    q = load(desk, name, page)
    context = {
        "q": q,
        "info": present.QUEUES[q.route],
        "rows": [present.row(r) for r in q.records],
        "active": q.route.value,
        "api_url": f"/api/queue/{q.route.value}?page={q.page}",
        "alerts": services.escalation_alerts(desk) if q.route != Route.ARTIST else [],
        "campaigns": services.campaigns_of(desk, [r.message.id for r in q.records]),
    }
    return render(request, desk, "queue.html", context)


@router.get("/api/queue/{name}")
def queue_api(name: str, desk: DeskDep, page: PageQuery = 1) -> JSONResponse:
    """The queue page's rows, without message text; paging in the Link and X-Total-Count headers."""
    q = load(desk, name, page)
    links = []
    if q.page < q.pages:
        links.append(f'</api/queue/{q.route.value}?page={q.page + 1}>; rel="next"')
    if q.page > 1:
        links.append(f'</api/queue/{q.route.value}?page={q.page - 1}>; rel="prev"')
    head = {"X-Total-Count": str(q.total)} | ({"Link": ", ".join(links)} if links else {})
    groups = services.campaigns_of(desk, [r.message.id for r in q.records])
    rows = [
        {**jsonview.record(r, with_text=False), "campaign": campaign_json(groups.get(r.message.id))}
        for r in q.records
    ]
    return JSONResponse(rows, headers=head)


def campaign_json(group: tuple[int, int] | None) -> dict[str, object] | None:
    """A campaign's one queue entry says how many it stands for and where the others are."""
    if group is None:
        return None
    return {"id": group[0], "size": group[1], "url": f"/campaigns/{group[0]}"}
