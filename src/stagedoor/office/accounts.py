"""Accounts and log-in: argon2id password hashes, server-side sessions, lock-out after repeated failures."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from stagedoor.domain.staff import Role, User
from stagedoor.office import audit
from stagedoor.services import Desk
from stagedoor.store.accounts import Accounts, UserExists
from stagedoor.store.mapping import now

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 10
# A hash to verify against when the user does not exist, so timing does not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not a real password")

__all__ = [
    "LoginFailed",
    "LoginOk",
    "UserExists",
    "add_user",
    "log_in",
    "log_out",
    "new_password",
    "session_user",
]


class AccountError(ValueError):
    """Something about an account the user can fix: one line."""


class LoginFailed(Exception):
    """Wrong name or password, or a locked or disabled account. The message is safe to show."""


@dataclass(frozen=True)
class LoginOk:
    user: User
    token: str
    csrf: str


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    desk: Desk,
    username: str,
    role: Role,
    password: str,
    display_name: str = "",
    email: str = "",
    actor: str = "cli",
) -> User:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if not username.strip() or len(username) > 64:
        raise AccountError("a username needs 1 to 64 characters")
    user = Accounts(desk.store).add(username.strip(), role, _hasher.hash(password), display_name, email)
    audit.record(desk, actor, "user.add", username, role=role.value)
    return user


def users(desk: Desk) -> list[User]:
    return Accounts(desk.store).all()


def set_active(desk: Desk, username: str, active: bool, actor: str = "cli") -> None:
    if not Accounts(desk.store).set_active(username, active):
        raise AccountError(f"no user called {username!r}; `stagedoor user list` shows them")
    audit.record(desk, actor, "user.enable" if active else "user.disable", username)


def set_password(desk: Desk, username: str, password: str, actor: str = "cli") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if not Accounts(desk.store).set_password(username, _hasher.hash(password)):
        raise AccountError(f"no user called {username!r}; `stagedoor user list` shows them")
    audit.record(desk, actor, "user.password", username)


def log_in(desk: Desk, username: str, password: str, source: str) -> LoginOk:
    """Every attempt, good or bad, goes into the audit trail with where it came from."""
    accounts, settings = Accounts(desk.store), desk.settings
    found = accounts.get(username)
    if found is None:
        _check(_DUMMY_HASH, password)
        audit.record(desk, username, "login.failed", username, source, reason="no such user")
        raise LoginFailed("Wrong username or password.")
    user, stored, _failures, locked_until = found
    if locked_until is not None and locked_until > now():
        audit.record(desk, username, "login.refused", username, source, reason="locked")
        raise LoginFailed("This account is locked after repeated failures; try again later or ask an admin.")
    if not _check(stored, password) or not user.active:
        reason = "wrong password" if user.active else "disabled"
        lock_until = now() + timedelta(minutes=settings.lockout_minutes)
        count = accounts.record_failure(username, settings.lockout_failures, lock_until)
        audit.record(desk, username, "login.failed", username, source, reason=reason, failures=count)
        if count >= settings.lockout_failures:
            audit.record(desk, "system", "user.locked", username, source, until=lock_until.isoformat())
        raise LoginFailed("Wrong username or password.")
    accounts.record_success(user.id)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now() + timedelta(hours=settings.session_hours)
    accounts.add_session(_token_hash(token), user.id, csrf, source, expires)
    audit.record(desk, username, "login", username, source, role=user.role.value)
    return LoginOk(user, token, csrf)


def _check(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def session_user(desk: Desk, token: str) -> tuple[User, str] | None:
    return Accounts(desk.store).session_user(_token_hash(token)) if token else None


def log_out(desk: Desk, token: str, user: User, source: str) -> None:
    Accounts(desk.store).end_session(_token_hash(token))
    audit.record(desk, user.username, "logout", user.username, source)
