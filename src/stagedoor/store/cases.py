"""Cases: the case row holds the current state; every change also writes an event row (the history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select

from stagedoor.domain import Route, Severity
from stagedoor.domain.staff import Case, CaseEvent, CaseStatus
from stagedoor.store.mapping import now, utc
from stagedoor.store.repository import Store
from stagedoor.store.tables import CaseEventRow, CaseLinkRow, CaseRow


def to_case(row: CaseRow) -> Case:
    return Case(
        id=row.id,
        title=row.title,
        route=Route(row.route),
        severity=Severity(row.severity),
        status=CaseStatus(row.status),
        opened_by=row.opened_by,
        opened_at=utc(row.opened_at) or now(),
        due_at=utc(row.due_at) or now(),
        assignee=row.assignee,
        first_touch_at=utc(row.first_touch_at),
        closed_at=utc(row.closed_at),
        message_ids=tuple(link.message_id for link in row.links if link.message_id),
        correspondent_ids=tuple(link.correspondent_id for link in row.links if link.correspondent_id),
        events=tuple(
            CaseEvent(e.id, utc(e.at) or now(), e.actor, e.verb, dict(e.detail)) for e in row.events
        ),
    )


class Cases:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(
        self,
        title: str,
        route: Route,
        severity: Severity,
        actor: str,
        opened_at: datetime,
        due_at: datetime,
        message_ids: tuple[str, ...] = (),
        correspondent_ids: tuple[int, ...] = (),
    ) -> Case:
        with self.store.session() as s:
            row = CaseRow(
                title=title,
                route=route.value,
                severity=severity.value,
                status=CaseStatus.OPEN.value,
                opened_by=actor,
                opened_at=opened_at,
                due_at=due_at,
                assignee="",
            )
            row.links = [CaseLinkRow(message_id=m) for m in message_ids] + [
                CaseLinkRow(correspondent_id=c) for c in correspondent_ids
            ]
            detail = {"severity": severity.value, "due_at": due_at.isoformat()}
            row.events = [CaseEventRow(at=now(), actor=actor, verb="open", detail=detail)]
            s.add(row)
            s.commit()
            return to_case(row)

    def get(self, case_id: int) -> Case | None:
        with self.store.session() as s:
            row = s.get(CaseRow, case_id)
            return None if row is None else to_case(row)

    def listing(self, route: Route | None = None, include_closed: bool = True) -> list[Case]:
        """Overdue open cases first (soonest due first), then the rest, closed last."""
        closed = sql_case((CaseRow.status == CaseStatus.CLOSED.value, 1), else_=0)
        query = select(CaseRow).order_by(closed, CaseRow.due_at, CaseRow.id)
        if route is not None:
            query = query.filter_by(route=route.value)
        if not include_closed:
            query = query.where(CaseRow.status != CaseStatus.CLOSED.value)
        with self.store.session() as s:
            return [to_case(r) for r in s.scalars(query)]

    def record(
        self, case_id: int, actor: str, verb: str, detail: dict[str, Any], **changes: Any
    ) -> Case | None:
        """One verb: apply the changes to the case row and write the event, in one transaction."""
        with self.store.session() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                return None
            for name, value in changes.items():
                setattr(row, name, value)
            if row.first_touch_at is None and verb != "link":
                row.first_touch_at = now()  # time to first touch: the dashboard measures it
            row.events.append(CaseEventRow(at=now(), actor=actor, verb=verb, detail=detail))
            s.commit()
            return to_case(row)

    def link(
        self, case_id: int, actor: str, message_id: str | None, correspondent_id: int | None
    ) -> Case | None:
        with self.store.session() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                return None
            row.links.append(CaseLinkRow(message_id=message_id, correspondent_id=correspondent_id))
            detail = {"message_id": message_id, "correspondent_id": correspondent_id}
            row.events.append(CaseEventRow(at=now(), actor=actor, verb="link", detail=detail))
            s.commit()
            return to_case(row)

    def for_message(self, message_id: str) -> list[Case]:
        with self.store.session() as s:
            ids = select(CaseLinkRow.case_id).filter_by(message_id=message_id)
            return [to_case(r) for r in s.scalars(select(CaseRow).where(CaseRow.id.in_(ids)))]
