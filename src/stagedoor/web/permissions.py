"""Who may call what: ONE declared table, (method, path template) -> rule, checked on every route.

`guard` is an app-wide dependency (create_app passes it to FastAPI), so it runs before every route's own
parameters, and a route with no rule here is refused (403) and fails tests/web/test_permissions.py, which
walks `app.routes` with every role. To add a route, add its line to RULES:

    ("GET", "/things/{thing_id}"): {Role.SECURITY, Role.WELFARE},   # logged-in roles allowed
    ("POST", "/api/intake"): TOKEN,     # authenticated by the route itself (an API token), not a session
    ("GET", "/healthz"): PUBLIC,        # anyone, logged in or not (health, the log-in page)
    ("GET", "/queue/{name}"): ByParam("name", {...}),  # roles depend on a path parameter

Session routes that change something (POST, PUT, PATCH, DELETE) also need the session's CSRF token, as a
`csrf_token` form field or an `X-CSRF-Token` header. TOKEN and PUBLIC routes do their own checks.
Object-level rules (which message a role may read) live in domain/staff.py and the routes apply them.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from fastapi import HTTPException, Request
from starlette.routing import BaseRoute, Mount

from stagedoor.domain import Route
from stagedoor.domain.staff import QUEUE_ROLES, Role, User
from stagedoor.services import Desk


class Access(Enum):
    PUBLIC = "public"
    TOKEN = "token"


PUBLIC, TOKEN = Access.PUBLIC, Access.TOKEN


@dataclass(frozen=True)
class ByParam:
    """Roles that depend on one path parameter's value; `default` for values not listed (they 404)."""

    param: str
    roles: dict[str, frozenset[Role]]
    default: frozenset[Role]

    def allowed(self, params: dict[str, Any]) -> frozenset[Role]:
        return self.roles.get(str(params.get(self.param, "")), self.default)


Rule = frozenset[Role] | Access | ByParam

ADMIN, SECURITY, WELFARE, ARTIST = Role.ADMIN, Role.SECURITY, Role.WELFARE, Role.ARTIST
EVERYONE = frozenset(Role)
ANALYSTS = frozenset({SECURITY, WELFARE})
READERS = frozenset({SECURITY, WELFARE, ARTIST})
OVERSIGHT = frozenset({ADMIN, SECURITY, WELFARE})
ADMINS = frozenset({ADMIN})
QUEUES = ByParam("name", {r.value: QUEUE_ROLES[r] for r in Route}, READERS)

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,  # checks its own double-submit CSRF cookie
    ("GET", "/api/openapi.json"): PUBLIC,  # the API's shape, no data
    ("POST", "/logout"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/queue/{name}"): QUEUES,
    ("GET", "/api/queue/{name}"): QUEUES,
    ("GET", "/messages/{message_id}"): READERS,  # which message: domain.staff.may_read_message
    ("GET", "/api/messages/{message_id}"): READERS,
    ("GET", "/correspondents"): ANALYSTS,
    ("GET", "/api/correspondents"): ANALYSTS,
    ("GET", "/correspondents/{correspondent_id:int}"): ANALYSTS,
    ("GET", "/api/correspondents/{correspondent_id:int}"): ANALYSTS,
    ("GET", "/quarantine"): OVERSIGHT,
    ("GET", "/api/quarantine"): OVERSIGHT,
    # cases
    ("GET", "/cases"): ANALYSTS,
    ("GET", "/api/cases"): ANALYSTS,
    ("GET", "/cases/{case_id:int}"): ANALYSTS,
    ("GET", "/api/cases/{case_id:int}"): ANALYSTS,
    ("POST", "/messages/{message_id}/open-case"): ANALYSTS,
    ("POST", "/correspondents/{correspondent_id:int}/open-case"): ANALYSTS,
    ("POST", "/cases/{case_id:int}/{verb}"): ANALYSTS,
    ("GET", "/cases/{case_id:int}/dossier"): ANALYSTS,
    ("GET", "/correspondents/{correspondent_id:int}/dossier"): ANALYSTS,
    # correspondents across channels: dossier chart, suggested links, merges and splits (issue 4)
    ("GET", "/correspondents/{correspondent_id:int}/timeline.svg"): ANALYSTS,
    ("GET", "/links"): ANALYSTS,
    ("GET", "/api/links"): ANALYSTS,
    ("POST", "/links/{suggestion_id:int}/{verb}"): ANALYSTS,
    ("POST", "/api/links/{suggestion_id:int}/{verb}"): ANALYSTS,
    ("POST", "/correspondents/{correspondent_id:int}/merge"): ANALYSTS,
    ("POST", "/api/correspondents/{correspondent_id:int}/merge"): ANALYSTS,
    ("POST", "/correspondents/{correspondent_id:int}/split"): ANALYSTS,
    ("POST", "/api/correspondents/{correspondent_id:int}/split"): ANALYSTS,
    ("POST", "/identity-events/{event_id:int}/undo"): ANALYSTS,
    ("POST", "/api/identity-events/{event_id:int}/undo"): ANALYSTS,
    ("GET", "/api/escalations"): ANALYSTS,
    # paper letters: which letter a role may see is the message's own rule (web/messages.load)
    ("GET", "/messages/{message_id}/pages/{number}/image"): READERS,
    ("GET", "/messages/{message_id}/pages/{number}"): READERS,
    ("GET", "/api/messages/{message_id}/paper"): READERS,
    ("POST", "/messages/{message_id}/pages/{number}/transcribe"): ANALYSTS,
    ("POST", "/messages/{message_id}/envelope"): ANALYSTS,
    ("GET", "/transcribe"): ANALYSTS,
    ("GET", "/api/transcribe"): ANALYSTS,
    # intake from contact forms and platforms: the route checks its own per-source API token (issue 6)
    ("POST", "/api/intake"): TOKEN,
    # near-duplicate campaigns: the group's members are filtered by what the role may read
    ("GET", "/campaigns/{campaign_id:int}"): READERS,
    ("GET", "/api/campaigns/{campaign_id:int}"): READERS,
    # oversight
    ("GET", "/dashboard"): OVERSIGHT,
    ("GET", "/api/dashboard"): OVERSIGHT,
    ("GET", "/dashboard/charts/{name}.svg"): OVERSIGHT,
    ("GET", "/alerts"): OVERSIGHT,
    ("GET", "/api/alerts"): OVERSIGHT,
    ("GET", "/admin/users"): ADMINS,
    ("GET", "/api/users"): ADMINS,
    ("POST", "/admin/users"): ADMINS,
    ("POST", "/admin/users/{username}/{verb}"): ADMINS,
    ("GET", "/admin/settings"): ADMINS,
    ("GET", "/api/settings"): ADMINS,
    ("GET", "/audit"): ADMINS,
    ("GET", "/api/audit"): ADMINS,
}

