"""Alerts: an imminent flag, or a correspondent rising to urgent or above, tells the right team at once.

Each alert goes to the outbox first (one row per channel and recipient), then is sent: email over SMTP to the
active users of the role who have an address, and a JSON POST to the webhook. A failed send is retried with
doubling back-off until `alert_max_attempts`; `stagedoor alerts deliver --watch` keeps retrying. Alerts carry
ids, severity and categories, never the message text: the text stays behind the log-in.

Entry point for other code (e.g. correspondent escalation): `raise_alert` or `correspondent_escalated`.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from stagedoor.domain import Message, Reading, Route, Severity
from stagedoor.domain.staff import Alert, Role
from stagedoor.office import audit
from stagedoor.services import Desk
from stagedoor.store.accounts import Accounts
from stagedoor.store.mapping import now
from stagedoor.store.outbox import Outbox
from stagedoor.triage import alerts_for

ROUTE_ROLE = {Route.SECURITY: Role.SECURITY, Route.WELFARE: Role.WELFARE}
MAX_BACKOFF = timedelta(hours=1)
SEND_TIMEOUT = 5.0


@dataclass(frozen=True)
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def raise_alert(
    desk: Desk, kind: str, role: Role, subject: str, payload: dict[str, Any], key: str
) -> list[int]:
    """Store one alert per configured channel and recipient, then try to send them now.

    `key` makes it idempotent: the same key raises nothing twice (re-reading a message, a repeated
    escalation). Returns the ids of the alerts stored by this call."""
    settings, box, ids = desk.settings, Outbox(desk.store), []
    targets: list[tuple[str, str]] = []
    if settings.smtp_host:
        targets += [("email", u.email) for u in Accounts(desk.store).with_role(role) if u.email]
    if settings.webhook_url:
        targets.append(("webhook", settings.webhook_url))
    for channel, target in targets:
        body = {"kind": kind, "role": role.value, "subject": subject, **payload}
        alert_id = box.enqueue(kind, role, channel, target, subject, body, f"{key}|{channel}|{target}")
        if alert_id is not None:
            ids.append(alert_id)
    if ids:
        audit.record(desk, "system", "alert.raise", key, kind=kind, role=role.value, alerts=ids)
        deliver_due(desk)
    return ids


def on_reading(desk: Desk, message: Message, reading: Reading) -> list[int]:
    """The imminent trigger, called for every new reading."""
    ids: list[int] = []
    for route in alerts_for(reading.flags):
        categories = sorted({f.category.value for f in reading.flags if f.severity is Severity.IMMINENT})
        payload = {
            "message_id": message.id,
            "severity": reading.severity.value,
            "categories": categories,
            "channel": message.channel.value,
            "desk_path": f"/messages/{message.id}",
        }
        subject = f"Stagedoor: imminent {', '.join(categories)} ({message.channel.value})"
        ids += raise_alert(
            desk, "imminent", ROUTE_ROLE[route], subject, payload, f"imminent:{message.id}:{route}"
        )
    return ids


def correspondent_escalated(desk: Desk, correspondent_id: int, severity: Severity, route: Route) -> list[int]:
    """For the escalation code: a writer rising to urgent or above alerts the route's team, once per level."""
    if severity < Severity.URGENT or route not in ROUTE_ROLE:
        return []
    payload = {
        "correspondent_id": correspondent_id,
        "severity": severity.value,
        "desk_path": f"/correspondents/{correspondent_id}",
    }
    subject = f"Stagedoor: correspondent {correspondent_id} is now {severity.value}"
    key = f"correspondent:{correspondent_id}:{severity.value}:{route.value}"
    return raise_alert(desk, "correspondent", ROUTE_ROLE[route], subject, payload, key)


def deliver_due(desk: Desk, at: datetime | None = None) -> Delivered:
    """Send every alert whose time has come; failures are rescheduled with back-off, and recorded."""
    box, settings = Outbox(desk.store), desk.settings
    counts = Delivered()
    for alert in box.claim_due(at or now()):
        error = _send(desk, alert)
        if not error:
            box.finish(alert.id, True, "", None)
            counts = Delivered(counts.sent + 1, counts.retrying, counts.failed)
            continue
        attempt = alert.attempts + 1
        if attempt >= settings.alert_max_attempts:
            box.finish(alert.id, False, error, None)
            audit.record(desk, "system", "alert.failed", str(alert.id), error=error, attempts=attempt)
            counts = Delivered(counts.sent, counts.retrying, counts.failed + 1)
            continue
        box.finish(alert.id, False, error, (at or now()) + backoff(settings.alert_backoff_seconds, attempt))
        counts = Delivered(counts.sent, counts.retrying + 1, counts.failed)
    return counts


def backoff(first_seconds: float, attempt: int) -> timedelta:
    """first, 2x, 4x ... after each failure, capped at an hour."""
    return min(timedelta(seconds=first_seconds * 2 ** (attempt - 1)), MAX_BACKOFF)


def _send(desk: Desk, alert: Alert) -> str:
    """'' when sent, else a one-line reason."""
    try:
        if alert.channel == "email":
            _email(desk, alert)
        else:
            _webhook(alert)
    except (OSError, smtplib.SMTPException, urllib.error.URLError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return ""


def _email(desk: Desk, alert: Alert) -> None:
    settings = desk.settings
    mail = EmailMessage()
    mail["From"] = settings.smtp_sender
    mail["To"] = alert.target
    mail["Subject"] = alert.subject
    lines = [f"{k}: {v}" for k, v in alert.payload.items() if k not in ("subject",)]
    mail.set_content("Stagedoor raised an alert. Open the desk to read the message.\n\n" + "\n".join(lines))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SEND_TIMEOUT) as smtp:
        smtp.send_message(mail)


def _webhook(alert: Alert) -> None:
    body = json.dumps({"alert_id": alert.id, **alert.payload}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        alert.target, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as response:
        if not 200 <= response.status < 300:
            raise ValueError(f"webhook answered {response.status}")


def listing(desk: Desk, limit: int = 200) -> list[Alert]:
    return Outbox(desk.store).listing(limit)


def retry_failed(desk: Desk) -> int:
    return Outbox(desk.store).retry_failed()
