"""Cases: opened from a message or a correspondent, worked through verbs that each write an event row.

A case belongs to a team (security or welfare), taken from what the message was routed to; only that team
sees it. Due time follows severity (imminent: 1 hour, urgent: 24 hours); overdue cases sort first.
"""

from __future__ import annotations

from typing import Any

from stagedoor.domain import Route, Severity
from stagedoor.domain.staff import (
    Case,
    CaseAction,
    CaseStatus,
    User,
    case_route_for,
    due_at,
    may_read_message,
)
from stagedoor.office import audit
from stagedoor.services import Desk
from stagedoor.store.cases import Cases
from stagedoor.store.mapping import now


class CaseError(ValueError):
    """A case change that cannot be made (shown to the user as it is)."""


class NotFound(LookupError):
    """No such case, message or correspondent for this user."""


def _team(user: User) -> Route:
    route = case_route_for(user.role)
    if route is None:
        raise CaseError("only the security and welfare teams work cases")
    return route


def visible(user: User, case: Case) -> bool:
    return case_route_for(user.role) == case.route


def listing(desk: Desk, user: User) -> list[Case]:
    route = case_route_for(user.role)
    return [] if route is None else Cases(desk.store).listing(route)


def get(desk: Desk, user: User, case_id: int) -> Case:
    case = Cases(desk.store).get(case_id)
    if case is None or not visible(user, case):
        raise NotFound("There is no case with that number for your team.")
    return case


def open_for_message(desk: Desk, user: User, message_id: str, source: str = "") -> Case:
    record = desk.store.message(message_id)
    routes = record.reading.routes if record and record.reading else None
    if record is None or not may_read_message(user.role, routes):
        raise NotFound("There is no message with that id.")
    team = _team(user)
    severity = record.reading.severity if record.reading else Severity.CONCERN
    title = f"{record.message.sender.display}: {record.message.subject or record.message.channel.value}"
    case = Cases(desk.store).open(
        title[:200],
        team,
        severity,
        user.username,
        (opened := now()),
        due_at(severity, opened),
        message_ids=(message_id,),
        correspondent_ids=(record.correspondent_id,),
    )
    audit.record(desk, user.username, "case.open", f"case:{case.id}", source, message_id=message_id)
    return case


def open_for_correspondent(desk: Desk, user: User, correspondent_id: int, source: str = "") -> Case:
    found = desk.store.correspondent(correspondent_id)
    if found is None:
        raise NotFound("There is no correspondent with that number.")
    team = _team(user)
    readings = [r.reading for r in found.messages if r.reading and team in r.reading.routes]
    severity = max((r.severity for r in readings), default=Severity.CONCERN)
    case = Cases(desk.store).open(
        f"{found.correspondent.display_name}"[:200],
        team,
        severity,
        user.username,
        (opened := now()),
        due_at(severity, opened),
        correspondent_ids=(correspondent_id,),
    )
    audit.record(
        desk, user.username, "case.open", f"case:{case.id}", source, correspondent_id=correspondent_id
    )
    return case


def _change(
    desk: Desk, user: User, case_id: int, verb: str, detail: dict[str, Any], source: str, **changes: Any
) -> Case:
    case = get(desk, user, case_id)
    if case.status is CaseStatus.CLOSED and verb not in ("reopen", "note"):
        raise CaseError("This case is closed; reopen it first.")
    updated = Cases(desk.store).record(case_id, user.username, verb, detail, **changes)
    assert updated is not None
    audit.record(desk, user.username, f"case.{verb}", f"case:{case_id}", source, **detail)
    return updated


def assign(desk: Desk, user: User, case_id: int, assignee: str, source: str = "") -> Case:
    names = {u.username: u for u in desk_users(desk)}
    target = names.get(assignee)
    if target is None or case_route_for(target.role) != get(desk, user, case_id).route or not target.active:
        raise CaseError(f"{assignee!r} is not an active member of this case's team")
    return _change(desk, user, case_id, "assign", {"assignee": assignee}, source, assignee=assignee)


def desk_users(desk: Desk) -> list[User]:
    from stagedoor.store.accounts import Accounts

    return Accounts(desk.store).all()


def team_members(desk: Desk, route: Route) -> list[User]:
    return [u for u in desk_users(desk) if u.active and case_route_for(u.role) == route]


def start(desk: Desk, user: User, case_id: int, source: str = "") -> Case:
    return _change(desk, user, case_id, "start", {}, source, status=CaseStatus.IN_PROGRESS.value)


def refer(desk: Desk, user: User, case_id: int, to: str, source: str = "") -> Case:
    if not to.strip():
        raise CaseError("Say whom the case is referred to.")
    return _change(
        desk, user, case_id, "refer", {"to": to.strip()[:500]}, source, status=CaseStatus.REFERRED.value
    )


def close(desk: Desk, user: User, case_id: int, outcome: str, source: str = "") -> Case:
    detail = {"outcome": outcome.strip()[:2000]}
    return _change(
        desk, user, case_id, "close", detail, source, status=CaseStatus.CLOSED.value, closed_at=now()
    )


def reopen(desk: Desk, user: User, case_id: int, source: str = "") -> Case:
    return _change(
        desk, user, case_id, "reopen", {}, source, status=CaseStatus.IN_PROGRESS.value, closed_at=None
    )


def note(desk: Desk, user: User, case_id: int, text: str, source: str = "") -> Case:
    if not text.strip():
        raise CaseError("A note needs some text.")
    return _change(desk, user, case_id, "note", {"text": text.strip()[:5000]}, source)


def act(desk: Desk, user: User, case_id: int, action: str, comment: str = "", source: str = "") -> Case:
    try:
        taken = CaseAction(action)
    except ValueError:
        raise CaseError(f"unknown action {action!r}") from None
    return _change(
        desk, user, case_id, "action", {"action": taken.value, "comment": comment.strip()[:2000]}, source
    )


def link_message(desk: Desk, user: User, case_id: int, message_id: str, source: str = "") -> Case:
    record = desk.store.message(message_id)
    routes = record.reading.routes if record and record.reading else None
    if record is None or not may_read_message(user.role, routes):
        raise NotFound("There is no message with that id.")
    if message_id in get(desk, user, case_id).message_ids:
        raise CaseError("That message is already on this case.")
    updated = Cases(desk.store).link(case_id, user.username, message_id, None)
    assert updated is not None
    audit.record(desk, user.username, "case.link", f"case:{case_id}", source, message_id=message_id)
    return updated


def link_correspondent(desk: Desk, user: User, case_id: int, correspondent_id: str, source: str = "") -> Case:
    if not correspondent_id.strip().isdigit() or desk.store.correspondent(int(correspondent_id)) is None:
        raise NotFound("There is no correspondent with that number.")
    number = int(correspondent_id)
    if number in get(desk, user, case_id).correspondent_ids:
        raise CaseError("That correspondent is already on this case.")
    updated = Cases(desk.store).link(case_id, user.username, None, number)
    assert updated is not None
    audit.record(desk, user.username, "case.link", f"case:{case_id}", source, correspondent_id=number)
    return updated


def for_message(desk: Desk, user: User, message_id: str) -> list[Case]:
    return [c for c in Cases(desk.store).for_message(message_id) if visible(user, c)]
