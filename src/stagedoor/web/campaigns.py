"""One campaign (near-identical messages grouped): every member, reachable from its one queue entry."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord
from stagedoor.domain.staff import User, may_read_message
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import CurrentUser, DeskDep, render

router = APIRouter()


def load(desk: Desk, campaign_id: int, user: User) -> list[tuple[MessageRecord, float]]:
    """The members this role may read (a campaign can mix cleared mail and a threat); none: 404."""
    found = services.campaign(desk, campaign_id) or []
    mine = [
        (r, sim) for r, sim in found if may_read_message(user.role, r.reading.routes if r.reading else None)
    ]
    if not mine:
        raise HTTPException(404, "There is no campaign with that number.")
    return mine


@router.get("/campaigns/{campaign_id:int}", response_class=HTMLResponse)
def campaign_page(request: Request, campaign_id: int, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    members = load(desk, campaign_id, user)
    senders = {r.correspondent_id for r, _ in members}
    context = {
        "campaign_id": campaign_id,
        "rows": [present.row(r) for r, _ in members],
        "size": len(members),
        "senders": len(senders),
        "active": "",
        "api_url": f"/api/campaigns/{campaign_id}",
    }
    return render(request, desk, "campaign.html", context)


@router.get("/api/campaigns/{campaign_id:int}")
def campaign_api(campaign_id: int, desk: DeskDep, user: CurrentUser) -> JSONResponse:
    members = load(desk, campaign_id, user)
    return JSONResponse(
        {
            "id": campaign_id,
            "size": len(members),
            "members": [
                {**jsonview.record(r, with_text=False), "similarity": round(sim, 3), "lead": i == 0}
                for i, (r, sim) in enumerate(members)
            ],
        }
    )
