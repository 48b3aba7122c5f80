"""Every route with every role, against the one declared table in web/permissions.py; log-in, CSRF, lock-out,
and the object-level rules (who may read which message)."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from deskseed import Seeded, seed
from fastapi import FastAPI

from stagedoor.domain.staff import Role
from stagedoor.office import audit, cases
from stagedoor.services import Desk
from stagedoor.web import permissions
from stagedoor.web.app import create_app


@pytest.fixture
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


def _samples(desk: Desk, seeded: Seeded, case_id: int) -> dict[str, list[str]]:
    """Values to put in each path parameter (every queue name, a real message, a real case ...)."""
    marc = next(c for c in desk.store.correspondents() if c.display_name == "Marc Dubois")
    return {
        "name": ["security", "welfare", "artist"],
        "message_id": [seeded.safe],
        "correspondent_id": [str(marc.id)],
        "case_id": [str(case_id)],
        "verb": ["note", "enable"],
        "username": ["lou"],
        "suggestion_id": ["999999"],  # no such link or event: allowed roles get 404/409, others 403
        "event_id": ["999999"],
        "number": ["1"],
        "campaign_id": ["999999"],
    }


FORM = {"text": "checked", "username": "newbie", "role": "artist", "password": "a long password here"}


def _paths(template: str, samples: dict[str, list[str]]) -> list[tuple[str, dict[str, str]]]:
    names = re.findall(r"{(\w+)(?::\w+)?}", template)
    found: list[tuple[str, dict[str, str]]] = [(template, {})]
    for name in names:
        values = (
            samples[name] if name != "name" or template.startswith(("/queue", "/api/queue")) else ["volume"]
        )
        if name == "verb":
            values = ["enable"] if template.startswith("/admin") else ["note"]
        found = [
            (re.sub(r"{" + name + r"(?::\w+)?}", v, path, count=1), {**params, name: v})
            for path, params in found
            for v in values
        ]
    return found


def test_every_route_and_mount_has_a_declared_rule(desk: object) -> None:
    app = create_app(cast(Desk, desk))
    assert permissions.undeclared(app.routes) == []


def test_a_route_without_a_rule_fails_the_check_and_is_refused(client_for: Any, desk: object) -> None:
    client = client_for("admin")
    app = cast(FastAPI, client.app)
    app.add_api_route("/undeclared", lambda: {"ok": True}, methods=["GET"])
    assert permissions.undeclared(app.routes) == ["GET /undeclared"]
    assert client.get("/undeclared").status_code == 403


def test_every_route_with_every_role_matches_the_table(client_for: Any, desk: object, seeded: Seeded) -> None:
    d = cast(Desk, desk)
    clients = {role: client_for(role.value) for role in Role}
    anonymous = client_for()
    nadia = next(
        u for u in __import__("stagedoor.office.accounts").office.accounts.users(d) if u.username == "nadia"
    )
    case_id = cases.open_for_message(d, nadia, seeded.imminent).id
    samples = _samples(d, seeded, case_id)
    app = cast(FastAPI, anonymous.app)
    wrong: list[str] = []
    checked = 0
    for method, template in permissions.endpoints(app.routes):
        if method == "MOUNT":
            continue
        if True:
            rule = permissions.rule_for(method, template)
            assert rule is not None
            for path, params in _paths(template, samples):
                allowed = permissions.allowed_roles(rule, params)
                for role in Role if not isinstance(rule, permissions.Access) else ():
                    if method == "POST" and path == "/logout":
                        client = client_for(role.value)  # logging out ends the session: its own client
                    else:
                        client = clients[role]
                    got = client.request(
                        method, path, data=FORM if method == "POST" else None, follow_redirects=False
                    )
                    checked += 1
                    refused = got.status_code in (401, 403) or got.headers.get("location", "").startswith(
                        "/login?next="
                    )
                    if (role in allowed) == refused:
                        wrong.append(
                            f"{method} {path} as {role.value}: {got.status_code}, table says {sorted(allowed)}"
                        )
                got = anonymous.request(
                    method, path, data=FORM if method == "POST" else None, follow_redirects=False
                )
                if (
                    rule is permissions.TOKEN
                ):  # refused by the route's own token check, not by the session guard
                    if got.status_code != 401 or "www-authenticate" not in got.headers:
                        wrong.append(f"{method} {path} anonymous: {got.status_code}, expected a token 401")
                    elif "Log in first" in got.text:
                        wrong.append(f"{method} {path} is token-authenticated but asked for a log-in")
                elif isinstance(rule, permissions.Access):
                    if got.status_code == 401 or "/login?next" in got.headers.get("location", ""):
                        wrong.append(f"{method} {path} is public but asked for a log-in")
                elif path.startswith("/api/"):
                    if got.status_code != 401:
                        wrong.append(f"{method} {path} anonymous: {got.status_code}, expected 401")
                elif got.status_code != 303 or not got.headers["location"].startswith("/login?next="):
                    wrong.append(
                        f"{method} {path} anonymous: {got.status_code}, expected a redirect to log in"
                    )
    assert wrong == [], "\n".join(wrong)
    assert checked > 100
    served = {e for e in permissions.endpoints(app.routes) if e[0] != "MOUNT"}
    assert served == set(permissions.RULES), "the table declares routes the app does not serve"


def test_anonymous_pages_redirect_to_log_in_and_come_back(client_for: Any, seeded: Seeded) -> None:
    anonymous = client_for()
    got = anonymous.get("/queue/welfare?page=1", follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/login?next=/queue/welfare%3Fpage%3D1"
    assert anonymous.get("/api/queue/welfare").json() == {"detail": "Log in first."}
    login = anonymous.get("/login?next=/queue/welfare")
    assert 'name="next" value="/queue/welfare"' in login.text


def test_log_in_sets_a_hardened_cookie_and_is_audited(client_for: Any, desk: object) -> None:
    client = client_for()
    from conftest import PASSWORD, ensure_persona  # the shared personas

    ensure_persona(desk, "welfare")
    client.get("/login")
    form = {"username": "tom", "password": PASSWORD, "login_csrf": client.cookies.get("stagedoor_login_csrf")}
    got = client.post("/login", data=form, follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/queue/welfare"
    cookie = got.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    [entry] = audit.entries(cast(Desk, desk), action="login")
    assert (entry.actor, entry.source) == ("tom", "testclient")


def test_open_redirect_after_log_in_is_refused(client_for: Any, desk: object) -> None:
    from conftest import PASSWORD, ensure_persona

    ensure_persona(desk, "security")
    client = client_for()
    client.get("/login")
    token = client.cookies.get("stagedoor_login_csrf")
    form = {"username": "nadia", "password": PASSWORD, "login_csrf": token, "next": "//evil.example/x"}
    got = client.post("/login", data=form, follow_redirects=False)
    assert got.headers["location"] == "/queue/security"


def test_log_in_form_without_its_csrf_cookie_is_refused(client_for: Any, desk: object) -> None:
    from conftest import PASSWORD, ensure_persona

    ensure_persona(desk, "security")
    got = client_for().post(
        "/login", data={"username": "nadia", "password": PASSWORD, "login_csrf": "forged"}
    )
    assert got.status_code == 403 and "expired" in got.text
    assert "stagedoor_session" not in got.cookies


def test_a_change_without_the_csrf_token_is_refused(client_for: Any, desk: object, seeded: Seeded) -> None:
    client = client_for("security")
    forged = client.post(f"/messages/{seeded.imminent}/open-case", headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    del client.headers["X-CSRF-Token"]
    assert client.post(f"/messages/{seeded.imminent}/open-case", data={}).status_code == 403
    assert cases.listing(cast(Desk, desk), _user(desk, "nadia")) == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/messages/{seeded.imminent}").text)
    assert token is not None
    ok = client.post(
        f"/messages/{seeded.imminent}/open-case", data={"csrf_token": token[1]}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"].startswith("/cases/")


def _user(desk: object, username: str) -> Any:
    from stagedoor.office import accounts

    return next(u for u in accounts.users(cast(Desk, desk)) if u.username == username)


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client_for: Any, desk: object
) -> None:
    from conftest import PASSWORD, ensure_persona

    ensure_persona(desk, "artist")
    client = client_for()
    limit = cast(Desk, desk).settings.lockout_failures
    for _ in range(limit):
        client.get("/login")
        form = {
            "username": "lou",
            "password": "wrong password!",
            "login_csrf": client.cookies.get("stagedoor_login_csrf"),
        }
        assert client.post("/login", data=form).status_code == 401
    client.get("/login")
    form = {"username": "lou", "password": PASSWORD, "login_csrf": client.cookies.get("stagedoor_login_csrf")}
    got = client.post("/login", data=form)
    assert got.status_code == 401 and "locked" in got.text
    actions = [e.action for e in audit.entries(cast(Desk, desk))]
    assert actions.count("login.failed") == limit and "user.locked" in actions and "login.refused" in actions


def test_a_disabled_user_is_logged_out_at_once(client_for: Any, desk: object) -> None:
    from stagedoor.office import accounts

    client = client_for("artist")
    assert client.get("/queue/artist").status_code == 200
    accounts.set_active(cast(Desk, desk), "lou", False)
    assert client.get("/queue/artist", follow_redirects=False).status_code == 303


def test_the_artist_sees_only_cleared_read_mail(client_for: Any, seeded: Seeded) -> None:
    artist = client_for("artist")
    assert [r["id"] for r in artist.get("/api/queue/artist").json()] == [seeded.safe]
    for hidden in (seeded.imminent, seeded.welfare, seeded.xss, seeded.unread):
        assert artist.get(f"/messages/{hidden}").status_code == 404
        assert artist.get(f"/api/messages/{hidden}").status_code == 404
    assert artist.get(f"/messages/{seeded.safe}").status_code == 200
    page = artist.get("/queue/artist").text
    assert "/queue/security" not in page and "/queue/welfare" not in page and "/correspondents" not in page


def test_security_does_not_read_welfare_disclosures_and_welfare_not_threats(
    client_for: Any, seeded: Seeded
) -> None:
    security, welfare = client_for("security"), client_for("welfare")
    assert security.get(f"/messages/{seeded.welfare}").status_code == 404
    assert welfare.get(f"/messages/{seeded.imminent}").status_code == 404
    assert welfare.get(f"/messages/{seeded.welfare}").status_code == 200
    sam = next(c for c in welfare.get("/api/correspondents").json() if "sam_sings" in c["display_name"])
    assert [m["id"] for m in welfare.get(f"/api/correspondents/{sam['id']}").json()["messages"]] == [
        seeded.welfare
    ]
    assert security.get(f"/api/correspondents/{sam['id']}").json()["messages"] == []
    assert "went to another team" in security.get(f"/correspondents/{sam['id']}").text


def test_every_view_of_a_message_body_is_audited(client_for: Any, desk: object, seeded: Seeded) -> None:
    client = client_for("security")
    client.get(f"/messages/{seeded.imminent}")
    client.get(f"/api/messages/{seeded.imminent}")
    views = audit.entries(cast(Desk, desk), action="message.view")
    assert [(e.actor, e.target, e.detail["via"]) for e in reversed(views)] == [
        ("nadia", seeded.imminent, f"/messages/{seeded.imminent}"),
        ("nadia", seeded.imminent, f"/api/messages/{seeded.imminent}"),
    ]
    assert client_for("artist").get(f"/messages/{seeded.imminent}").status_code == 404
    assert len(audit.entries(cast(Desk, desk), action="message.view")) == 2  # a refused view shows nothing


def test_logout_ends_the_session_on_the_server(client_for: Any, desk: object) -> None:
    client = client_for("welfare")
    token = client.cookies.get("stagedoor_session")
    assert client.post("/logout", follow_redirects=False).status_code == 303
    from stagedoor.office import accounts

    assert accounts.session_user(cast(Desk, desk), token or "") is None
    assert client.get("/api/queue/welfare").status_code == 401
