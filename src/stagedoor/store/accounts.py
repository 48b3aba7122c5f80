"""Users and their sessions. Passwords arrive here already hashed: hashing is the service's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from stagedoor.domain.staff import Role, User
from stagedoor.store.mapping import now, utc
from stagedoor.store.repository import Store
from stagedoor.store.rows import affected
from stagedoor.store.tables import SessionRow, UserRow


class UserExists(ValueError):
    """That username is taken."""


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        display_name=row.display_name,
        email=row.email,
        active=row.active,
        created_at=utc(row.created_at),
        last_login_at=utc(row.last_login_at),
    )


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, username: str, role: Role, password_hash: str, display_name: str = "", email: str = ""
    ) -> User:
        with self.store.session() as s:
            if s.scalar(select(UserRow.id).filter_by(username=username)) is not None:
                raise UserExists(f"there is already a user called {username!r}")
            row = UserRow(
                username=username,
                role=role.value,
                display_name=display_name,
                email=email,
                password_hash=password_hash,
                active=True,
                failed_logins=0,
                created_at=now(),
            )
            s.add(row)
            s.commit()
            return to_user(row)

    def get(self, username: str) -> tuple[User, str, int, datetime | None] | None:
        """The user, their password hash, failures in a row and lock-out end (for the log-in check)."""
        with self.store.session() as s:
            row = s.scalar(select(UserRow).filter_by(username=username))
            if row is None:
                return None
            return to_user(row), row.password_hash, row.failed_logins, utc(row.locked_until)

    def all(self) -> list[User]:
        with self.store.session() as s:
            return [to_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def with_role(self, role: Role) -> list[User]:
        return [u for u in self.all() if u.role is role and u.active]

    def set_active(self, username: str, active: bool) -> bool:
        with self.store.session() as s:
            done = affected(s.execute(update(UserRow).filter_by(username=username).values(active=active)))
            if not active:
                ids = select(UserRow.id).filter_by(username=username).scalar_subquery()
                s.execute(delete(SessionRow).where(SessionRow.user_id == ids))
            s.commit()
            return bool(done)

    def set_password(self, username: str, password_hash: str) -> bool:
        with self.store.session() as s:
            values = {"password_hash": password_hash, "failed_logins": 0, "locked_until": None}
            done = affected(s.execute(update(UserRow).filter_by(username=username).values(**values)))
            s.commit()
            return bool(done)

    def record_failure(self, username: str, lock_after: int, lock_until: datetime) -> int:
        """Count one more failure in a row; at `lock_after` the account locks until `lock_until`."""
        with self.store.session() as s:
            row = s.scalar(select(UserRow).filter_by(username=username))
            if row is None:
                return 0
            row.failed_logins += 1
            if row.failed_logins >= lock_after:
                row.locked_until = lock_until
            s.commit()
            return row.failed_logins

    def record_success(self, user_id: int) -> None:
        with self.store.session() as s:
            values = {"failed_logins": 0, "locked_until": None, "last_login_at": now()}
            s.execute(update(UserRow).filter_by(id=user_id).values(**values))
            s.commit()

    # ---- sessions -----------------------------------------------------------------------------------

    def add_session(
        self, token_hash: str, user_id: int, csrf: str, source: str, expires_at: datetime
    ) -> None:
        with self.store.session() as s:
            row = SessionRow(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf,
                source=source,
                created_at=now(),
                expires_at=expires_at,
            )
            s.add(row)
            s.commit()

    def session_user(self, token_hash: str) -> tuple[User, str] | None:
        """The active user behind an unexpired session, with the session's CSRF token."""
        with self.store.session() as s:
            found = s.execute(
                select(UserRow, SessionRow)
                .join(SessionRow, SessionRow.user_id == UserRow.id)
                .where(SessionRow.token_hash == token_hash)
            ).first()
            if found is None:
                return None
            user, session = found
            if not user.active or (utc(session.expires_at) or now()) <= now():
                return None
            return to_user(user), session.csrf_token

    def end_session(self, token_hash: str) -> None:
        with self.store.session() as s:
            s.execute(delete(SessionRow).filter_by(token_hash=token_hash))
            s.commit()
