"""For the admin: users (add, disable, enable), the audit trail with its verification, and alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from stagedoor.domain.staff import Role, User
from stagedoor.office import accounts, alerts, audit
from stagedoor.web.deps import CurrentUser, DeskDep, render, source_of

router = APIRouter()


def user_json(u: User) -> dict[str, object]:
    return {
        "username": u.username,
        "role": u.role.value,
        "display_name": u.display_name,
        "email": u.email,
        "active": u.active,
        "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
    }


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, desk: DeskDep, user: CurrentUser, added: str = "") -> HTMLResponse:
    context = {
        "users": accounts.users(desk),
        "roles": list(Role),
        "active": "users",
        "api_url": "/api/users",
        "added": added,
    }
    return render(request, desk, "users.html", context)


@router.get("/api/users")
def users_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse([user_json(u) for u in accounts.users(desk)])


@router.post("/admin/users")
def add_user(
    request: Request,
    desk: DeskDep,
    user: CurrentUser,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[Role, Form()],
    password: Annotated[str, Form(max_length=1024)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
) -> RedirectResponse:
    try:
        accounts.add_user(desk, username, role, password, display_name, email, actor=user.username)
    except (accounts.AccountError, accounts.UserExists) as exc:
        raise HTTPException(400, str(exc)) from None
    audit.record(desk, user.username, "user.add.web", username, source_of(request))
    return RedirectResponse(f"/admin/users?added={username}", status_code=303)


@router.post("/admin/users/{username}/{verb}")
def change_user(
    request: Request, username: str, verb: str, desk: DeskDep, user: CurrentUser
) -> RedirectResponse:
    if verb not in ("disable", "enable"):
        raise HTTPException(404, f"Users have no {verb!r} action.")
    if username == user.username and verb == "disable":
        raise HTTPException(400, "You cannot disable your own account.")
    try:
        accounts.set_active(desk, username, verb == "enable", actor=user.username)
    except accounts.AccountError as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse("/admin/users", status_code=303)


SECRET_SETTINGS = frozenset({"encryption_keys", "database_url", "webhook_url"})


def settings_view(desk: DeskDep) -> list[dict[str, str]]:
    """Every setting with its value, secrets masked: what the admin checks before asking an engineer."""
    out = []
    for name, field in type(desk.settings).model_fields.items():
        value = getattr(desk.settings, name)
        shown = str(value)
        if name in SECRET_SETTINGS and value:
            shown = (
                f"set ({len(str(value).split(','))} key(s))" if name == "encryption_keys" else "set (hidden)"
            )
        out.append({"name": f"STAGEDOOR_{name.upper()}", "value": shown, "about": field.description or ""})
    return out


@router.get("/admin/settings", response_class=HTMLResponse)
def settings_page(request: Request, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    context = {"settings": settings_view(desk), "active": "settings", "api_url": "/api/settings"}
    return render(request, desk, "settings.html", context)


@router.get("/api/settings")
def settings_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(settings_view(desk))


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, desk: DeskDep, user: CurrentUser, action: str = "") -> HTMLResponse:
    context = {
        "entries": audit.entries(desk, action=action or None),
        "verdict": audit.verify(desk),
        "active": "audit",
        "api_url": "/api/audit",
    }
    return render(request, desk, "audit.html", context)


@router.get("/api/audit")
def audit_api(desk: DeskDep, user: CurrentUser, action: str = "") -> JSONResponse:
    verdict = audit.verify(desk)
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "source": e.source,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in audit.entries(desk, action=action or None)
    ]
    return JSONResponse(
        {"chain_ok": verdict.ok, "rows": verdict.rows, "problems": list(verdict.problems), "entries": rows}
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, desk: DeskDep, user: CurrentUser) -> HTMLResponse:
    context = {"alerts": alerts.listing(desk), "active": "alerts", "api_url": "/api/alerts"}
    return render(request, desk, "alerts.html", context)


@router.get("/api/alerts")
def alerts_api(desk: DeskDep, user: CurrentUser) -> JSONResponse:
    return JSONResponse(
        [
            {
                "id": a.id,
                "kind": a.kind,
                "role": a.role.value,
                "channel": a.channel,
                "target": a.target,
                "subject": a.subject,
                "status": a.status,
                "attempts": a.attempts,
                "created_at": a.created_at.isoformat(),
                "sent_at": a.sent_at.isoformat() if a.sent_at else None,
                "last_error": a.last_error,
            }
            for a in alerts.listing(desk)
        ]
    )
