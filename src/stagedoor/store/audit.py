"""The audit trail: append-only rows, each hash covering its fields and the hash before it.

Editing a row breaks its own hash; deleting one breaks the next row's link (and the head's count, for the
last row). A unique prev_hash means two writers can never fork the chain: the loser retries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from stagedoor.domain.staff import AuditEntry
from stagedoor.store.mapping import now, utc
from stagedoor.store.repository import Store
from stagedoor.store.tables import AuditHeadRow, AuditRow

GENESIS = "0" * 64


def row_hash(
    prev_hash: str, at: datetime, actor: str, action: str, target: str, source: str, detail: Any
) -> str:
    body = json.dumps(
        [prev_hash, (utc(at) or at).isoformat(), actor, action, target, source, detail],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    rows: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, actor: str, action: str, target: str = "", source: str = "", detail: Any = None) -> str:
        for _ in range(20):
            try:
                return self._append(actor, action, target, source, detail or {})
            except IntegrityError:
                continue  # another writer took this link first: chain on to theirs
        raise RuntimeError("could not append to the audit trail: too many concurrent writers")

    def _append(self, actor: str, action: str, target: str, source: str, detail: dict[str, Any]) -> str:
        with self.store.session() as s:
            head = s.scalar(select(AuditHeadRow).filter_by(id=1).with_for_update())
            prev = head.last_hash if head else GENESIS
            at = now()
            digest = row_hash(prev, at, actor, action, target, source, detail)
            s.add(
                AuditRow(
                    at=at,
                    actor=actor,
                    action=action,
                    target=target,
                    source=source,
                    detail=detail,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            if head is None:
                s.add(AuditHeadRow(id=1, count=1, last_hash=digest))
            else:
                head.count += 1
                head.last_hash = digest
            s.commit()
            return digest

    def entries(self, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if action:
            query = query.filter_by(action=action)
        with self.store.session() as s:
            return [_entry(r) for r in s.scalars(query)]

    def verify(self) -> Verdict:
        problems: list[str] = []
        prev, count = GENESIS, 0
        with self.store.session() as s:
            for row in s.scalars(select(AuditRow).order_by(AuditRow.id)).yield_per(1000):
                count += 1
                if row.prev_hash != prev:
                    problems.append(f"row {row.id}: does not follow the row before it (a row was removed)")
                expected = row_hash(
                    row.prev_hash, row.at, row.actor, row.action, row.target, row.source, row.detail
                )
                if expected != row.hash:
                    problems.append(f"row {row.id}: its contents do not match its hash (the row was edited)")
                prev = row.hash
            head = s.get(AuditHeadRow, 1)
        if head is not None and (head.count != count or head.last_hash != prev):
            problems.append(
                f"the trail should hold {head.count} rows ending in {head.last_hash[:12]}; found {count}"
            )
        return Verdict(rows=count, problems=tuple(problems))


def _entry(r: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=r.id,
        at=utc(r.at) or now(),
        actor=r.actor,
        action=r.action,
        target=r.target,
        source=r.source,
        detail=dict(r.detail),
        prev_hash=r.prev_hash,
        hash=r.hash,
    )
