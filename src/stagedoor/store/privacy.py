"""Privacy chores in the store: re-encrypt under the newest key, retention, and erasure of one writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from stagedoor.domain.staff import CaseStatus
from stagedoor.store.repository import Store
from stagedoor.store.rows import affected
from stagedoor.store.tables import (
    CaseLinkRow,
    CaseRow,
    CorrespondentRow,
    MessageRow,
    QuarantineRow,
    RawMessageRow,
)


@dataclass(frozen=True)
class Swept:
    messages: int = 0
    cases: int = 0
    quarantined: int = 0
    correspondents: int = 0


def rotate(store: Store, on_batch: Callable[[int], None] | None = None, batch: int = 200) -> int:
    """Every message text and raw blob re-encrypted under the first key (plaintext encrypted). Returns rows."""
    cipher, done = store.cipher, 0
    for table, column, rotate_one in (
        (MessageRow, MessageRow.text, cipher.rotate_text),
        (RawMessageRow, RawMessageRow.raw, cipher.rotate_bytes),
        (QuarantineRow, QuarantineRow.raw, cipher.rotate_bytes),
    ):
        key = next(iter(table.__table__.primary_key))
        last: object = None
        while True:
            with store.session() as s:
                query = select(key, column).order_by(key).limit(batch)
                if last is not None:
                    query = query.where(key > last)
                rows = s.execute(query).all()
                for pk, value in rows:
                    s.execute(update(table).where(key == pk).values({column.key: rotate_one(value)}))
                s.commit()
            if not rows:
                break
            last = rows[-1][0]
            done += len(rows)
            if on_batch:
                on_batch(len(rows))
    return done


def _held_messages() -> object:
    """Messages on a case that is not closed: retention keeps them."""
    return (
        select(CaseLinkRow.message_id)
        .join(CaseRow, CaseRow.id == CaseLinkRow.case_id)
        .where(CaseRow.status != CaseStatus.CLOSED.value, CaseLinkRow.message_id.is_not(None))
    )


def sweep(store: Store, before: datetime, redact: bool) -> Swept:
    """Messages ingested before `before` (unless on an open case) deleted, or redacted (text emptied,
    raw bytes dropped, reading kept); closed cases closed before then deleted; old quarantine deleted."""
    held = _held_messages()
    old = select(MessageRow.id).where(MessageRow.ingested_at < before, MessageRow.id.not_in(held))  # type: ignore[arg-type]
    with store.session() as s:
        ids = list(s.scalars(old))
        if redact:
            s.execute(delete(RawMessageRow).where(RawMessageRow.message_id.in_(ids)))
            s.execute(update(MessageRow).where(MessageRow.id.in_(ids)).values(text="", subject=""))
        else:
            s.execute(delete(MessageRow).where(MessageRow.id.in_(ids)))
        cases = affected(
            s.execute(
                delete(CaseRow).where(CaseRow.status == CaseStatus.CLOSED.value, CaseRow.closed_at < before)
            )
        )
        quarantined = affected(s.execute(delete(QuarantineRow).where(QuarantineRow.received_at < before)))
        orphans = 0 if redact else _drop_orphans(s)
        s.commit()
    return Swept(len(ids), int(cases), int(quarantined), orphans)


def _drop_orphans(s: object) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    used = select(MessageRow.correspondent_id)
    linked = select(CaseLinkRow.correspondent_id).where(CaseLinkRow.correspondent_id.is_not(None))
    query = delete(CorrespondentRow).where(
        CorrespondentRow.id.not_in(used), CorrespondentRow.id.not_in(linked)
    )
    return int(affected(s.execute(query)))


def erase_correspondent(store: Store, correspondent_id: int) -> int | None:
    """Everything of one writer: messages (raw, readings, flags cascade), case links, the correspondent.
    Returns how many messages went, None when there is no such correspondent."""
    with store.session() as s:
        if s.get(CorrespondentRow, correspondent_id) is None:
            return None
        ids = list(s.scalars(select(MessageRow.id).filter_by(correspondent_id=correspondent_id)))
        s.execute(delete(CaseLinkRow).where(CaseLinkRow.message_id.in_(ids)))
        s.execute(delete(CaseLinkRow).filter_by(correspondent_id=correspondent_id))
        s.execute(delete(MessageRow).where(MessageRow.id.in_(ids)))
        s.execute(delete(CorrespondentRow).filter_by(id=correspondent_id))
        s.commit()
    return len(ids)
