"""The desk's repositories on SQLite and PostgreSQL: accounts and sessions, cases, the outbox's claims,
dashboard counts, retention and erasure queries."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from stagedoor.domain import Channel, Incoming, Message, Route, Sender, Severity, message_id_for, sha256_hex
from stagedoor.domain.staff import CaseStatus, Role
from stagedoor.office import accounts, alerts, cases, dashboard, privacy
from stagedoor.services import Desk
from stagedoor.store.mapping import now
from stagedoor.store.outbox import Outbox


def item(text: str, who: str) -> Incoming:
    raw = f"{who}|{text}".encode()
    sha = sha256_hex(raw)
    sender = Sender(name=who, address=f"{who.lower()}@example.org")
    return Incoming(
        Message(message_id_for(sha, Channel.EMAIL), Channel.EMAIL, sender, now(), "", text, sha), raw
    )


def test_accounts_and_sessions(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    accounts.add_user(desk, "tom", Role.WELFARE, "a long password", "Tom")
    ok = accounts.log_in(desk, "tom", "a long password", "10.0.0.7")
    found = accounts.session_user(desk, ok.token)
    assert found is not None and found[0].username == "tom" and found[1] == ok.csrf
    accounts.set_active(desk, "tom", False)
    assert accounts.session_user(desk, ok.token) is None


def test_cases_outbox_and_dashboard(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    nadia = accounts.add_user(desk, "nadia", Role.SECURITY, "a long password", "Nadia")
    it = item("I will wait at the stage door", "Marc")
    desk.store.add(it)
    case = cases.open_for_message(desk, nadia, it.message.id)
    assert case.status is CaseStatus.OPEN and case.route is Route.SECURITY
    cases.start(desk, nadia, case.id)
    closed = cases.close(desk, nadia, case.id, "spoke to venue")
    assert [e.verb for e in closed.events] == ["open", "start", "close"]
    assert closed.first_touch_at is not None and closed.first_touch_at >= closed.opened_at

    box = Outbox(desk.store)
    first = box.enqueue("imminent", Role.SECURITY, "webhook", "http://x", "s", {}, "k1")
    assert box.enqueue("imminent", Role.SECURITY, "webhook", "http://x", "s", {}, "k1") is None
    assert [a.id for a in box.claim_due(now())] == [first]
    assert box.claim_due(now()) == []  # claimed: a second sender gets nothing
    assert [a.id for a in box.claim_due(now() + timedelta(minutes=6))] == [
        first
    ]  # a dead sender's claim lapses
    assert alerts.backoff(10, 2) == timedelta(seconds=20)

    n = dashboard.numbers(desk)
    assert n["messages"] == 1 and sum(n["volume_by_day"][d]["email"] for d in n["volume_by_day"]) == 1
    assert n["first_touch_hours"]["concern"]["cases"] == 1


def test_retention_and_erasure(any_desk: object) -> None:
    from sqlalchemy import update

    from stagedoor.store.tables import MessageRow

    desk = cast(Desk, any_desk)
    old, kept = item("old", "Ana"), item("kept", "Bea")
    desk.store.add(old)
    desk.store.add(kept)
    with desk.store.session() as s:
        s.execute(update(MessageRow).values(ingested_at=now() - timedelta(days=100)))
        s.commit()
    tom = accounts.add_user(desk, "tom", Role.WELFARE, "a long password")
    from stagedoor.store.cases import Cases

    Cases(desk.store).open(
        "Bea", Route.WELFARE, Severity.URGENT, tom.username, now(), now(), (kept.message.id,)
    )
    swept = privacy.apply_retention(desk, days=30)
    assert (swept.messages, swept.correspondents) == (1, 1)
    bea = next(c.id for c in desk.store.correspondents())
    assert privacy.erase_correspondent(desk, bea, "request") == 1
    assert desk.store.counts()["messages"] == 0
    assert Cases(desk.store).listing()[0].message_ids == ()
