"""The people behind the desk and their work: roles, who may read what, cases and their events.

Pure rules, no I/O: the web and the services ask these functions, so every door applies the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from stagedoor.domain.taxonomy import Route, Severity


class Role(StrEnum):
    ADMIN = "admin"
    SECURITY = "security"
    WELFARE = "welfare"
    ARTIST = "artist"


# Which queues each role may open. The artist's inbox is cleared mail: the analysts may check it too.
QUEUE_ROLES: dict[Route, frozenset[Role]] = {
    Route.SECURITY: frozenset({Role.SECURITY}),
    Route.WELFARE: frozenset({Role.WELFARE}),
    Route.ARTIST: frozenset({Role.ARTIST, Role.SECURITY, Role.WELFARE}),
}


def may_open_queue(role: Role, route: Route) -> bool:
    return role in QUEUE_ROLES[route]


def may_read_message(role: Role, routes: tuple[Route, ...] | None) -> bool:
    """routes is None for a message triage has not read yet, () for one not wholly read (a scanned page
    waiting for a person): analysts may see it, the artist never."""
    if not routes:
        return role in (Role.SECURITY, Role.WELFARE)
    if role is Role.ARTIST:
        return routes == (Route.ARTIST,)
    return any(may_open_queue(role, r) for r in routes)


def case_route_for(role: Role) -> Route | None:
    """The team whose cases a role works: security cases for security, welfare cases for welfare."""
    return {Role.SECURITY: Route.SECURITY, Role.WELFARE: Route.WELFARE}.get(role)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    display_name: str = ""
    email: str = ""
    active: bool = True
    created_at: datetime | None = None
    last_login_at: datetime | None = None


class CaseStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    REFERRED = "referred"
    CLOSED = "closed"


class CaseAction(StrEnum):
    """Actions taken, recorded on the case: what a referral dossier lists."""

    HELPLINE = "referred to a helpline"
    POLICE = "referred to police"
    VENUE_SECURITY = "venue security informed"
    CARE_SERVICE = "referred to a care service"
    CONTACTED_WRITER = "writer contacted"


# How long a case may wait, by severity: imminent 1 hour, urgent 24 hours (the issue), then ours.
DUE_WITHIN: dict[Severity, timedelta] = {
    Severity.IMMINENT: timedelta(hours=1),
    Severity.URGENT: timedelta(hours=24),
    Severity.CONCERN: timedelta(days=3),
    Severity.LOW: timedelta(days=7),
    Severity.NONE: timedelta(days=14),
}


def due_at(severity: Severity, opened_at: datetime) -> datetime:
    return opened_at + DUE_WITHIN[severity]


@dataclass(frozen=True)
class CaseEvent:
    id: int
    at: datetime
    actor: str
    verb: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    id: int
    title: str
    route: Route
    severity: Severity
    status: CaseStatus
    opened_by: str
    opened_at: datetime
    due_at: datetime
    assignee: str = ""
    first_touch_at: datetime | None = None
    closed_at: datetime | None = None
    message_ids: tuple[str, ...] = ()
    correspondent_ids: tuple[int, ...] = ()
    events: tuple[CaseEvent, ...] = ()

    def overdue(self, now: datetime) -> bool:
        return self.status is not CaseStatus.CLOSED and now > self.due_at


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    source: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Alert:
    id: int
    kind: str
    role: Role
    channel: str
    target: str
    subject: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
