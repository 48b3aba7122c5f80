"""Errors as a calm page for people and as JSON for /api/ callers."""

from __future__ import annotations

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException

from stagedoor.web import headers
from stagedoor.web.deps import get_desk, render

TITLES = {
    400: "That address is not quite right",
    403: "Not for your role",
    404: "Not found",
    405: "Not allowed",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _page(request: Request, status: int, detail: str) -> HTMLResponse:
    title = TITLES.get(status, "Something went wrong")
    context = {"title": title, "detail": detail, "status": status, "active": ""}
    return render(request, get_desk(request), "error.html", context, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = str(exc.detail) if exc.status_code != 404 or exc.detail != "Not Found" else "Nothing lives here."
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
    return _page(request, exc.status_code, detail)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    return _page(request, 400, "A value in the address (such as the page number) could not be read.")


async def server_error(request: Request, exc: Exception) -> Response:
    """Outside the middleware stack, so the security headers are set here too."""
    response = PlainTextResponse("Internal error: the desk could not show this page.", status_code=500)
    headers.apply(response.headers)
    return response
