"""Privacy: key rotation, retention (nothing on an open case goes), erasure of one writer on request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from stagedoor.office import audit
from stagedoor.services import Desk
from stagedoor.store import privacy
from stagedoor.store.cipher import CipherError, FernetCipher, new_key
from stagedoor.store.mapping import now
from stagedoor.store.privacy import Swept

__all__ = ["CipherError", "Swept", "apply_retention", "erase_correspondent", "new_key", "rotate_keys"]


class PrivacyError(ValueError):
    """A privacy chore that cannot run as asked: one line saying what to set."""


def rotate_keys(desk: Desk, actor: str = "cli", on_batch: Callable[[int], None] | None = None) -> int:
    if not isinstance(desk.store.cipher, FernetCipher):
        raise PrivacyError(
            "no key configured: set STAGEDOOR_ENCRYPTION_KEYS (make one with `stagedoor keys new`)"
        )
    done = privacy.rotate(desk.store, on_batch)
    audit.record(desk, actor, "keys.rotate", "", rows=done)
    return done


def apply_retention(desk: Desk, days: int | None = None, redact: bool = False, actor: str = "cli") -> Swept:
    days = desk.settings.retention_days if days is None else days
    if days <= 0:
        raise PrivacyError("no retention period: pass --days N or set STAGEDOOR_RETENTION_DAYS")
    swept = privacy.sweep(desk.store, now() - timedelta(days=days), redact)
    audit.record(
        desk,
        actor,
        "retention.redact" if redact else "retention.delete",
        f"older than {days} days",
        messages=swept.messages,
        cases=swept.cases,
        quarantined=swept.quarantined,
        correspondents=swept.correspondents,
    )
    return swept


def erase_correspondent(desk: Desk, correspondent_id: int, reason: str, actor: str = "cli") -> int:
    if not reason.strip():
        raise PrivacyError("say why (e.g. 'erasure request of 2024-05-01'): it goes into the audit trail")
    gone = privacy.erase_correspondent(desk.store, correspondent_id)
    if gone is None:
        raise PrivacyError(f"no correspondent {correspondent_id}; the desk's /correspondents page lists them")
    audit.record(
        desk, actor, "erase.correspondent", f"correspondent:{correspondent_id}", messages=gone, reason=reason
    )
    return gone
