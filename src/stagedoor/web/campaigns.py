"""One campaign (near-identical messages grouped): every member, reachable from its one queue entry."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.domain import MessageRecord
from stagedoor.services import Desk
from stagedoor.web import present
from stagedoor.web.deps import DeskDep, render

router = APIRouter()


def load(desk: Desk, campaign_id: int) -> list[tuple[MessageRecord, float]]:
    found = services.campaign(desk, campaign_id)
    if found is None:
        raise HTTPException(404, "There is no campaign with that number.")
    return found


@router.get("/campaigns/{campaign_id:int}", response_class=HTMLResponse)
def campaign_page(request: Request, campaign_id: int, desk: DeskDep) -> HTMLResponse:
    members = load(desk, campaign_id)
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
def campaign_api(campaign_id: int, desk: DeskDep) -> JSONResponse:
    members = load(desk, campaign_id)
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
