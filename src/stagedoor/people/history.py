"""A writer's history as the people package reads it: messages in time order with their flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from stagedoor.domain import Channel, Flag, MessageRecord, Sender, Severity


@dataclass(frozen=True)
class HistoryItem:
    message_id: str
    channel: Channel
    received_at: datetime | None
    text: str
    flags: tuple[Flag, ...] = ()
    sender: Sender = field(default_factory=Sender)
    language: str = ""

    @property
    def severity(self) -> Severity:
        return max((f.severity for f in self.flags), default=Severity.NONE, key=lambda s: s.rank)


def from_records(records: Iterable[MessageRecord]) -> list[HistoryItem]:
    """Oldest first; undated messages keep their stored order after the dated ones."""
    items = [
        HistoryItem(
            r.message.id,
            r.message.channel,
            r.message.received_at,
            r.message.text,
            r.reading.flags if r.reading else (),
            r.message.sender,
            (r.reading.language if r.reading else "") or r.message.language,
        )
        for r in records
    ]
    return in_time_order(items)


def in_time_order(items: Iterable[HistoryItem]) -> list[HistoryItem]:
    listed = list(items)
    dated = sorted((i for i in listed if i.received_at), key=lambda i: i.received_at or datetime.min)
    return dated + [i for i in listed if i.received_at is None]
