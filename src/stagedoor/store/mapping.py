"""Rows to domain records and back; kept apart so the repository reads as queries only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from stagedoor.domain import (
    Attachment,
    Category,
    Channel,
    Evidence,
    Flag,
    Message,
    MessageRecord,
    Reading,
    Route,
    Sender,
    Severity,
)
from stagedoor.store.tables import AttachmentRow, FlagRow, MessageRow, ReadingRouteRow, ReadingRow


def utc(value: datetime | None) -> datetime | None:
    """SQLite drops the zone: stored values are UTC, so put it back on the way out."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def message_row(message: Message, correspondent_id: int) -> MessageRow:
    s = message.sender
    return MessageRow(
        id=message.id,
        channel=message.channel.value,
        raw_sha256=message.raw_sha256,
        correspondent_id=correspondent_id,
        sender_name=s.name,
        sender_address=s.address,
        sender_handle=s.handle,
        sender_platform=s.platform,
        sender_postal=s.postal_address,
        received_at=utc(message.received_at),
        subject=message.subject,
        text=message.text,
        language=message.language,
        origin=message.origin,
        external_id=message.external_id,
        notes=list(message.notes),
        ingested_at=now(),
        attachments=[
            AttachmentRow(filename=a.filename, content_type=a.content_type, size=a.size, sha256=a.sha256)
            for a in message.attachments
        ],
    )


def to_message(row: MessageRow) -> Message:
    return Message(
        id=row.id,
        channel=Channel(row.channel),
        sender=Sender(
            name=row.sender_name,
            address=row.sender_address,
            handle=row.sender_handle,
            platform=row.sender_platform,
            postal_address=row.sender_postal,
        ),
        received_at=utc(row.received_at),
        subject=row.subject,
        text=row.text,
        raw_sha256=row.raw_sha256,
        language=row.language,
        attachments=tuple(
            Attachment(filename=a.filename, content_type=a.content_type, size=a.size, sha256=a.sha256)
            for a in row.attachments
        ),
        origin=row.origin,
        external_id=row.external_id,
        notes=tuple(row.notes or ()),
    )


def _flag_row(flag: Flag, suppressed: bool) -> FlagRow:
    return FlagRow(
        category=flag.category.value,
        severity=flag.severity.value,
        score=flag.score,
        reason=flag.reason,
        rule=flag.rule,
        evidence=[{"start": e.start, "end": e.end, "text": e.text} for e in flag.evidence],
        suppressed=suppressed,
    )


def reading_row(reading: Reading) -> ReadingRow:
    return ReadingRow(
        message_id=reading.message_id,
        pipeline_version=reading.pipeline_version,
        language=reading.language,
        severity=reading.severity.value,
        severity_rank=reading.severity.rank,
        score=reading.score,
        current=True,
        created_at=now(),
        flags=[_flag_row(f, False) for f in reading.flags] + [_flag_row(f, True) for f in reading.suppressed],
        routes=[ReadingRouteRow(route=r.value) for r in reading.routes],
    )


def _to_flag(row: FlagRow) -> Flag:
    evidence: list[dict[str, Any]] = row.evidence or []
    return Flag(
        category=Category(row.category),
        severity=Severity(row.severity),
        score=row.score,
        evidence=tuple(Evidence(int(e["start"]), int(e["end"]), str(e["text"])) for e in evidence),
        reason=row.reason,
        rule=row.rule,
    )


def to_reading(row: ReadingRow) -> Reading:
    order = [r.value for r in Route]
    return Reading(
        message_id=row.message_id,
        language=row.language,
        flags=tuple(_to_flag(f) for f in row.flags if not f.suppressed),
        severity=Severity(row.severity),
        routes=tuple(sorted((Route(r.route) for r in row.routes), key=lambda r: order.index(r.value))),
        pipeline_version=row.pipeline_version,
        suppressed=tuple(_to_flag(f) for f in row.flags if f.suppressed),
    )


def to_record(row: MessageRow, reading: ReadingRow | None) -> MessageRecord:
    ingested = utc(row.ingested_at)
    assert ingested is not None
    return MessageRecord(
        message=to_message(row),
        reading=to_reading(reading) if reading else None,
        correspondent_id=row.correspondent_id,
        ingested_at=ingested,
    )
