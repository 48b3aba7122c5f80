"""The desk's commands (`stagedoor user|audit|alerts|keys ...`, `retention`, `erase`), added to the main
Typer app by cli.py: thin wrappers over stagedoor.office, errors as one line."""

from __future__ import annotations

import threading
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from stagedoor import services
from stagedoor.domain.staff import Role
from stagedoor.office import accounts, alerts, audit, privacy
from stagedoor.settings import Settings

out = Console()
err = Console(stderr=True)

user_app = typer.Typer(
    help="Desk accounts: add, list, disable, enable, reset a password.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The audit trail: verify its hash chain, list recent entries.", no_args_is_help=True
)
alerts_app = typer.Typer(
    help="Alert outbox: deliver what is due (retries), list, retry failed.", no_args_is_help=True
)
keys_app = typer.Typer(
    help="Encryption at rest: make a key, re-encrypt under the newest key.", no_args_is_help=True
)

ERRORS = (accounts.AccountError, accounts.UserExists, privacy.PrivacyError, privacy.CipherError)


def _desk() -> services.Desk:
    return services.open_desk(Settings())


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Log-in name.")],
    role: Annotated[Role, typer.Option(help="admin, security, welfare or artist.")],
    name: Annotated[str, typer.Option(help="Name shown on the desk.")] = "",
    email: Annotated[str, typer.Option(help="Address for alert emails to this user's role.")] = "",
) -> None:
    """Add a user; a random password is printed once (give it to them, it is not stored in clear)."""
    password = accounts.new_password()
    accounts.add_user(_desk(), username, role, password, name, email)
    out.print(f"added {username} ({role.value}); password, shown once: {password}", markup=False)


@user_app.command("list")
def user_list() -> None:
    """Every account with its role and state."""
    table = Table(title="desk users")
    for col in ("username", "role", "name", "email", "active", "last log-in"):
        table.add_column(col)
    for u in accounts.users(_desk()):
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
        table.add_row(u.username, u.role.value, u.display_name, u.email, "yes" if u.active else "no", last)
    out.print(table)


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Log-in name.")]) -> None:
    """Disable an account and end its sessions at once."""
    accounts.set_active(_desk(), username, False)
    out.print(f"disabled {username}", markup=False)


@user_app.command("enable")
def user_enable(username: Annotated[str, typer.Argument(help="Log-in name.")]) -> None:
    """Enable a disabled account."""
    accounts.set_active(_desk(), username, True)
    out.print(f"enabled {username}", markup=False)


