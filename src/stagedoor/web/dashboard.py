"""The dashboard: four charts drawn on the server (SVG images, so the page runs no script) and the numbers
behind them in the JSON twin."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stagedoor.office import dashboard
from stagedoor.web.deps import CurrentUser, DeskDep, render

router = APIRouter()

TITLES = {
    "volume": "Messages per day, by channel",
    "flags": "Flags per day, by category",
    "case-age": "Open cases by age",
    "first-touch": "Time to first touch, by severity",
}


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    context = {
        "n": dashboard.numbers(desk),
        "charts": TITLES,
        "active": "dashboard",
        "api_url": "/api/dashboard",
    }
    return render(request, desk, "dashboard.html", context)


@router.get("/api/dashboard")
def dashboard_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(dashboard.numbers(desk))


@router.get("/dashboard/charts/{name}.svg")
def chart(name: str, desk: DeskDep, user: CurrentUser) -> Response:
    if name not in dashboard.CHARTS:
        raise HTTPException(404, "There is no chart by that name.")
    return Response(dashboard.chart_svg(desk, name), media_type="image/svg+xml")
