"""Who did what, when, from where: every log-in, every view of a message body, every change and export."""

from __future__ import annotations

from typing import Any

from stagedoor.domain.staff import AuditEntry
from stagedoor.services import Desk
from stagedoor.store.audit import AuditLog, Verdict


def record(desk: Desk, actor: str, action: str, target: str = "", source: str = "", /, **detail: Any) -> None:
    """Positional-only, so a detail may be called `action` or `source` too."""
    AuditLog(desk.store).append(actor, action, target, source, detail)


def entries(desk: Desk, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    return AuditLog(desk.store).entries(limit=limit, action=action)


def verify(desk: Desk) -> Verdict:
    return AuditLog(desk.store).verify()
