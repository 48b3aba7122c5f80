"""The correspondent dossier in the web desk, on the demo mailbox: one writer across channels with the
timeline picture, warning profile, escalation and alerts; links confirmed, merges and splits undone; and
hostile text kept inert in the page and in the chart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from fastapi.testclient import TestClient
from tests.conftest import log_in

from stagedoor import services
from stagedoor.domain import Channel, Incoming, Message, Sender, message_id_for, sha256_hex
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.web.app import create_app

ANALYST = (
    "nadia"  # the security persona the client logs in as (tests/conftest.py): who decides is who is logged in
)


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    settings, inputs = services.demo_settings(Settings(data_dir=tmp_path_factory.mktemp("dossier") / "data"))
    desk = services.open_desk(settings)
    services.ingest_sources(desk, services.plan_ingest(inputs))
    yield desk
    desk.store.close()


@pytest.fixture(scope="module")
def client(demo_desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(demo_desk), base_url="https://testserver") as c:
        log_in(c, demo_desk, "security")
        yield c


def celeste(desk: Desk) -> int:
    [found] = [c.id for c in services.correspondents(desk) if c.key == "email:celeste.moreau@example.net"]
    return found


def test_the_escalating_writer_is_one_dossier_across_channels(client: TestClient, demo_desk: Desk) -> None:
    cid = celeste(demo_desk)
    twin = client.get(f"/api/correspondents/{cid}").json()
    assert twin["channels"] == ["email", "letter"] and twin["message_count"] == 9
    assert twin["escalation"]["level"] == "imminent"
    levels = [s["level"] for s in twin["escalation_by_message"]]
    assert levels[0] == "none" and levels[-1] == "imminent"
    behaviours = twin["warning_profile"]["warning_behaviours"]
    assert behaviours["fixation"]["present"] and behaviours["pathway"]["present"]
    assert twin["warning_profile"]["features"]["grievance"]["present"]
    assert [a["to_level"] for a in twin["escalation_alerts"]] == ["imminent", "urgent", "concern"]

    page = client.get(f"/correspondents/{cid}").text
    assert f'src="/correspondents/{cid}/timeline.svg"' in page
    assert 'class="badge sev-imminent">imminent<' in page
    for reason in twin["escalation"]["reasons"][:3]:
        assert reason.replace("'", "&#39;") in page
    fixation = behaviours["fixation"]["message_ids"][0]
    assert f'href="/messages/{fixation}"' in page


def test_the_timeline_is_a_picture_with_a_dot_per_dated_message(client: TestClient, demo_desk: Desk) -> None:
    cid = celeste(demo_desk)
    svg = client.get(f"/correspondents/{cid}/timeline.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and svg.text.count("<circle") == 9
    assert ">email</text>" in svg.text and ">letter</text>" in svg.text
    assert "<script" not in svg.text


def test_the_rise_is_on_the_queue_pages_and_its_twin(client: TestClient, demo_desk: Desk) -> None:
    alerts = client.get("/api/escalations").json()
    mine = [a for a in alerts if a["correspondent_id"] == celeste(demo_desk)]
    assert mine[0]["text"].startswith("Correspondent Céleste Moreau rose from urgent to imminent")
    page = client.get("/queue/security").text
    assert "Correspondents whose level rose" in page and "rose from concern to urgent" in page
    assert "Correspondents whose level rose" not in client.get("/queue/artist").text


def test_confirming_the_suggested_alias_merges_it_and_undo_splits_it_back(
    client: TestClient, demo_desk: Desk
) -> None:
    cid = celeste(demo_desk)
    [link] = [s for s in client.get("/api/links").json() if cid in (s["a"]["id"], s["b"]["id"])]
    assert link["kind"] == "same_name" and link["status"] == "pending"
    page = client.get(f"/correspondents/{cid}").text
    assert f'action="/links/{link["id"]}/confirm"' in page

    without_token = TestClient(client.app, base_url="https://testserver", cookies=client.cookies)
    refused = without_token.post(f"/links/{link['id']}/confirm", follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token: nothing decided

    done = client.post(f"/links/{link['id']}/confirm", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/correspondents/{cid}"
    merged = client.get(f"/api/correspondents/{cid}").json()
    assert merged["message_count"] == 10 and "dm" in merged["channels"]
    [event] = merged["merges_and_splits"]
    assert event["by"] == ANALYST and len(event["message_ids"]) == 1
    assert client.get("/api/links?status=confirmed").json()[0]["decided_by"] == ANALYST

    undone = client.post(f"/identity-events/{event['id']}/undo", follow_redirects=False)
    assert undone.status_code == 303
    assert client.get(f"/api/correspondents/{cid}").json()["message_count"] == 9
    again = client.post(f"/api/identity-events/{event['id']}/undo", json={})
    assert again.status_code == 409 and "already undone" in again.json()["detail"]


def test_split_and_merge_through_the_json_twins(client: TestClient, demo_desk: Desk) -> None:
    cid = celeste(demo_desk)
    before = client.get(f"/api/correspondents/{cid}").json()
    first = before["messages"][0]["id"]
    split = client.post(f"/api/correspondents/{cid}/split", json={"message_ids": [first], "name": "not her"})
    assert split.status_code == 200, split.text
    new = split.json()["target_id"]
    assert client.get(f"/api/correspondents/{new}").json()["display_name"] == "not her"
    assert client.get(f"/api/correspondents/{cid}").json()["message_count"] == before["message_count"] - 1
    merge = client.post(f"/api/correspondents/{cid}/merge", json={"other": new})
    assert merge.status_code == 200 and merge.json()["message_ids"] == [first]
    after = client.get(f"/api/correspondents/{cid}").json()
    assert sorted(m["id"] for m in after["messages"]) == sorted(m["id"] for m in before["messages"])
    assert client.post(f"/api/correspondents/{cid}/split", json={"message_ids": ["nope"]}).status_code == 409


def test_the_split_form_moves_the_ticked_messages(client: TestClient, demo_desk: Desk) -> None:
    cid = celeste(demo_desk)
    ids = [m["id"] for m in client.get(f"/api/correspondents/{cid}").json()["messages"]]
    done = client.post(f"/correspondents/{cid}/split", data={"message": ids[:2]}, follow_redirects=False)
    assert done.status_code == 303
    new = int(done.headers["location"].rsplit("/", 1)[1])
    assert sorted(m["id"] for m in client.get(f"/api/correspondents/{new}").json()["messages"]) == sorted(
        ids[:2]
    )
    events = client.get(f"/api/correspondents/{new}").json()["merges_and_splits"]
    client.post(f"/api/identity-events/{events[0]['id']}/undo", json={})
    assert client.get(f"/api/correspondents/{cid}").json()["message_count"] == len(ids)


HOSTILE_NAME = '<script>alert("n")</script>Eve'
HOSTILE_TEXT = (
    "I found out which hotel you use <img src=x onerror=alert(2)> and I will be waiting. You owe me."
)


def test_hostile_names_and_quotes_stay_inert(tmp_path: Path) -> None:
    desk = services.open_desk(Settings(data_dir=tmp_path / "data"))
    sender = Sender(name=HOSTILE_NAME, address="eve@example.org")
    for day in range(3):
        raw = f"{day}{HOSTILE_TEXT}".encode()
        sha = sha256_hex(raw)
        when = datetime(2026, 5, 1, tzinfo=UTC) + timedelta(days=day)
        m = Message(message_id_for(sha, Channel.EMAIL), Channel.EMAIL, sender, when, "", HOSTILE_TEXT, sha)
        desk.store.add(Incoming(m, raw))
    services.read_pending(desk)
    services.refresh_people(desk)
    [c] = services.correspondents(desk)
    with TestClient(create_app(cast(Desk, desk)), base_url="https://testserver") as client:
        log_in(client, desk, "security")
        page = client.get(f"/correspondents/{c.id}").text
        svg = client.get(f"/correspondents/{c.id}/timeline.svg").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "which hotel" in page
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    desk.store.close()
