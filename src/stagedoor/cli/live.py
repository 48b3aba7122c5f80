"""Live sources: `stagedoor fetch imap` and the intake API's tokens."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from stagedoor import services
from stagedoor.cli.base import UserError, app, err, open_desk, out
from stagedoor.settings import Settings

fetch_app = typer.Typer(help="Fetch mail from live sources (IMAP mailboxes).", no_args_is_help=True)
token_app = typer.Typer(
    help="Intake API tokens, one per source (contact form, platform).", no_args_is_help=True
)
app.add_typer(fetch_app, name="fetch")
app.add_typer(token_app, name="token")


@fetch_app.command("imap")
def fetch_imap(
    config: Annotated[
        Path | None,
        typer.Option(help="TOML file listing the mailboxes (default STAGEDOOR_IMAP_CONFIG); see the README."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Fetch what is new, then stop (for cron).")] = False,
    interval: Annotated[float, typer.Option(min=1, help="Seconds between polls, without --once.")] = 60.0,
) -> None:
    """Poll IMAP mailboxes: store new mail (each message once, even after a crash), read and route it."""
    from stagedoor import intake
    from stagedoor.ingest.imap import load_config

    settings = Settings()
    path = config or settings.imap_config
    if path is None:
        raise UserError("no mailbox configuration: pass --config FILE or set STAGEDOOR_IMAP_CONFIG")
    mailboxes = load_config(path)
    desk = services.open_desk(settings)
    while True:
        try:
            report = _fetch_with_progress(intake, desk, mailboxes)
        except intake.ImapError as exc:
            if once:
                raise
            err.print(f"error: {exc}; trying again in {interval:g} s", markup=False, highlight=False)
        else:
            c = report.counts
            out.print(
                f"{c.new} new, {c.duplicate} duplicate, {c.quarantined} quarantined "
                f"from {report.folders} folder(s)"
                + (f"; reconnected {report.reconnects}x" if report.reconnects else "")
            )
        if once:
            return
        time.sleep(interval)


def _fetch_with_progress(intake: Any, desk: services.Desk, mailboxes: list[Any]) -> Any:
    with Progress(
        TextColumn("[bold]fetching[/] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} messages"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        tasks: dict[tuple[str, str], Any] = {}

        def show(p: Any) -> None:
            key = (p.mailbox, p.folder)
            if key not in tasks:
                tasks[key] = progress.add_task(f"{p.mailbox}/{p.folder}", total=p.total)
            progress.update(tasks[key], completed=p.done, total=p.total)

        return intake.fetch_imap(desk, mailboxes, on_progress=show)


@token_app.command("add")
def token_add(
    source: Annotated[str, typer.Argument(help="Who will post with it, e.g. contact-form or instagram.")],
) -> None:
    """Create an intake API token for one source. It is shown once: store it in the source's settings."""
    from stagedoor import intake

    try:
        token, record = intake.add_token(open_desk(), source)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    out.print(f"token {record.id} for {record.source}: {token}", markup=False, highlight=False)
    err.print("Shown once only; Stagedoor keeps just its hash. Send it as 'Authorization: Bearer <token>'.")


@token_app.command("list")
def token_list() -> None:
    """Every intake token: id, source, its first characters, when made, last used and revoked."""
    from stagedoor import intake

    table = Table(title="intake API tokens")
    for name in ("id", "source", "starts with", "created", "last used", "revoked"):
        table.add_column(name)
    for t in intake.tokens(open_desk()):
        when = [
            x.strftime("%Y-%m-%d %H:%M") if x else "" for x in (t.created_at, t.last_used_at, t.revoked_at)
        ]
        table.add_row(str(t.id), t.source, t.prefix + "…", *when)
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="Token id, as `stagedoor token list` shows.")],
) -> None:
    """Revoke a token at once: its source's posts get 401 from then on."""
    from stagedoor import intake

    if not intake.revoke_token(open_desk(), token_id):
        raise UserError(f"no live token with id {token_id}; `stagedoor token list` shows them")
    out.print(f"token {token_id} revoked")
