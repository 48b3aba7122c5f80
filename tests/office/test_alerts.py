"""Alerts against a real SMTP server (aiosmtpd) and a real HTTP receiver on loopback, including a receiver
that is down and comes back: the outbox keeps every alert until it is delivered."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from stagedoor import services
from stagedoor.domain import Category, Channel, Evidence, Flag, Reading, Route, Sender, Severity
from stagedoor.domain.staff import Role
from stagedoor.office import accounts, alerts, audit
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.store.mapping import now

PLAN = "i've saved up my pills and tonight is the night. thank you for everything xx"


class LoopbackSMTP(Controller):
    """aiosmtpd on a socket bound here to port 0: no moment in which another process can take the port."""

    def __init__(self, handler: Any) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1])

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.mails: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class Receiver:
    """A webhook receiver on a free port that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port, self.bodies = 0, cast(list[dict[str, Any]], [])
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        self.server = self._bind(Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _bind(self, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
        """Port 0 the first time; a restart wants its old port back, so it waits a moment if that is held."""
        for _ in range(50):
            try:
                return ThreadingHTTPServer(("127.0.0.1", self.port), handler)
            except OSError:
                if self.port == 0:
                    raise
                time.sleep(0.1)
        return ThreadingHTTPServer(("127.0.0.1", self.port), handler)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = LoopbackSMTP(inbox)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def alert_desk(tmp_path: Path, smtp: tuple[Inbox, int], receiver: Receiver) -> Iterator[Desk]:
    settings = Settings(
        data_dir=tmp_path / "data",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        webhook_url=f"http://127.0.0.1:{receiver.port}/hook",
        alert_backoff_seconds=60,
        alert_max_attempts=4,
    )
    desk = services.open_desk(settings)
    accounts.add_user(desk, "tom", Role.WELFARE, "a long password 1", "Tom", "tom@desk.example")
    accounts.add_user(desk, "nadia", Role.SECURITY, "a long password 2", "Nadia", "nadia@desk.example")
    yield desk
    desk.store.close()


def imminent_reading(message_id: str) -> Reading:
    flag = Flag(
        Category.WRITER_SUICIDE, Severity.IMMINENT, 0.96, (Evidence(0, 10, PLAN[:10]),), "A plan and a time."
    )
    return Reading(message_id, "en", (flag,), Severity.IMMINENT, (Route.WELFARE,), "test.v1")


def message(message_id: str = "m1") -> Any:
    from stagedoor.domain import Message

    return Message(message_id, Channel.DM, Sender(handle="paperboat_girl"), None, "", PLAN, "ab" * 32)


def test_an_imminent_flag_emails_the_team_and_posts_the_webhook_once(
    alert_desk: Desk, smtp: tuple[Inbox, int], receiver: Receiver
) -> None:
    ids = alerts.on_reading(alert_desk, message(), imminent_reading("m1"))
    assert len(ids) == 2
    inbox = smtp[0]
    [mail] = inbox.mails
    assert mail["To"] == "tom@desk.example"  # welfare only: security is not told of a writer's plan
    assert "imminent writer.suicide" in mail["Subject"]
    assert PLAN not in mail.get_content() and "message_id: m1" in mail.get_content()
    [body] = receiver.bodies
    assert body["role"] == "welfare" and body["message_id"] == "m1" and body["kind"] == "imminent"
    assert {a.status for a in alerts.listing(alert_desk)} == {"sent"}
    assert (
        alerts.on_reading(alert_desk, message(), imminent_reading("m1")) == []
    )  # read again: no second alert
    assert len(inbox.mails) == 1 and len(receiver.bodies) == 1


def test_a_receiver_that_is_down_gets_the_alert_when_it_comes_back(
    alert_desk: Desk, receiver: Receiver
) -> None:
    receiver.stop()
    alerts.on_reading(alert_desk, message(), imminent_reading("m1"))
    webhook = next(a for a in alerts.listing(alert_desk) if a.channel == "webhook")
    assert (webhook.status, webhook.attempts) == ("pending", 1)
    assert "Connection refused" in webhook.last_error or "URLError" in webhook.last_error
    assert webhook.next_attempt_at is not None and webhook.next_attempt_at > now() + timedelta(seconds=50)

    assert alerts.deliver_due(alert_desk).sent == 0  # not due yet: back-off holds it
    later = now() + timedelta(seconds=61)
    assert alerts.deliver_due(alert_desk, at=later).retrying == 1  # still down: tried again, later still

    receiver.start()
    done = alerts.deliver_due(alert_desk, at=later + timedelta(seconds=121))
    assert done.sent == 1
    assert [b["message_id"] for b in receiver.bodies] == ["m1"]
    from stagedoor.store.outbox import Outbox

    tries = Outbox(alert_desk.store).attempts(webhook.id)
    assert [ok for _, ok, _ in tries] == [False, False, True]


def test_an_alert_that_never_gets_through_is_marked_failed_and_can_be_retried(
    alert_desk: Desk, receiver: Receiver
) -> None:
    receiver.stop()
    alerts.on_reading(alert_desk, message(), imminent_reading("m1"))
    at = now()
    for _ in range(5):
        at += timedelta(hours=2)
        alerts.deliver_due(alert_desk, at=at)
    webhook = next(a for a in alerts.listing(alert_desk) if a.channel == "webhook")
    assert (webhook.status, webhook.attempts) == ("failed", 4)
    assert any(e.action == "alert.failed" for e in audit.entries(alert_desk))
    receiver.start()
    assert alerts.retry_failed(alert_desk) == 1
    assert alerts.deliver_due(alert_desk).sent == 1
    assert len(receiver.bodies) == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [alerts.backoff(30, n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert alerts.backoff(30, 20) == timedelta(hours=1)


def test_a_correspondent_rising_to_urgent_alerts_security_once(
    alert_desk: Desk, smtp: tuple[Inbox, int]
) -> None:
    assert alerts.correspondent_escalated(alert_desk, 7, Severity.CONCERN, Route.SECURITY) == []
    assert len(alerts.correspondent_escalated(alert_desk, 7, Severity.URGENT, Route.SECURITY)) == 2
    assert alerts.correspondent_escalated(alert_desk, 7, Severity.URGENT, Route.SECURITY) == []
    [mail] = smtp[0].mails
    assert mail["To"] == "nadia@desk.example" and "correspondent 7 is now urgent" in mail["Subject"]


def test_reading_new_mail_raises_the_imminent_alert(
    alert_desk: Desk, receiver: Receiver, tmp_path: Path
) -> None:
    """The trigger is wired into reading itself: ingest a DM with a plan and a time, the webhook hears."""
    dms = tmp_path / "dms.csv"
    dms.write_text(
        "id,sender,name,platform,date,text,channel\n"
        f"dm-1,@paperboat_girl,Nat,instagram,2026-09-04T23:12:00+01:00,{PLAN},dm\n",
        encoding="utf-8",
    )
    services.ingest_sources(alert_desk, services.plan_ingest([dms]))
    [record] = services.queue(alert_desk, Route.WELFARE)
    assert record.reading is not None and record.reading.severity is Severity.IMMINENT
    assert [b["message_id"] for b in receiver.bodies] == [record.message.id]


def test_ingesting_the_escalating_demo_writer_alerts_security_by_mail(
    alert_desk: Desk, smtp: tuple[Inbox, int]
) -> None:
    _, inputs = services.demo_settings(alert_desk.settings)
    services.ingest_sources(alert_desk, services.plan_ingest(inputs))  # Céleste rises to imminent
    raised = [a for a in alerts.listing(alert_desk) if a.kind == "correspondent"]
    assert raised and {a.role for a in raised} >= {Role.SECURITY}
    assert all(a.payload["severity"] in ("urgent", "imminent") for a in raised)
    services.ingest_sources(alert_desk, services.plan_ingest(inputs))  # the same mail again: no new alert
    assert len([a for a in alerts.listing(alert_desk) if a.kind == "correspondent"]) == len(raised)
    assert any("is now" in m["Subject"] and m["To"] == "nadia@desk.example" for m in smtp[0].mails)
