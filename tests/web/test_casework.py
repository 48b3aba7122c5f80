"""Cases worked through their verb-named POSTs, the dashboard's numbers and charts, and dossier export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from deskseed import Seeded, seed
from fastapi.testclient import TestClient

from stagedoor.office import audit
from stagedoor.services import Desk


@pytest.fixture
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


def open_case(client: TestClient, message_id: str) -> int:
    got = client.post(f"/messages/{message_id}/open-case", follow_redirects=False)
    assert got.status_code == 303, got.text
    return int(got.headers["location"].rsplit("/", 1)[1])


def test_a_case_from_open_to_closed_writes_its_history(client_for: Any, desk: object, seeded: Seeded) -> None:
    nadia = client_for("security")
    case_id = open_case(nadia, seeded.imminent)
    case = nadia.get(f"/api/cases/{case_id}").json()
    assert (case["status"], case["severity"], case["team"]) == ("open", "imminent", "security")
    opened = case["opened_at"]
    from datetime import datetime

    due = datetime.fromisoformat(case["due_at"]) - datetime.fromisoformat(opened)
    assert due == timedelta(hours=1)  # imminent: one hour
    assert case["message_ids"] == [seeded.imminent]

    steps = [
        ("assign", {"assignee": "nadia"}),
        ("start", {}),
        ("act", {"action": "venue security informed", "comment": "hotel told"}),
        ("act", {"action": "referred to police", "comment": "ref 2024/118"}),
        ("link", {"message_id": seeded.xss}),
        ("link-correspondent", {"correspondent_id": str(_writer(nadia, "Fan club Lille"))}),
        ("note", {"text": "Same writer as the March letters? <b>check</b>"}),
        ("refer", {"to": "Commissariat du 8e"}),
        ("close", {"outcome": "Police took over"}),
    ]
    for verb, form in steps:
        got = nadia.post(f"/cases/{case_id}/{verb}", data=form, follow_redirects=False)
        assert got.status_code == 303, (verb, got.text)
    case = nadia.get(f"/api/cases/{case_id}").json()
    assert case["status"] == "closed" and case["assignee"] == "nadia" and case["closed_at"]
    verbs = [v.replace("act", "action").replace("link-correspondent", "link") for v, _ in steps]
    assert [e["verb"] for e in case["events"]] == ["open", *verbs]
    assert case["events"][3]["detail"] == {"action": "venue security informed", "comment": "hotel told"}
    assert case["message_ids"] == [seeded.imminent, seeded.xss]
    assert len(case["correspondent_ids"]) == 2
    page = nadia.get(f"/cases/{case_id}").text
    assert "Commissariat du 8e" in page and "&lt;b&gt;check&lt;/b&gt;" in page and "Reopen" in page
    assert nadia.post(f"/cases/{case_id}/start").status_code == 400  # closed: reopen first
    assert nadia.post(f"/cases/{case_id}/reopen", follow_redirects=False).status_code == 303
    actions = {e.action for e in audit.entries(cast(Desk, desk))}
    assert {"case.open", "case.assign", "case.close", "case.reopen", "case.action"} <= actions


def _writer(client: TestClient, name: str) -> int:
    return int(next(c["id"] for c in client.get("/api/correspondents").json() if c["display_name"] == name))


def test_cases_are_the_teams_own(client_for: Any, seeded: Seeded) -> None:
    nadia, tom = client_for("security"), client_for("welfare")
    security_case = open_case(nadia, seeded.imminent)
    welfare_case = open_case(tom, seeded.welfare)
    assert [c["id"] for c in nadia.get("/api/cases").json()] == [security_case]
    assert [c["id"] for c in tom.get("/api/cases").json()] == [welfare_case]
    assert tom.get(f"/cases/{security_case}").status_code == 404
    assert tom.post(f"/cases/{security_case}/note", data={"text": "x"}).status_code == 404
    assert nadia.post(f"/messages/{seeded.welfare}/open-case").status_code == 404
    # only a member of the case's team can be assigned
    assert nadia.post(f"/cases/{security_case}/assign", data={"assignee": "tom"}).status_code == 400


def test_unknown_verbs_and_empty_notes_are_refused_plainly(client_for: Any, seeded: Seeded) -> None:
    nadia = client_for("security")
    case_id = open_case(nadia, seeded.french)
    assert nadia.post(f"/cases/{case_id}/delete").status_code == 404
    empty = nadia.post(f"/cases/{case_id}/note", data={"text": "  "})
    assert empty.status_code == 400 and "A note needs some text." in empty.text
    assert nadia.post(f"/cases/{case_id}/act", data={"action": "fired a cannon"}).status_code == 400


def test_overdue_cases_come_first(client_for: Any, desk: object, seeded: Seeded) -> None:
    from sqlalchemy import update

    from stagedoor.store.mapping import now
    from stagedoor.store.tables import CaseRow

    nadia = client_for("security")
    urgent = open_case(nadia, seeded.french)  # urgent: due in 24 hours
    imminent = open_case(nadia, seeded.imminent)  # imminent: due in 1 hour
    later = open_case(nadia, seeded.xss)
    d = cast(Desk, desk)
    with d.store.session() as s:  # the urgent case was opened two days ago: overdue
        s.execute(update(CaseRow).where(CaseRow.id == urgent).values(due_at=now() - timedelta(days=1)))
        s.commit()
    listing = nadia.get("/api/cases").json()
    assert [c["id"] for c in listing] == [urgent, imminent, later]
    assert [c["overdue"] for c in listing] == [True, False, False]
    assert 'class="overdue"' in nadia.get("/cases").text


def test_dashboard_numbers_and_charts(client_for: Any, seeded: Seeded) -> None:
    nadia = client_for("security")
    case_id = open_case(nadia, seeded.imminent)
    nadia.post(f"/cases/{case_id}/start")
    admin = client_for("admin")
    n = admin.get("/api/dashboard").json()
    assert n["messages"] == 6
    assert n["volume_by_day"]["2024-05-01"] == {"email": 2}
    assert n["volume_by_day"]["2024-05-03"] == {"letter": 1}
    assert n["flags_by_day"]["2024-05-04"] == {"writer.suicide": 1}  # the dismissed hyperbole is not counted
    assert n["open_cases_by_age"]["under 1 hour"] == 1
    assert n["first_touch_hours"]["imminent"]["cases"] == 1
    assert n["first_touch_hours"]["imminent"]["median"] < 1
    page = admin.get("/dashboard").text
    for name in ("volume", "flags", "case-age", "first-touch"):
        assert f'src="/dashboard/charts/{name}.svg"' in page
        svg = admin.get(f"/dashboard/charts/{name}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.lstrip().startswith("<?xml") and "<svg" in svg.text and "<script" not in svg.text
    assert admin.get("/dashboard/charts/nope.svg").status_code == 404


def test_dossier_is_self_contained_escaped_and_audited(client_for: Any, desk: object, seeded: Seeded) -> None:
    nadia = client_for("security")
    case_id = open_case(nadia, seeded.xss)
    nadia.post(f"/cases/{case_id}/act", data={"action": "referred to police", "comment": "<i>urgent</i>"})
    got = nadia.get(f"/cases/{case_id}/dossier")
    assert got.status_code == 200
    assert (
        got.headers["content-disposition"] == f'attachment; filename="stagedoor-dossier-case-{case_id}.html"'
    )
    html = got.text
    import re

    bad = [t for t in re.findall(r"<[a-z]+[^>]*>", html) if t.startswith(("<script", "<img", "<link"))]
    assert bad == [], bad
    assert not re.search(r"<[^>]+\s(src|href|on\w+)=", html)  # nothing loads, links out or runs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;i&gt;urgent&lt;/i&gt;" in html
    assert "<mark>I know where you live</mark>" in html
    assert "Claims to know the home address" in html and "referred to police" in html
    assert html.count('class="message"') == 1
    [entry] = audit.entries(cast(Desk, desk), action="dossier.export")
    assert entry.target == f"case-{case_id}" and entry.detail["messages"] == [seeded.xss]


def test_a_correspondent_dossier_holds_only_what_the_team_may_read(client_for: Any, seeded: Seeded) -> None:
    tom = client_for("welfare")
    people = tom.get("/api/correspondents").json()
    marc = next(c for c in people if c["display_name"] == "Marc Dubois")
    html = tom.get(f"/correspondents/{marc['id']}/dossier").text
    assert 'class="message"' not in html  # Marc's mail went to security only
    html = client_for("security").get(f"/correspondents/{marc['id']}/dossier").text
    assert html.count('class="message"') == 2


def test_the_admin_sees_settings_with_secrets_masked(tmp_path: Any) -> None:
    from conftest import log_in
    from stagedoor import services
    from stagedoor.settings import Settings
    from stagedoor.store.cipher import new_key
    from stagedoor.web.app import create_app

    desk = services.open_desk(Settings(data_dir=tmp_path, encryption_keys=f"{new_key()},{new_key()}"))
    client = TestClient(create_app(desk), base_url="https://testserver")
    log_in(client, desk, "admin")
    shown = {s["name"]: s["value"] for s in client.get("/api/settings").json()}
    assert shown["STAGEDOOR_ENCRYPTION_KEYS"] == "set (2 key(s))"
    assert shown["STAGEDOOR_LOCKOUT_FAILURES"] == "5"
    assert desk.settings.encryption_keys.split(",")[0] not in client.get("/admin/settings").text
    client.close()
    desk.store.close()
