"""`POST /api/intake` through the ASGI app: tokens, size and rate limits, idempotency, both body kinds.

The contract is also fuzzed from the app's own OpenAPI schema with schemathesis (bounded examples).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from stagedoor import intake, services
from stagedoor.domain import Channel
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.web.app import create_app

POST = {"text": "Je t'ai vue à Lyon, merci pour tout.", "name": "Camille", "email": "camille@example.org"}
RAW = b"From: Theo <theo@example.org>\r\nSubject: hello\r\nMessage-ID: <t1@example.org>\r\n\r\nLoved the show.\r\n"


@pytest.fixture
def api_desk(any_settings: Settings) -> Iterator[Desk]:
    """On SQLite and on PostgreSQL: tokens and idempotency keys are rows like any other."""
    desk = services.open_desk(
        any_settings.model_copy(update={"intake_max_bytes": 4000, "intake_rate_per_minute": 10_000})
    )
    yield desk
    desk.store.close()


@pytest.fixture
def client(api_desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(api_desk)) as c:
        yield c


@pytest.fixture
def token(api_desk: Desk) -> str:
    return intake.add_token(api_desk, "contact-form")[0]


def auth(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def test_a_form_post_is_stored_read_and_routed(client: TestClient, api_desk: Desk, token: str) -> None:
    done = client.post("/api/intake", json=POST, headers=auth(token))
    assert done.status_code == 202, done.text
    body = done.json()
    assert body["status"] == "stored"
    record = services.message(api_desk, body["message_id"])
    assert record is not None and record.message.channel is Channel.FORM
    assert record.message.sender.address == "camille@example.org"
    assert record.message.origin == "api:contact-form"
    assert record.reading is not None  # read after the response, before the test client returned
    again = client.post("/api/intake", json=dict(reversed(POST.items())), headers=auth(token))
    assert again.json() == {**body, "status": "duplicate"}


def test_each_post_updates_its_writers_escalation_at_once(
    client: TestClient, api_desk: Desk, token: str
) -> None:
    letters = [
        "Tu es mon âme sœur, je le sais depuis ton dernier album.",
        "Je sais dans quel hôtel tu dors à Lyon. Je serai devant ton hôtel samedi soir, je t'attendrai.",
    ]
    for text in letters:
        done = client.post("/api/intake", json={**POST, "text": text}, headers=auth(token))
        assert done.status_code == 202, done.text
    record = services.message(api_desk, done.json()["message_id"])
    assert record is not None
    levels = services.escalation_levels(api_desk)
    assert levels.get(record.correspondent_id) not in (
        None,
        "none",
    )  # decided per post, not at a later ingest


def test_a_raw_email_is_stored_and_garbage_is_quarantined(
    client: TestClient, api_desk: Desk, token: str
) -> None:
    email = client.post("/api/intake", content=RAW, headers=auth(token, **{"Content-Type": "message/rfc822"}))
    assert email.status_code == 202 and email.json()["status"] == "stored"
    record = services.message(api_desk, email.json()["message_id"])
    assert record is not None and record.message.external_id == "<t1@example.org>"
    junk = client.post(
        "/api/intake", content=b"\x00\x01\x02", headers=auth(token, **{"Content-Type": "message/rfc822"})
    )
    assert junk.status_code == 202
    assert junk.json()["status"] == "quarantined" and junk.json()["message_id"] is None
    assert api_desk.store.quarantined_raw(services.quarantine(api_desk)[0].id) == b"\x00\x01\x02"


@pytest.mark.parametrize("header", [None, "Bearer sdi_not-a-token", "Basic Zm9vOmJhcg=="])
def test_no_valid_token_is_401(client: TestClient, header: str | None) -> None:
    done = client.post("/api/intake", json=POST, headers={"Authorization": header} if header else {})
    assert done.status_code == 401
    assert "stagedoor token add" in done.json()["detail"] and done.headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_working(client: TestClient, api_desk: Desk, token: str) -> None:
    assert client.post("/api/intake", json=POST, headers=auth(token)).status_code == 202
    [record] = intake.tokens(api_desk)
    assert intake.revoke_token(api_desk, record.id)
    assert client.post("/api/intake", json=POST, headers=auth(token)).status_code == 401
    assert intake.tokens(api_desk)[0].last_used_at is not None


def test_idempotency_key_replays_the_first_response(client: TestClient, api_desk: Desk, token: str) -> None:
    first = client.post("/api/intake", json=POST, headers=auth(token, **{"Idempotency-Key": "form-42"}))
    second = client.post("/api/intake", json=POST, headers=auth(token, **{"Idempotency-Key": "form-42"}))
    assert first.status_code == 202 and second.status_code == 200
    assert second.json() == first.json() and second.headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/api/intake", json={**POST, "text": "autre"}, headers=auth(token, **{"Idempotency-Key": "form-42"})
    )
    assert other.status_code == 422 and "different body" in other.json()["detail"]
    assert api_desk.store.counts()["messages"] == 1


def test_an_oversized_body_is_413_and_stores_nothing(client: TestClient, api_desk: Desk, token: str) -> None:
    done = client.post("/api/intake", json={**POST, "text": "x" * 5000}, headers=auth(token))
    assert done.status_code == 413 and "limit" in done.json()["detail"]
    assert api_desk.store.counts() == {"messages": 0, "quarantined": 0, "correspondents": 0, "readings": 0}


def test_other_content_types_are_415(client: TestClient, token: str) -> None:
    done = client.post(
        "/api/intake", content=b"text=hi", headers=auth(token, **{"Content-Type": "text/plain"})
    )
    assert done.status_code == 415 and "message/rfc822" in done.json()["detail"]


def test_an_invalid_post_is_422_naming_the_field(client: TestClient, token: str) -> None:
    done = client.post("/api/intake", json={"name": "no text"}, headers=auth(token))
    assert done.status_code == 422
    assert [e["loc"] for e in done.json()["detail"]] == [["text"]]
    broken = client.post(
        "/api/intake", content=b"{not json", headers=auth(token, **{"Content-Type": "application/json"})
    )
    assert broken.status_code == 422


def test_each_token_has_its_own_rate_limit(tmp_path: Path) -> None:
    desk = services.open_desk(Settings(data_dir=tmp_path / "d", intake_rate_per_minute=3))
    first, second = intake.add_token(desk, "form")[0], intake.add_token(desk, "instagram")[0]
    with TestClient(create_app(desk)) as c:
        codes = [
            c.post("/api/intake", json={"text": f"n{i}"}, headers=auth(first)).status_code for i in range(4)
        ]
        assert codes == [202, 202, 202, 429]
        limited = c.post("/api/intake", json={"text": "again"}, headers=auth(first))
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert c.post("/api/intake", json={"text": "other"}, headers=auth(second)).status_code == 202
    desk.store.close()


def test_the_schema_documents_bodies_responses_and_the_token(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/intake"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "message/rfc822"}
    assert {"202", "200", "401", "413", "415", "422", "429"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"]["IntakeToken"] == {
        "type": "http", "scheme": "bearer", "description": operation_description(schema)
    }  # fmt: skip
    assert operation["security"] == [{"IntakeToken": []}]


def operation_description(schema: dict[str, Any]) -> str:
    return str(schema["components"]["securitySchemes"]["IntakeToken"]["description"])


def test_token_commands_add_list_revoke(tmp_path: Path) -> None:
    env = os.environ | {"STAGEDOOR_DATA_DIR": str(tmp_path / "d")}
    exe = str(Path(sys.executable).with_name("stagedoor"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, "token", *args], env=env, capture_output=True, text=True, check=False)

    added = run("add", "contact-form")
    assert added.returncode == 0 and "token 1 for contact-form: sdi_" in added.stdout
    clear = added.stdout.split(": ", 1)[1].strip()
    listed = run("list")
    assert "contact-form" in listed.stdout and clear not in listed.stdout  # shown once, never again
    assert run("revoke", "1").returncode == 0
    again = run("revoke", "1")
    assert again.returncode == 2 and "no live token with id 1" in again.stderr


def test_posted_copies_group_with_copies_stored_by_another_process(
    client: TestClient, api_desk: Desk, token: str
) -> None:
    from test_campaigns import CHAIN, put

    def post(sign: str) -> str:
        done = client.post(
            "/api/intake", json={"text": CHAIN + sign, "email": f"{sign}@example.org"}, headers=auth(token)
        )
        assert done.status_code == 202
        return str(done.json()["message_id"])

    first, second = post("ana"), post("ben")
    services.group_campaigns(api_desk)  # nothing new: the app already grouped both
    put(api_desk, "cli@example.org", CHAIN + "\nfrom the mail room", datetime(2026, 4, 3, tzinfo=UTC))
    assert services.group_campaigns(api_desk) == 1  # grouped elsewhere, with a fresh index
    fourth = post("dan")
    groups = services.campaigns_of(api_desk, [first, second, fourth])
    assert len(groups) == 3 and len(set(groups.values())) == 1 and groups[fourth][1] == 4


# ---- the contract, fuzzed from the schema ------------------------------------------------------------


def test_intake_keeps_its_schema(client: TestClient, token: str) -> None:
    """Every generated post gets a documented status and a body matching the schema; never a 500."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    operation = schema["/api/intake"]["POST"]
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    seen: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        seen.add(case.call_and_validate(checks=checks).status_code)

    check()
    assert 202 in seen and 422 in seen, seen  # it reached both the happy path and the refusals
