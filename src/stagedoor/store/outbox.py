"""The alert outbox: stored first, claimed with a conditional UPDATE (portable, no broker), retried with
back-off, every attempt recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from stagedoor.domain.staff import Alert, Role
from stagedoor.store.mapping import now, utc
from stagedoor.store.repository import Store
from stagedoor.store.rows import affected
from stagedoor.store.tables import AlertAttemptRow, AlertRow

PENDING, SENT, FAILED = "pending", "sent", "failed"
CLAIM_TIMEOUT = timedelta(minutes=5)  # a sender that died mid-send frees its claim after this


def to_alert(r: AlertRow) -> Alert:
    return Alert(
        id=r.id,
        kind=r.kind,
        role=Role(r.role),
        channel=r.channel,
        target=r.target,
        subject=r.subject,
        payload=dict(r.payload),
        status=r.status,
        attempts=r.attempts,
        created_at=utc(r.created_at) or now(),
        next_attempt_at=utc(r.next_attempt_at),
        sent_at=utc(r.sent_at),
        last_error=r.last_error,
    )


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def enqueue(
        self,
        kind: str,
        role: Role,
        channel: str,
        target: str,
        subject: str,
        payload: dict[str, Any],
        key: str,
    ) -> int | None:
        """None when an alert with this dedupe key is already stored (re-reading raises no second alert)."""
        with self.store.session() as s:
            row = AlertRow(
                kind=kind,
                role=role.value,
                channel=channel,
                target=target,
                subject=subject,
                payload=payload,
                dedupe_key=key[:200],
                status=PENDING,
                attempts=0,
                created_at=now(),
                next_attempt_at=now(),
                last_error="",
            )
            s.add(row)
            try:
                s.commit()
            except IntegrityError:
                return None
            return row.id

    def claim_due(self, at: datetime, limit: int = 50) -> list[Alert]:
        """Pending alerts whose time has come, each claimed by one sender only."""
        stale = at - CLAIM_TIMEOUT
        with self.store.session() as s:
            ids = s.scalars(
                select(AlertRow.id)
                .where(AlertRow.status == PENDING, AlertRow.next_attempt_at <= at)
                .where(or_(AlertRow.claimed_at.is_(None), AlertRow.claimed_at < stale))
                .order_by(AlertRow.id)
                .limit(limit)
            ).all()
            claimed = []
            for alert_id in ids:
                done = affected(
                    s.execute(
                        update(AlertRow)
                        .where(
                            AlertRow.id == alert_id,
                            or_(AlertRow.claimed_at.is_(None), AlertRow.claimed_at < stale),
                        )
                        .values(claimed_at=at)
                    )
                )
                if done:
                    claimed.append(alert_id)
            s.commit()
            rows = s.scalars(select(AlertRow).where(AlertRow.id.in_(claimed)).order_by(AlertRow.id)).all()
            return [to_alert(r) for r in rows]

    def finish(self, alert_id: int, ok: bool, error: str, retry_at: datetime | None) -> None:
        """Record an attempt: sent, or failed with the next try at retry_at (None: give up)."""
        with self.store.session() as s:
            row = s.get(AlertRow, alert_id)
            if row is None:
                return
            row.attempts += 1
            row.claimed_at = None
            row.last_error = error
            if ok:
                row.status, row.sent_at, row.next_attempt_at = SENT, now(), None
            elif retry_at is None:
                row.status, row.next_attempt_at = FAILED, None
            else:
                row.next_attempt_at = retry_at
            s.add(AlertAttemptRow(alert_id=alert_id, at=now(), ok=ok, error=error))
            s.commit()

    def retry_failed(self) -> int:
        with self.store.session() as s:
            done = affected(
                s.execute(
                    update(AlertRow).filter_by(status=FAILED).values(status=PENDING, next_attempt_at=now())
                )
            )
            s.commit()
            return int(done)

    def listing(self, limit: int = 200) -> list[Alert]:
        with self.store.session() as s:
            return [
                to_alert(r) for r in s.scalars(select(AlertRow).order_by(AlertRow.id.desc()).limit(limit))
            ]

    def attempts(self, alert_id: int) -> list[tuple[datetime, bool, str]]:
        with self.store.session() as s:
            rows = s.scalars(
                select(AlertAttemptRow).filter_by(alert_id=alert_id).order_by(AlertAttemptRow.id)
            )
            return [(utc(r.at) or now(), r.ok, r.error) for r in rows]