@user_app.command("reset")
def user_reset(username: Annotated[str, typer.Argument(help="Log-in name.")]) -> None:
    """Set a new random password (printed once) and lift any lock-out."""
    password = accounts.new_password()
    accounts.set_password(_desk(), username, password)
    out.print(f"new password for {username}, shown once: {password}", markup=False)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain: exit 1 and list the rows when any was edited or removed."""
    verdict = audit.verify(_desk())
    if verdict.ok:
        out.print(f"audit trail intact: {verdict.rows} rows, every hash and link checks out")
        return
    for problem in verdict.problems:
        err.print(f"tampered: {problem}", markup=False)
    raise typer.Exit(1)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, help="How many entries, newest first.")] = 50,
    action: Annotated[str, typer.Option(help="Only this action, e.g. login.failed or message.view.")] = "",
) -> None:
    """Recent entries: who, what, when, from where."""
    table = Table(title="audit trail")
    for col in ("id", "when", "who", "what", "on", "from"):
        table.add_column(col)
    for e in audit.entries(_desk(), limit=limit, action=action or None):
        table.add_row(str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.target, e.source)
    out.print(table)


@alerts_app.command("deliver")
def alerts_deliver(
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep going, every --every seconds (Ctrl-C stops).")
    ] = False,
    every: Annotated[float, typer.Option(min=0.1, help="Seconds between rounds with --watch.")] = 10.0,
) -> None:
    """Send the alerts whose time has come; failures are retried later with back-off."""
    desk = _desk()
    while True:
        done = alerts.deliver_due(desk)
        if done.sent or done.retrying or done.failed or not watch:
            out.print(f"{done.sent} sent, {done.retrying} to retry, {done.failed} failed")
        if not watch:
            return
        time.sleep(every)


@alerts_app.command("list")
def alerts_list() -> None:
    """Every alert with its status and attempts."""
    table = Table(title="alerts")
    for col in ("id", "kind", "role", "channel", "to", "status", "attempts", "last error"):
        table.add_column(col)
    for a in alerts.listing(_desk()):
        table.add_row(
            str(a.id), a.kind, a.role.value, a.channel, a.target, a.status, str(a.attempts), a.last_error
        )
    out.print(table)


@alerts_app.command("retry")
def alerts_retry() -> None:
    """Put failed alerts back in the outbox, due now."""
    out.print(f"{alerts.retry_failed(_desk())} alert(s) will be tried again")


@keys_app.command("new")
def keys_new() -> None:
    """Print a fresh key. Put it first in STAGEDOOR_ENCRYPTION_KEYS, keep the old ones after it, then rotate."""
    out.print(privacy.new_key(), markup=False)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every message text and raw blob under the first key (and encrypt plaintext ones)."""
    desk = _desk()
    with Progress(
        TextColumn("[bold]re-encrypting[/]"),
        BarColumn(),
        TextColumn("{task.completed} rows"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        done = privacy.rotate_keys(desk, on_batch=lambda n: progress.advance(task, n))
    out.print(f"{done} rows now under the first key; older keys can be dropped from the setting")


def retention(
    days: Annotated[
        int | None, typer.Option(min=1, help="Older than this many days (default STAGEDOOR_RETENTION_DAYS).")
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Empty the text and drop raw bytes, keep the reading.")
    ] = False,
) -> None:
    """Delete (or redact) old messages and closed cases; messages on an open case are kept."""
    swept = privacy.apply_retention(_desk(), days, redact)
    verb = "redacted" if redact else "deleted"
    out.print(
        f"{swept.messages} message(s) {verb}, {swept.cases} closed case(s) and {swept.quarantined} "
        f"quarantined item(s) deleted, {swept.correspondents} correspondent(s) with nothing left removed"
    )


def erase(
    correspondent_id: Annotated[int, typer.Argument(help="Correspondent number, as the desk shows it.")],
    reason: Annotated[str, typer.Option(help="Why (the request), recorded in the audit trail.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase everything of one writer on request: messages, raw bytes, readings, case links."""
    if not yes:
        typer.confirm(
            f"Erase every message of correspondent {correspondent_id}? This cannot be undone", abort=True
        )
    gone = privacy.erase_correspondent(_desk(), correspondent_id, reason)
    out.print(f"erased correspondent {correspondent_id} and {gone} message(s); recorded in the audit trail")


def demo_users(desk: services.Desk) -> list[tuple[str, Role, str]]:
    """One user per role with a fresh password each run (printed once by the caller)."""
    made = []
    for role in Role:
        username, password = f"demo-{role.value}", accounts.new_password()
        try:
            accounts.add_user(desk, username, role, password, f"Demo {role.value}", actor="demo")
        except accounts.UserExists:
            accounts.set_password(desk, username, password, actor="demo")
        made.append((username, role, password))
    return made


def start_alert_worker(desk: services.Desk, every: float = 15.0) -> threading.Thread:
    """For `stagedoor serve`: retries due alerts in the background, so nothing waits for a cron job."""

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                alerts.deliver_due(desk)
            except Exception as exc:  # keep serving; the outbox keeps the alerts for the next round
                err.print(f"alert delivery: {type(exc).__name__}: {exc}", markup=False)

    worker = threading.Thread(target=loop, name="stagedoor-alerts", daemon=True)
    worker.start()
    return worker


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(keys_app, name="keys")
    app.command()(retention)
    app.command()(erase)
