"""Inputs that could not be read: kept raw with the reason, listed here, never opened or shown."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from stagedoor import jsonview, services
from stagedoor.web.deps import DeskDep, render

router = APIRouter()


@router.get("/quarantine", response_class=HTMLResponse)
def quarantine_page(request: Request, desk: DeskDep) -> HTMLResponse:
    context = {"items": services.quarantine(desk), "active": "quarantine", "api_url": "/api/quarantine"}
    return render(request, desk, "quarantine.html", context)


@router.get("/api/quarantine")
def quarantine_api(desk: DeskDep) -> JSONResponse:
    return JSONResponse([jsonview.quarantined(q) for q in services.quarantine(desk)])
