"""Correspondents across channels: the dossier, link suggestions, merges, splits, and their measures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from stagedoor import services
from stagedoor.cli.base import UserError, app, err, open_desk, out
from stagedoor.settings import Settings

By = Annotated[str, typer.Option("--by", help="Who decides (your name); recorded with the decision.")]


@app.command("correspondent")
def correspondent_(
    correspondent_id: Annotated[
        int, typer.Argument(metavar="ID", help="Correspondent number (see the desk).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="The whole dossier as JSON.")] = False,
) -> None:
    """One writer across channels: escalation level with reasons, timeline, warning profile, links."""
    d = services.dossier(open_desk(), correspondent_id)
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
    found = services.link_suggestions(open_desk(), None if status == "all" else LinkStatus(status))
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
    decided, event = services.decide_link(open_desk(), suggestion_id, True, by)
    moved = (
        f"; {len(event.message_ids)} message(s) moved into {event.target_id} (undo with `stagedoor undo {event.id}`)"
        if event
        else ""
    )
    out.print(f"link {decided.id} confirmed by {decided.decided_by}{moved}", markup=False)


@app.command("reject-link")
def reject_link(suggestion_id: Annotated[int, typer.Argument(metavar="ID")], by: By) -> None:
    """Reject a suggested link: recorded, and the pair is not suggested again for that reason."""
    decided, _ = services.decide_link(open_desk(), suggestion_id, False, by)
    out.print(f"link {decided.id} rejected by {decided.decided_by}", markup=False)


@app.command()
def merge(
    target: Annotated[int, typer.Argument(help="The correspondent that keeps the dossier.")],
    source: Annotated[int, typer.Argument(help="The correspondent whose messages move into it.")],
    by: By,
    note: Annotated[str, typer.Option(help="Why, for the record.")] = "",
) -> None:
    """Merge two correspondents into one dossier; every message kept, the merge recorded and undoable."""
    event = services.merge_correspondents(open_desk(), target, source, by, note)
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
    event = services.split_correspondent(open_desk(), correspondent_id, message_ids, by, name)
    out.print(
        f"split {event.id}: {len(event.message_ids)} message(s) moved to new correspondent {event.target_id}"
    )


@app.command()
def undo(
    event_id: Annotated[int, typer.Argument(metavar="ID", help="Merge or split number.")], by: By
) -> None:
    """Undo a merge or split: exactly the messages it moved go back."""
    event = services.undo_identity_event(open_desk(), event_id, by)
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
