"""Log-in and log-out: a session cookie (HttpOnly, SameSite=Strict, Secure unless settings say otherwise),
a double-submit CSRF cookie on the log-in form, lock-out after repeated failures (office.accounts)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, cast
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stagedoor.domain.staff import Role, User
from stagedoor.office import accounts
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of
from stagedoor.web.permissions import SESSION_COOKIE, LoginRequired

router = APIRouter()
LOGIN_CSRF_COOKIE = "stagedoor_login_csrf"
HOME = {Role.ADMIN: "/dashboard", Role.SECURITY: "/queue/security", Role.WELFARE: "/queue/welfare"}


def home_for(user: User) -> str:
    return HOME.get(user.role, "/queue/artist")


def safe_next(target: str) -> str:
    """Only paths on this desk: never an absolute or protocol-relative URL (open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


def _login_page(
    request: Request, desk: DeskDep, next_path: str, error: str = "", status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    context = {"error": error, "next": safe_next(next_path), "login_csrf": token, "active": "login"}
    response = render(request, desk, "login.html", context, status_code=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=desk.settings.cookie_secure,
        path="/login",
        max_age=3600,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, desk: DeskDep, next: str = "") -> HTMLResponse:
    return _login_page(request, desk, next)


@router.post("/login", response_model=None)
def login(
    request: Request,
    desk: DeskDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    login_csrf: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, login_csrf):
        return _login_page(request, desk, next, "The log-in form expired; please try again.", 403)
    try:
        ok = accounts.log_in(desk, username.strip(), password, source_of(request))
    except accounts.LoginFailed as exc:
        return _login_page(request, desk, next, str(exc), 401)
    response = RedirectResponse(safe_next(next) or home_for(ok.user), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        ok.token,
        httponly=True,
        samesite="strict",
        secure=desk.settings.cookie_secure,
        max_age=desk.settings.session_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, desk: DeskDep, user: CurrentUser) -> RedirectResponse:
    accounts.log_out(desk, cast(str, request.state.session_token), user, source_of(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def login_required(request: Request, exc: Exception) -> Response:
    """Pages send people to the log-in page (and back afterwards); /api/ callers get a 401."""
    assert isinstance(exc, LoginRequired)
    if request.url.path.startswith("/api/"):
        from fastapi.responses import JSONResponse

        return JSONResponse({"detail": "Log in first."}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
