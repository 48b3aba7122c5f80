"""The numbers behind the dashboard, bucketed in Python so SQLite and PostgreSQL agree to the day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from stagedoor.store.mapping import utc
from stagedoor.store.repository import Store
from stagedoor.store.tables import FlagRow, MessageRow, ReadingRow


def _day(received: datetime | None, ingested: datetime) -> date:
    return (utc(received) or utc(ingested) or ingested).date()


def volume_by_day(store: Store) -> dict[str, dict[str, int]]:
    """{"2024-05-01": {"email": 3, "dm": 1}, ...}: when written (or stored, when the date is unknown)."""
    out: dict[str, dict[str, int]] = {}
    with store.session() as s:
        for channel, received, ingested in s.execute(
            select(MessageRow.channel, MessageRow.received_at, MessageRow.ingested_at)
        ):
            day = out.setdefault(_day(received, ingested).isoformat(), {})
            day[channel] = day.get(channel, 0) + 1
    return dict(sorted(out.items()))


def flags_by_day(store: Store) -> dict[str, dict[str, int]]:
    """Flags that stand (not set aside) on current readings, by category and day written."""
    out: dict[str, dict[str, int]] = {}
    query = (
        select(FlagRow.category, MessageRow.received_at, MessageRow.ingested_at)
        .join(ReadingRow, ReadingRow.id == FlagRow.reading_id)
        .join(MessageRow, MessageRow.id == ReadingRow.message_id)
        .where(ReadingRow.current.is_(True), FlagRow.suppressed.is_(False))
    )
    with store.session() as s:
        for category, received, ingested in s.execute(query):
            day = out.setdefault(_day(received, ingested).isoformat(), {})
            day[category] = day.get(category, 0) + 1
    return dict(sorted(out.items()))


def message_total(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(MessageRow)) or 0)