# Mounted apps the guard cannot see into; each must be listed, and only public content may be mounted.
PUBLIC_MOUNTS = frozenset({"/static"})

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "stagedoor_session"


class LoginRequired(HTTPException):
    """No valid session: pages redirect to the log-in page, /api/ answers 401."""

    def __init__(self) -> None:
        super().__init__(401, "Log in first.")


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get(("GET" if method == "HEAD" else method, path))


def allowed_roles(rule: Rule, params: dict[str, Any]) -> frozenset[Role]:
    if isinstance(rule, ByParam):
        return rule.allowed(params)
    return EVERYONE if isinstance(rule, Access) else rule


def endpoints(routes: list[BaseRoute]) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, included routers flattened; ("MOUNT", path) for
    mounted apps. FastAPI >= 0.16x keeps included routers nested, hence iter_route_contexts."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        flat = [(r, getattr(r, "path", ""), getattr(r, "methods", None)) for r in routes]
    else:
        flat = [(c.original_route, c.path, c.methods) for c in iter_route_contexts(routes)]
    found = []
    for original, path, methods in flat:
        if isinstance(original, Mount):
            found.append(("MOUNT", path))
            continue
        found += [(m, path) for m in sorted(methods or ()) if m != "HEAD"]
    return found


def undeclared(routes: list[BaseRoute]) -> list[str]:
    """Routes (and mounts) with no rule: what the permission test reports."""
    missing = []
    for method, path in endpoints(routes):
        if method == "MOUNT":
            if path not in PUBLIC_MOUNTS:
                missing.append(f"mount {path}")
        elif rule_for(method, path) is None:
            missing.append(f"{method} {path}")
    return missing


async def guard(request: Request) -> None:
    """The app-wide dependency: the declared rule, the session, the role, and CSRF on changes."""
    route = request.scope.get("route")
    rule = rule_for(request.method, getattr(route, "path", ""))
    if rule is None:
        raise HTTPException(403, "No permission rule is declared for this address.")
    if isinstance(rule, Access):
        return
    user = await _session_user(request)
    if user is None:
        raise LoginRequired()
    if user.role not in allowed_roles(rule, request.path_params):
        raise HTTPException(403, f"The {user.role.value} role cannot open this page.")
    if request.method in UNSAFE:
        await _check_csrf(request)


async def _session_user(request: Request) -> User | None:
    from stagedoor.office import accounts

    desk = cast(Desk, request.app.state.desk)
    found = accounts.session_user(desk, request.cookies.get(SESSION_COOKIE, ""))
    if found is None:
        return None
    request.state.user, request.state.csrf = found
    request.state.session_token = request.cookies.get(SESSION_COOKIE, "")
    return found[0]


async def _check_csrf(request: Request) -> None:
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get("csrf_token", ""))
    if not sent or not hmac.compare_digest(sent, request.state.csrf):
        raise HTTPException(
            403, "This form has expired or did not come from the desk; reload the page and try again."
        )
