"""Paper letters and the watched folder: pages, transcriptions, envelopes, one dropped file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stagedoor.domain import (
    IngestCounts,
    MessageRecord,
    Quarantined,
)
from stagedoor.domain.paper import Envelope, PaperFile
from stagedoor.ingest import discover, iter_source
from stagedoor.ingest.base import IngestError
from stagedoor.ingest.watch import FileOutcome, WatchOptions
from stagedoor.ingest.watch import run as run_watch
from stagedoor.services.core import Desk, after_storing
from stagedoor.store import paper as store_paper
from stagedoor.triage import triage


def paper_file(desk: Desk, message_id: str) -> PaperFile | None:
    """A letter's pages and envelope; None for a message that has neither."""
    return store_paper.paper_file(desk.store, message_id)


def page_image(desk: Desk, message_id: str, number: int) -> bytes | None:
    """The PNG of one page, as kept at ingest."""
    return store_paper.page_image(desk.store, message_id, number)


def transcribe_page(desk: Desk, message_id: str, number: int, text: str) -> MessageRecord | None:
    """A person's transcription replaces the page's text; the message is read and routed again at once."""
    message_now = store_paper.transcribe(desk.store, message_id, number, text.replace("\r\n", "\n").strip())
    if message_now is None:
        return None
    partial = message_id in store_paper.awaiting_transcription(desk.store, [message_id])
    desk.store.save_reading(triage(desk.reader.read(message_now), partial=partial))
    return desk.store.message(message_id)


def pages_to_transcribe(desk: Desk, limit: int = 200) -> list[tuple[str, int, float | None]]:
    return store_paper.pages_to_transcribe(desk.store, limit=limit)


def attach_envelope(desk: Desk, message_id: str, envelope: Envelope) -> bool:
    """Keep what the mail room typed from the envelope; False when there is no such message."""
    return store_paper.save_envelope(desk.store, message_id, envelope)


def ingest_file(desk: Desk, path: Path) -> FileOutcome:
    """One dropped file, stored and read: what the watched folder does with each file it takes.

    Storing is idempotent (sha256 of the bytes + channel), so a file taken again after a crash adds nothing.
    """
    counts, reasons = IngestCounts(), []
    try:
        for source in discover([path]):
            for item in iter_source(source, max_bytes=desk.settings.max_message_bytes):
                counts = counts + desk.store.add(item)
                if isinstance(item, Quarantined):
                    reasons.append(item.reason)
    except IngestError as exc:
        return FileOutcome(path, counts, str(exc))
    after_storing(desk, counts, [str(path)])
    stored = counts.new + counts.duplicate
    return FileOutcome(path, counts, "" if stored else "; ".join(dict.fromkeys(reasons)) or "nothing in it")


def watch_folder(
    desk: Desk, folder: Path, options: WatchOptions, on_outcome: Callable[[FileOutcome], None] | None = None
) -> int:
    """Ingest every file dropped into `folder`, each once, into done/ or failed/ (see ingest/watch.py)."""
    return run_watch(folder, lambda p: ingest_file(desk, p), options, on_outcome)


def transcriptions(desk: Desk, message_id: str) -> list[tuple[int, str, str]]:
    """Every transcription typed for the letter's pages, oldest first: (page, text, text it replaced)."""
    return store_paper.transcriptions(desk.store, message_id)
