"""The `stagedoor` command: thin Typer wrappers over services. Errors are one line and a non-zero exit."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from stagedoor import jsonview, services
from stagedoor.domain import Route
from stagedoor.settings import Settings

app = typer.Typer(
    help="Stagedoor reads fan mail, flags danger to the artist and to the writer with evidence and reasons, "
    "and routes each message to the security, welfare or artist queue. It never replies to anyone.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class UserError(Exception):
    """Something the user can fix; shown as one line."""


def _desk() -> services.Desk:
    return services.open_desk(Settings())


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders: .eml, mbox, Maildir, .csv, .json, .txt")
    ],
    preset: Annotated[str, typer.Option(help="Column preset for CSV/JSON exports.")] = "generic",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column", "-c", help="Override one column of the preset: FIELD=COLUMN, e.g. text=message."
        ),
    ] = None,
) -> None:
    """Store every message (unparseable ones quarantined with the reason), read it, and route it."""
    from stagedoor.ingest import PRESETS

    if preset not in PRESETS:
        raise UserError(f"unknown preset {preset!r}; choose one of: {', '.join(sorted(PRESETS))}")
    mapping = PRESETS[preset]
    overrides = dict(_split_pair(c) for c in column or [])
    if overrides:
        known = {f.name for f in dataclasses.fields(mapping)}
        if unknown := set(overrides) - known:
            raise UserError(f"unknown column field(s) {sorted(unknown)}; known: {', '.join(sorted(known))}")
        mapping = dataclasses.replace(mapping, **overrides)
    desk = _desk()
    sources = services.plan_ingest(paths, mapping)
    total = sum(s.size for s in sources)
    with Progress(
        TextColumn("[bold]ingesting[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=total < 2_000_000 or not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=total)
        counts = services.ingest_sources(
            desk,
            sources,
            on_source_done=lambda s: progress.update(task, advance=s.size, description=s.path.name),
        )
    out.print(
        f"{counts.new} new, {counts.duplicate} duplicate, {counts.quarantined} quarantined"
        + (f" ({counts.quarantined_duplicate} already quarantined)" if counts.quarantined_duplicate else "")
    )


def _split_pair(text: str) -> tuple[str, str]:
    field, sep, value = text.partition("=")
    if not sep or not field or not value:
        raise UserError(f"--column wants FIELD=COLUMN, got {text!r}")
    return field.strip(), value.strip()


@app.command()
def queue(
    route: Annotated[
        Route | None, typer.Option(help="Only this queue; all routed messages when omitted.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="How many messages.")] = 50,
) -> None:
    """The triage queue: most severe first, then highest score, then longest waiting."""
    records = services.queue(_desk(), route, limit=limit)
    if as_json:
        for rec in records:
            sys.stdout.write(json.dumps(jsonview.record(rec, with_text=False), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{route.value if route else 'all'} queue")
    for name in ("id", "severity", "routes", "flags", "from", "channel", "received"):
        table.add_column(name)
    for rec in records:
        r = rec.reading
        table.add_row(
            rec.message.id,
            r.severity.value if r else "unread",
            ",".join(x.value for x in r.routes) if r else "",
            ", ".join(f.category.value for f in r.flags) if r else "",
            rec.message.sender.display,
            rec.message.channel.value,
            rec.message.received_at.strftime("%Y-%m-%d") if rec.message.received_at else "",
        )
    out.print(table)


@app.command()
def show(
    message_id: Annotated[
        str, typer.Argument(metavar="ID", help="Message id, as `stagedoor queue` prints it.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """One message: its text, flags with evidence and reasons, and routes."""
    rec = services.message(_desk(), message_id)
    if rec is None:
        raise UserError(f"no message with id {message_id!r}; `stagedoor queue` lists ids")
    if as_json:
        sys.stdout.write(json.dumps(jsonview.record(rec), ensure_ascii=False, indent=2) + "\n")
        return
    m, r = rec.message, rec.reading
    out.print(
        f"[bold]{m.subject or '(no subject)'}[/]  from {m.sender.display} via {m.channel.value}", markup=True
    )
    out.print(m.text, markup=False, highlight=False)
    if r is None:
        out.print("not read yet")
        return
    out.print(f"\nseverity {r.severity.value}; routes: {', '.join(x.value for x in r.routes)}")
    for f in r.flags:
        quotes = "; ".join(repr(e.text) for e in f.evidence)
        out.print(
            f"- {f.category.value} ({f.severity.value}, {f.score:.2f}): {f.reason} [{quotes}]", markup=False
        )


@app.command()
def read(
    file: Annotated[
        Path | None, typer.Argument(help='JSONL file of {"id", "text"}; stdin when omitted.')
    ] = None,
) -> None:
    """The stable batch interface: JSONL in, one reading per line out, in input order. Stores nothing."""
    reader = services.build_reader(Settings())
    if file is not None and not file.is_file():
        raise UserError(f"{file}: no such file")
    stream = file.open(encoding="utf-8") if file else sys.stdin
    write = sys.stdout.write
    try:
        for row in services.read_batch(reader, stream):
            write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if file:
            stream.close()


@app.command()
def stages() -> None:
    """The reader's pipeline: each stage with what it requires and provides, in order."""
    reader = services.build_reader(Settings())
    table = Table(title=f"reader pipeline {reader.version}")
    for name in ("stage", "requires", "provides", "what it is for"):
        table.add_column(name)
    for stage in reader.stages:
        table.add_row(stage.name, ", ".join(stage.requires), ", ".join(stage.provides), stage.doc)
    out.print(table)


