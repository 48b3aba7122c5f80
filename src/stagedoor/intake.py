"""Use-cases for mail that arrives on its own: live IMAP mailboxes and the intake API's tokens and posts.

Like services/, the one place where ingest, store and the reader meet for these paths; CLI and web call
only these.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stagedoor import services
from stagedoor.domain import Incoming, IngestCounts, IngestItem
from stagedoor.ingest.eml import parse_email
from stagedoor.ingest.form import FormPost, form_item
from stagedoor.ingest.imap import (
    CONNECTION_ERRORS,
    ImapConnection,
    ImapError,
    MailboxConfig,
    item_for,
    origin_for,
)
from stagedoor.services import Desk
from stagedoor.store import intake as records
from stagedoor.store.intake import ApiToken, StoredResponse
from stagedoor.triage.campaigns import NearDuplicates

__all__ = ["ApiToken", "FormPost", "ImapError", "StoredResponse"]

BATCH = 50
"""UIDs per FETCH: few round trips, and at most this many refetched (then deduped) after a crash."""


@dataclass
class FolderProgress:
    mailbox: str
    folder: str
    total: int
    done: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)


@dataclass
class Tally:
    """What all attempts stored, so counts survive a reconnect."""

    counts: IngestCounts = field(default_factory=IngestCounts)


@dataclass(frozen=True)
class FetchReport:
    counts: IngestCounts
    folders: int
    reconnects: int


ProgressHook = Callable[[FolderProgress], None]


def fetch_imap(
    desk: Desk,
    mailboxes: Sequence[MailboxConfig],
    on_progress: ProgressHook | None = None,
    retries: int = 5,
    retry_wait: float = 1.0,
    read: bool = True,
) -> FetchReport:
    """Fetch every folder of every mailbox from its cursor on; reconnect when the server goes away.

    Per batch: store each message (deduped by raw sha256), then flag or move it, then advance the cursor.
    A crash anywhere refetches at most one batch, which the dedup turns into no new rows.
    """
    tally, reconnects, folders = Tally(), 0, 0
    for config in mailboxes:
        for folder in config.folders:
            attempt = 0
            while True:
                try:
                    _fetch_folder(desk, config, folder, on_progress, tally)
                    break
                except CONNECTION_ERRORS as exc:
                    attempt += 1
                    if attempt > retries:
                        raise ImapError(
                            f"mailbox {config.name!r}: {config.host}:{config.resolved_port} unreachable "
                            f"after {retries} retries ({type(exc).__name__}: {exc}); check the server"
                        ) from None
                    reconnects += 1
                    time.sleep(retry_wait * min(attempt, 4))
            folders += 1
    if read:
        services.after_storing(desk, tally.counts, [f"imap:{c.name}" for c in mailboxes])
    return FetchReport(tally.counts, folders, reconnects)


def _fetch_folder(
    desk: Desk, config: MailboxConfig, folder: str, on_progress: ProgressHook | None, tally: Tally
) -> None:
    conn = ImapConnection.open(config)
    try:
        uidvalidity = conn.select(folder)
        known = records.cursor(desk.store, config.name, folder)
        last = known.last_uid if known and known.uidvalidity == uidvalidity else 0
        uids = conn.uids_after(last)
        progress = FolderProgress(config.name, folder, total=len(uids))
        if on_progress:
            on_progress(progress)
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            for uid, raw in conn.fetch(batch):
                item = item_for(
                    raw, origin_for(config, folder, uidvalidity, uid), desk.settings.max_message_bytes
                )
                added = desk.store.add(item)
                progress.counts, tally.counts = progress.counts + added, tally.counts + added
            conn.mark(batch)
            records.advance_cursor(desk.store, config.name, folder, uidvalidity, batch[-1])
            progress.done += len(batch)
            if on_progress:
                on_progress(progress)
    finally:
        conn.close()


# ---- intake API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "sdi_"


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain sha256 is enough to store them unrecoverably."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_token(desk: Desk, source: str) -> tuple[str, ApiToken]:
    """A new token for one source; the clear token is returned once and never stored."""
    source = source.strip()
    if not source or len(source) > 255:
        raise ValueError("the source name must be 1 to 255 characters, e.g. contact-form")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, records.add_token(desk.store, source, token_hash(token), token[: len(TOKEN_PREFIX) + 6])


def tokens(desk: Desk) -> list[ApiToken]:
    return records.tokens(desk.store)


def revoke_token(desk: Desk, token_id: int) -> bool:
    return records.revoke_token(desk.store, token_id)


def authenticate(desk: Desk, token: str) -> ApiToken | None:
    return records.live_token(desk.store, token_hash(token))


# ---- intake API posts -------------------------------------------------------------------------------


def intake_item(token: ApiToken, body: bytes | FormPost) -> IngestItem:
    """A contact-form post or a raw RFC 822 message as an ingest item, its origin naming the source."""
    origin = f"api:{token.source}"
    if isinstance(body, FormPost):
        return form_item(body, origin)
    return parse_email(body, origin, fallback_id=origin)


def intake(desk: Desk, item: IngestItem) -> dict[str, Any]:
    """Store the item (deduped) and say what happened; the reading follows in `read_one`."""
    counts = desk.store.add(item)
    status = (
        "stored" if counts.new else "duplicate" if counts.duplicate
        else "quarantined" if counts.quarantined else "already quarantined"
    )  # fmt: skip
    message_id = item.message.id if isinstance(item, Incoming) else None
    reason = None if isinstance(item, Incoming) else item.reason
    return {"status": status, "message_id": message_id, "quarantine_reason": reason}


def read_one(desk: Desk, message_id: str, index: NearDuplicates | None = None) -> None:
    """Read and route one stored message (after the response, so the client is not kept waiting)."""
    record = services.message(desk, message_id)
    services.read_pending(desk)  # reads what is new, this post included; an imminent flag alerts at once
    if record is not None:  # this writer's level now; link suggestions (everyone against everyone) wait
        services.escalate_writer(desk, record.correspondent_id)
    services.group_campaigns(desk, index)


def request_hash(kind: str, body: bytes) -> str:
    return hashlib.sha256(kind.encode() + b"\0" + body).hexdigest()


def stored_response(desk: Desk, token: ApiToken, key: str) -> StoredResponse | None:
    return records.stored_response(desk.store, token.id, key)


def remember_response(
    desk: Desk, token: ApiToken, key: str, request_sha256: str, status_code: int, body: dict[str, Any]
) -> StoredResponse:
    return records.remember_response(desk.store, token.id, key, request_sha256, status_code, body)
