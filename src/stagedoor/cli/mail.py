"""The everyday commands: ingest, the queues, one message, the batch reader, evaluation, the desk."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from stagedoor import jsonview, services
from stagedoor.cli.base import UserError, app, err, open_desk, out
from stagedoor.domain import Route
from stagedoor.settings import Settings


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
    desk = open_desk()
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
    records = services.queue(open_desk(), route, limit=limit)
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
    rec = services.message(open_desk(), message_id)
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
