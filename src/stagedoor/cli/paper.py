"""Paper letters: the watched folder, envelope details, transcribing a page."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from stagedoor import services
from stagedoor.cli.base import UserError, app, open_desk, out


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
    desk = open_desk()
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
    if not services.attach_envelope(open_desk(), message_id, given):
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
    rec = services.transcribe_page(open_desk(), message_id, page, text)
    if rec is None:
        raise UserError(
            f"no page {page} of a paper letter {message_id!r}; `stagedoor show {message_id}` says"
        )
    severity = rec.reading.severity.value if rec.reading else "unread"
    out.print(f"page {page} transcribed; read again: severity {severity}")
