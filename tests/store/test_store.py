"""The store on SQLite and PostgreSQL: dedup, quarantine, readings, queue order, correspondents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from stagedoor.domain import (
    Attachment,
    Category,
    Channel,
    Evidence,
    Flag,
    Incoming,
    Message,
    Quarantined,
    Reading,
    Route,
    Sender,
    Severity,
    message_id_for,
    sha256_hex,
)
from stagedoor.settings import Settings
from stagedoor.store import Store
from stagedoor.store.tables import Base
from stagedoor.triage import triage

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(any_settings: Settings) -> Iterator[Store]:
    any_settings.data_dir.mkdir(parents=True, exist_ok=True)
    s = Store(any_settings.resolved_database_url)
    s.migrate()
    yield s
    s.close()


def incoming(text: str, sender: Sender, when: datetime, channel: Channel = Channel.EMAIL) -> Incoming:
    raw = f"From: {sender.address}\n\n{text}".encode()
    digest = sha256_hex(raw)
    message = Message(
        id=message_id_for(digest, channel),
        channel=channel,
        sender=sender,
        received_at=when,
        subject="",
        text=text,
        raw_sha256=digest,
        attachments=(Attachment("drawing.png", "image/png", 1234, "ab" * 32),),
    )
    return Incoming(message, raw)


def reading_for(item: Incoming, severity: Severity, score: float, category: Category) -> Reading:
    flags = ()
    if severity > Severity.NONE:
        span = item.message.text[:4]
        flags = (Flag(category, severity, score, (Evidence(0, 4, span),), "The writer says so."),)
    return triage(Reading(item.message.id, "en", flags, severity, (), "test.v1"))


ANNA = Sender(name="Anna", address="anna@example.com")
BOB = Sender(name="Bob", address="BOB@Example.com")


def test_migrations_create_exactly_the_declared_schema(store: Store) -> None:
    found = set(inspect(store.engine).get_table_names()) - {"alembic_version"}
    assert found == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        columns = {c["name"] for c in inspect(store.engine).get_columns(name)}
        assert columns == {c.name for c in table.columns}, name


def test_same_bytes_same_channel_is_stored_once(store: Store) -> None:
    item = incoming("I love the new album", ANNA, T0)
    assert store.add(item).new == 1
    assert store.add(item).duplicate == 1
    assert store.counts()["messages"] == 1
    assert store.raw(item.message.id) == item.raw


def test_quarantine_keeps_raw_bytes_and_reason_once(store: Store) -> None:
    bad = Quarantined(b"\x00\xff\x00garbage", Channel.EMAIL, "x.eml", "not an email: no headers found")
    assert store.add(bad).quarantined == 1
    assert store.add(bad).quarantined_duplicate == 1
    [record] = store.quarantine()
    assert record.reason == "not an email: no headers found"
    assert store.quarantined_raw(record.id) == bad.raw


def test_queue_orders_by_severity_then_score_then_age(store: Store) -> None:
    items = [
        (incoming("old concern", ANNA, T0), Severity.CONCERN, 0.6),
        (incoming("new concern high score", ANNA, T0 + timedelta(days=2)), Severity.CONCERN, 0.9),
        (incoming("newer imminent", BOB, T0 + timedelta(days=3)), Severity.IMMINENT, 0.7),
        (incoming("older concern same score", BOB, T0 - timedelta(days=1)), Severity.CONCERN, 0.6),
    ]
    for item, severity, score in items:
        store.add(item)
        store.save_reading(reading_for(item, severity, score, Category.ARTIST_THREAT))
    texts = [r.message.text for r in store.queue(Route.SECURITY)]
    assert texts == ["newer imminent", "new concern high score", "older concern same score", "old concern"]
    assert store.queue(Route.WELFARE) == []
    assert store.queue_counts()[Route.SECURITY] == 4


def test_artist_inbox_holds_only_read_unflagged_mail(store: Store) -> None:
    safe, unread = incoming("thank you", ANNA, T0), incoming("not read yet", ANNA, T0)
    store.add(safe)
    store.add(unread)
    store.save_reading(reading_for(safe, Severity.NONE, 0.0, Category.WRITER_DISTRESS))
    assert [r.message.text for r in store.queue(Route.ARTIST)] == ["thank you"]
    assert [m.text for m in store.messages_needing_reading("test.v1")] == ["not read yet"]


def test_new_reading_replaces_current_and_round_trips(store: Store) -> None:
    item = incoming("help me", ANNA, T0)
    store.add(item)
    store.save_reading(reading_for(item, Severity.LOW, 0.2, Category.WRITER_DISTRESS))
    newer = reading_for(item, Severity.URGENT, 0.8, Category.WRITER_SUICIDE)
    store.save_reading(newer)
    record = store.message(item.message.id)
    assert record is not None and record.reading == newer
    assert record.message.attachments == item.message.attachments
    assert record.message.received_at == T0
    assert store.queue(Route.WELFARE)[0].message.id == item.message.id


def test_correspondent_is_keyed_by_normalised_address_in_time_order(store: Store) -> None:
    later = incoming("second", BOB, T0 + timedelta(days=5))
    earlier = incoming("first", Sender(name="Bob B.", address="bob@example.com"), T0, Channel.EMAIL)
    store.add(later)
    store.add(earlier)
    [bob] = [c for c in store.correspondents() if c.key == "email:bob@example.com"]
    assert bob.message_count == 2 and bob.first_seen == T0
    file = store.correspondent(bob.id)
    assert file is not None
    assert [m.message.text for m in file.messages] == ["first", "second"]
    assert store.correspondent(10_000) is None
