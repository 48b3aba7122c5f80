"""The `stagedoor` command: thin Typer wrappers over services. Errors are one line and a non-zero exit."""

from __future__ import annotations

import dataclasses
import datetime as dt
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
        list[Path],
        typer.Argument(
            help="Files or folders: .eml, mbox, Maildir, .csv, .json, .txt, scans (.png .jpg .tif .pdf)"
        ),
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

    from stagedoor.deskcli import start_alert_worker
    from stagedoor.web.app import create_app

    start_alert_worker(desk)
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
    from stagedoor import deskcli

    out.print("log in as (passwords shown once; `stagedoor user reset NAME` makes new ones):")
    for username, role, password in deskcli.demo_users(desk):
        out.print(f"  {role.value:<9} {username:<15} {password}", markup=False)
    if serve_after:
        _serve(desk, settings.host, settings.port)


# ---- correspondents across channels ------------------------------------------------------------------

By = Annotated[str, typer.Option("--by", help="Who decides (your name); recorded with the decision.")]


@app.command("correspondent")
def correspondent_(
    correspondent_id: Annotated[
        int, typer.Argument(metavar="ID", help="Correspondent number (see the desk).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="The whole dossier as JSON.")] = False,
) -> None:
    """One writer across channels: escalation level with reasons, timeline, warning profile, links."""
    d = services.dossier(_desk(), correspondent_id)
    if d is None:
        raise UserError(f"no correspondent {correspondent_id}; the desk's Correspondents page lists them")
    if as_json:
        sys.stdout.write(json.dumps(services.dossier_json(d), ensure_ascii=False, indent=2) + "\n")
        return
    c, t = d.file.correspondent, d.timeline
    out.print(
        f"[bold]{c.display_name}[/] ({c.key}): {c.message_count} messages", markup=True, highlight=False
    )
    if d.merged_into:
        out.print(f"merged into correspondent {d.merged_into}")
    channels = ", ".join(f"{ch.value} {n}" for ch, n in t.per_channel.items())
    out.print(
        f"{channels}; first {t.first:%Y-%m-%d} last {t.last:%Y-%m-%d}" if t.first and t.last else channels
    )
    out.print(f"\nescalation: {d.escalation.level.value}", markup=False)
    for reason in d.escalation.reasons:
        out.print(f"  - {reason}", markup=False, highlight=False)
    out.print(
        "levels after each message: " + " > ".join(s.assessment.level.value for s in d.steps), markup=False
    )
    for burst in t.bursts:
        out.print(
            f"burst: {len(burst.message_ids)} messages from {burst.start:%Y-%m-%d} to {burst.end:%Y-%m-%d}"
        )
    signals = [s for s in (*d.profile.features.values(), *d.profile.behaviours.values()) if s.present]
    if signals:
        out.print("\nwarning profile:")
        for s in signals:
            out.print(
                f"  - {s.label}: {', '.join(s.message_ids)} (“{s.quotes[-1]}”)", markup=False, highlight=False
            )
    for link in d.suggestions:
        out.print(
            f"link {link.id} [{link.status.value}]: {link.a_name} ({link.a_id}) ~ {link.b_name} ({link.b_id}): {link.reason}",
            markup=False,
            highlight=False,
        )
    for alert in d.alerts:
        out.print(f"alert: {alert.text}", markup=False, highlight=False)


@app.command()
def links(
    status: Annotated[str, typer.Option(help="pending, confirmed, rejected or all.")] = "pending",
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Suggested links between correspondents (same name, postal address, signature, writing style)."""
    from stagedoor.domain.people import LinkStatus

    if status not in ("all", *(s.value for s in LinkStatus)):
        raise UserError(f"unknown status {status!r}; choose pending, confirmed, rejected or all")
    found = services.link_suggestions(_desk(), None if status == "all" else LinkStatus(status))
    if as_json:
        for link in found:
            sys.stdout.write(json.dumps(services.suggestion_json(link), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{status} link suggestions")
    for name in ("id", "correspondent", "and", "why", "score", "status"):
        table.add_column(name)
    for link in found:
        table.add_row(
            str(link.id),
            f"{link.a_name} ({link.a_id})",
            f"{link.b_name} ({link.b_id})",
            link.reason,
            f"{link.score:.2f}",
            link.status.value,
        )
    out.print(table)


@app.command("confirm-link")
def confirm_link(suggestion_id: Annotated[int, typer.Argument(metavar="ID")], by: By) -> None:
    """Confirm a suggested link: the two correspondents become one dossier (recorded, undoable)."""
    decided, event = services.decide_link(_desk(), suggestion_id, True, by)
    moved = (
        f"; {len(event.message_ids)} message(s) moved into {event.target_id} (undo with `stagedoor undo {event.id}`)"
        if event
        else ""
    )
    out.print(f"link {decided.id} confirmed by {decided.decided_by}{moved}", markup=False)


@app.command("reject-link")
def reject_link(suggestion_id: Annotated[int, typer.Argument(metavar="ID")], by: By) -> None:
    """Reject a suggested link: recorded, and the pair is not suggested again for that reason."""
    decided, _ = services.decide_link(_desk(), suggestion_id, False, by)
    out.print(f"link {decided.id} rejected by {decided.decided_by}", markup=False)


@app.command()
def merge(
    target: Annotated[int, typer.Argument(help="The correspondent that keeps the dossier.")],
    source: Annotated[int, typer.Argument(help="The correspondent whose messages move into it.")],
    by: By,
    note: Annotated[str, typer.Option(help="Why, for the record.")] = "",
) -> None:
    """Merge two correspondents into one dossier; every message kept, the merge recorded and undoable."""
    event = services.merge_correspondents(_desk(), target, source, by, note)
    out.print(
        f"merge {event.id}: {len(event.message_ids)} message(s) from {source} into {target} (undo with `stagedoor undo {event.id}`)"
    )


@app.command()
def split(
    correspondent_id: Annotated[int, typer.Argument(metavar="ID", help="The correspondent to split.")],
    message_ids: Annotated[
        list[str], typer.Argument(metavar="MESSAGE...", help="Messages that are someone else's.")
    ],
    by: By,
    name: Annotated[str, typer.Option(help="Name for the new correspondent.")] = "",
) -> None:
    """Move some messages to a new correspondent; recorded and undoable."""
    event = services.split_correspondent(_desk(), correspondent_id, message_ids, by, name)
    out.print(
        f"split {event.id}: {len(event.message_ids)} message(s) moved to new correspondent {event.target_id}"
    )


@app.command()
def undo(
    event_id: Annotated[int, typer.Argument(metavar="ID", help="Merge or split number.")], by: By
) -> None:
    """Undo a merge or split: exactly the messages it moved go back."""
    event = services.undo_identity_event(_desk(), event_id, by)
    out.print(
        f"{event.kind.value} {event.id} undone: {len(event.message_ids)} message(s) back in {event.source_id}"
    )


@app.command("eval-early")
def eval_early(
    file: Annotated[
        Path, typer.Argument(help="C-SSRS JSONL (../shared/data/writer_risk/cssrs_reddit_500/data.jsonl).")
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for early-risk.md and early-risk.json.")
    ] = Path("eval-results"),
    all_writers: Annotated[
        bool, typer.Option("--all-writers", help="Include the writers in the training split.")
    ] = False,
) -> None:
    """eRisk-style early risk: read each writer's posts one at a time, decide; ERDE5, ERDE50, F-latency."""
    from stagedoor.evaluation import early_risk

    if not file.is_file():
        raise UserError(f"{file}: no such file")
    with Progress(
        TextColumn("[bold]reading writers[/]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)
        result = early_risk.run(
            file,
            Settings(),
            include_train=all_writers,
            on_total=lambda n: progress.update(task, total=n),
            progress=lambda: progress.advance(task),
        )
    path = early_risk.write(result, out_dir)
    out.print(early_risk.summary(result), markup=False)
    out.print(f"report: {path}")


@app.command("eval-histories")
def eval_histories(
    folder: Annotated[Path, typer.Argument(help="Folder of labelled synthetic histories (eval/histories).")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for histories.md and histories.json.")
    ] = Path("eval-results"),
) -> None:
    """Linking precision/recall and escalation detection on labelled correspondent histories."""
    from stagedoor.evaluation import histories

    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder")
    try:
        result = histories.run(folder, Settings())
    except histories.HistoryError as exc:
        raise UserError(str(exc)) from None
    path = histories.write(result, out_dir)
    out.print(histories.summary(result), markup=False)
    out.print(f"report: {path}")


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="The folder scans and exports are dropped into.")],
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between two looks at the folder.")] = 2.0,
    settle: Annotated[
        float, typer.Option(min=0, help="Seconds a file must stay the same size before it is taken.")
    ] = 2.0,
    once: Annotated[
        bool, typer.Option("--once", help="Take what is in the folder now, then stop (for cron).")
    ] = False,
) -> None:
    """Take in every file dropped into FOLDER, once each: read, stored, then moved to done/ or failed/.

    A file in failed/ has a .reason file beside it saying why. Temporary names (.part, .tmp, hidden) are left alone until renamed. Safe to stop or kill at any time: on restart nothing is lost or taken twice.
    """
    from stagedoor.ingest.watch import WatchOptions

    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder; create it or check the path")
    desk = _desk()
    if not once:
        out.print(f"watching {folder} (Ctrl-C to stop); files go to done/ or failed/")

    def report(o: services.FileOutcome) -> None:
        c = o.counts
        if o.error:
            out.print(f"failed  {o.path.name}: {o.error}", markup=False, highlight=False)
        else:
            out.print(
                f"done    {o.path.name}: {c.new} new, {c.duplicate} duplicate, {c.quarantined} quarantined"
            )

    taken = services.watch_folder(desk, folder, WatchOptions(interval, settle, once), report)
    if once:
        out.print(f"{taken} file(s) taken")


@app.command()
def envelope(
    message_id: Annotated[
        str, typer.Argument(metavar="ID", help="The letter's id, as `stagedoor queue` prints it.")
    ],
    city: Annotated[str, typer.Option(help="Postmark city.")] = "",
    date: Annotated[str, typer.Option(help="Postmark date, YYYY-MM-DD or DD/MM/YYYY.")] = "",
    return_address: Annotated[str, typer.Option(help="Return address on the envelope.")] = "",
    enclosure: Annotated[
        list[str] | None, typer.Option(help="Something enclosed (a photo, a gift); repeat for each.")
    ] = None,
) -> None:
    """Attach what the mail room read off a letter's envelope (replaces what was typed before)."""
    from stagedoor.domain.paper import Envelope

    given = Envelope(
        city.strip(),
        _postmark_date(date),
        return_address.strip(),
        tuple(e.strip() for e in enclosure or [] if e.strip()),
    )
    if given.is_empty:
        raise UserError("nothing to attach; give --city, --date, --return-address or --enclosure")
    if not services.attach_envelope(_desk(), message_id, given):
        raise UserError(f"no message with id {message_id!r}; `stagedoor queue` lists ids")
    out.print(f"envelope details kept for {message_id}")


def _postmark_date(text: str) -> dt.date | None:
    from stagedoor.domain.paper import parse_postmark_date

    try:
        return parse_postmark_date(text)
    except ValueError:
        raise UserError(f"--date wants YYYY-MM-DD or DD/MM/YYYY, got {text!r}") from None


@app.command()
def transcribe(
    message_id: Annotated[str, typer.Argument(metavar="ID", help="The letter's id.")],
    page: Annotated[int, typer.Argument(min=1, help="Page number, from 1.")],
    file: Annotated[
        Path | None, typer.Option(help="UTF-8 text file with the page as written; stdin if omitted.")
    ] = None,
) -> None:
    """Replace one page's OCR text with a person's transcription, then read the letter again."""
    if file is not None and not file.is_file():
        raise UserError(f"{file}: no such file")
    try:
        text = file.read_text(encoding="utf-8") if file else sys.stdin.read()
    except UnicodeDecodeError:
        raise UserError(f"{file or 'stdin'}: not UTF-8 text; save the transcription as UTF-8") from None
    rec = services.transcribe_page(_desk(), message_id, page, text)
    if rec is None:
        raise UserError(
            f"no page {page} of a paper letter {message_id!r}; `stagedoor show {message_id}` says"
        )
    severity = rec.reading.severity.value if rec.reading else "unread"
    out.print(f"page {page} transcribed; read again: severity {severity}")


def main() -> None:
    """Entry point: user errors and bad input end in one line and exit 2, never a traceback."""
    from stagedoor.deskcli import ERRORS as DESK_ERRORS
    from stagedoor.ingest import IngestError

    try:
        app()
    except (UserError, IngestError, services.BatchInputError, services.IdentityError, *DESK_ERRORS) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # last resort: one line, the traceback only on request
        if os.environ.get("STAGEDOOR_DEBUG"):
            raise
        err.print(f"error: {type(exc).__name__}: {exc} (set STAGEDOOR_DEBUG=1 for details)", markup=False)
        sys.exit(1)


def _register_desk_commands() -> None:
    from stagedoor import deskcli

    deskcli.register(app)


_register_desk_commands()
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