@app.command("eval")
def eval_(
    files: Annotated[list[Path], typer.Argument(help="JSONL files in the ../shared/data row format.")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            envvar="STAGEDOOR_EVAL_MAPPING", help="Source -> categories mapping (default eval/mapping.json)."
        ),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.md, metrics.json, PNGs.")] = Path(
        "eval-results"
    ),
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Also train TF-IDF + logistic regression and compare.")
    ] = False,
    train_data: Annotated[
        Path | None, typer.Option(help="Training data for --baseline (default ../shared/data).")
    ] = None,
    include_seen: Annotated[
        bool, typer.Option("--include-seen", help="Keep rows the models were trained on.")
    ] = False,
    lyrics: Annotated[Path | None, typer.Option(help="The artist's lyrics file to read with.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most N rows per file (quick runs).")] = None,
) -> None:
    """Measure the reader on labelled JSONL: targets, per-category figures, plots; --baseline compares."""
    from stagedoor import evaluation
    from stagedoor.evaluation import terminal

    options = evaluation.EvalOptions(
        files, out_dir, mapping, baseline, train_data, include_seen, lyrics, limit
    )
    with Progress(
        TextColumn("[bold]reading[/]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} rows"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)
        try:
            result = evaluation.evaluate(
                options,
                Settings(),
                on_total=lambda n: progress.update(task, total=n),
                progress=lambda n: progress.advance(task, n),
            )
        except evaluation.EvaluationError as exc:  # soft_wrap: one line, however long the path
            err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    terminal.show(out, result)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default STAGEDOOR_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default STAGEDOOR_PORT).")] = None,
) -> None:
    """Serve the triage desk in a browser."""
    settings = Settings()
    _serve(services.open_desk(settings), host or settings.host, port or settings.port)


def _serve(desk: services.Desk, host: str, port: int) -> None:
    import uvicorn

    from stagedoor.web.app import create_app

    out.print(f"Stagedoor desk on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(desk), host=host, port=port, log_level="warning")


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the desk afterwards.")
    ] = True,
) -> None:
    """Ingest the bundled synthetic mailbox (mbox, DM export, letters) with its lyrics file, then serve."""
    settings, inputs = services.demo_settings(Settings())
    desk = services.open_desk(settings)
    counts = services.ingest_sources(desk, services.plan_ingest(inputs))
    out.print(
        f"demo mailbox: {counts.new} new, {counts.duplicate} duplicate, {counts.quarantined} quarantined"
    )
    for route, n in services.queue_counts(desk).items():
        out.print(f"  {route.value} queue: {n}")
    if serve_after:
        _serve(desk, settings.host, settings.port)


def main() -> None:
    """Entry point: user errors and bad input end in one line and exit 2, never a traceback."""
    from stagedoor.ingest import IngestError

    try:
        app()
    except (UserError, IngestError, services.BatchInputError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # last resort: one line, the traceback only on request
        if os.environ.get("STAGEDOOR_DEBUG"):
            raise
        err.print(f"error: {type(exc).__name__}: {exc} (set STAGEDOOR_DEBUG=1 for details)", markup=False)
        sys.exit(1)


# ---- issue 6: live mailboxes and intake API tokens -------------------------------------------------

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
        token, record = intake.add_token(_desk(), source)
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
    for t in intake.tokens(_desk()):
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

    if not intake.revoke_token(_desk(), token_id):
        raise UserError(f"no live token with id {token_id}; `stagedoor token list` shows them")
    out.print(f"token {token_id} revoked")


if __name__ == "__main__":
    main()
