"""What the live intake paths remember: IMAP cursors, intake API tokens, and Idempotency-Key responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stagedoor.store import mapping
from stagedoor.store.repository import Store
from stagedoor.store.tables import ApiTokenRow, ImapCursorRow, IntakeRequestRow


@dataclass(frozen=True)
class Cursor:
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class ApiToken:
    id: int
    source: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class StoredResponse:
    request_sha256: str
    status_code: int
    body: dict[str, Any]


def _session(store: Store) -> Session:
    return Session(store.engine, expire_on_commit=False)


def cursor(store: Store, mailbox: str, folder: str) -> Cursor | None:
    with _session(store) as s:
        row = s.get(ImapCursorRow, (mailbox, folder))
        return Cursor(row.uidvalidity, row.last_uid) if row else None


def advance_cursor(store: Store, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    """Called only after the messages up to last_uid are stored, so a crash before it refetches (deduped)."""
    with _session(store) as s:
        row = s.get(ImapCursorRow, (mailbox, folder))
        if row is None:
            s.add(ImapCursorRow(mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, last_uid=last_uid,
                                updated_at=mapping.now()))  # fmt: skip
        elif row.uidvalidity != uidvalidity or last_uid > row.last_uid:
            row.uidvalidity, row.last_uid, row.updated_at = uidvalidity, last_uid, mapping.now()
        s.commit()


def add_token(store: Store, source: str, token_sha256: str, prefix: str) -> ApiToken:
    with _session(store) as s:
        row = ApiTokenRow(source=source, token_sha256=token_sha256, prefix=prefix, created_at=mapping.now())
        s.add(row)
        s.commit()
        return _token(row)


def tokens(store: Store) -> list[ApiToken]:
    with _session(store) as s:
        return [_token(r) for r in s.scalars(select(ApiTokenRow).order_by(ApiTokenRow.id))]


def revoke_token(store: Store, token_id: int) -> bool:
    """True when a live token was revoked; False when there is none by that id or it was revoked already."""
    with _session(store) as s:
        done = s.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=mapping.now())
        )
        s.commit()
        return bool(done.rowcount)  # type: ignore[attr-defined]


def live_token(store: Store, token_sha256: str) -> ApiToken | None:
    """The unrevoked token with this hash, its last use recorded."""
    with _session(store) as s:
        row = s.scalar(select(ApiTokenRow).filter_by(token_sha256=token_sha256, revoked_at=None))
        if row is None:
            return None
        row.last_used_at = mapping.now()
        s.commit()
        return _token(row)


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        source=row.source,
        prefix=row.prefix,
        created_at=mapping.utc(row.created_at) or mapping.now(),
        revoked_at=mapping.utc(row.revoked_at),
        last_used_at=mapping.utc(row.last_used_at),
    )


def stored_response(store: Store, token_id: int, key: str) -> StoredResponse | None:
    with _session(store) as s:
        row = s.scalar(select(IntakeRequestRow).filter_by(token_id=token_id, key=key))
        return StoredResponse(row.request_sha256, row.status_code, row.response) if row else None


def remember_response(
    store: Store, token_id: int, key: str, request_sha256: str, status_code: int, body: dict[str, Any]
) -> StoredResponse:
    """Keep the first response for this key; when a concurrent request won, return what it kept."""
    with _session(store) as s:
        s.add(IntakeRequestRow(token_id=token_id, key=key, request_sha256=request_sha256,
                               status_code=status_code, response=body, created_at=mapping.now()))  # fmt: skip
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            found = stored_response(store, token_id, key)
            assert found is not None
            return found
    return StoredResponse(request_sha256, status_code, body)
