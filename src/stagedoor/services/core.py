"""The core use-cases: open the desk, ingest, read (in batches), route, list the queues."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from stagedoor import jsonview
from stagedoor.domain import (
    Correspondent,
    CorrespondentFile,
    IngestCounts,
    MessageRecord,
    QuarantineRecord,
    Route,
)
from stagedoor.ingest import CsvMapping, Source, discover, iter_source
from stagedoor.read import Reader, ReaderContext, load_lyrics
from stagedoor.settings import Settings
from stagedoor.store import Store
from stagedoor.store import paper as store_paper
from stagedoor.store.cipher import cipher_for
from stagedoor.triage import triage

T = TypeVar("T")


class BatchInputError(ValueError):
    """A line of `stagedoor read` input that is not a JSON object with a text."""


@dataclass
class Desk:
    settings: Settings
    store: Store
    _reader: Reader | None = None

    @property
    def reader(self) -> Reader:
        if self._reader is None:
            self._reader = build_reader(self.settings)
        return self._reader


def build_reader(settings: Settings) -> Reader:
    lyrics = load_lyrics(settings.lyrics_file) if settings.lyrics_file else ()
    return Reader(ReaderContext(lyrics=lyrics))


def open_desk(settings: Settings) -> Desk:
    """Open (and migrate) the store; the reader loads on first use."""
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.resolved_database_url, cipher=cipher_for(settings.encryption_keys))
    store.migrate()
    return Desk(settings=settings, store=store)


def plan_ingest(paths: Iterable[Path], mapping: CsvMapping | None = None) -> list[Source]:
    return discover(list(paths), mapping=mapping)


def ingest_sources(
    desk: Desk,
    sources: list[Source],
    on_source_done: Callable[[Source], None] | None = None,
) -> IngestCounts:
    """Store every item (parsed or quarantined), then read and triage what is new."""
    counts = IngestCounts()
    for source in sources:
        for item in iter_source(source, max_bytes=desk.settings.max_message_bytes):
            counts = counts + desk.store.add(item)
        if on_source_done:
            on_source_done(source)
    after_storing(desk, counts, [str(s.path) for s in sources])
    return counts


def after_storing(desk: Desk, counts: IngestCounts, origins: list[str]) -> None:
    """What every way in does once mail is stored: read and route it (imminent flags alert), update the
    writers' links and escalation, group copy-paste campaigns, and put the ingest in the audit trail."""
    from stagedoor.office import audit  # office builds on services: imported here, not at the top
    from stagedoor.services.campaigns import group_campaigns  # the parts build on core, not the reverse
    from stagedoor.services.people import refresh_people

    read_pending(desk)
    refresh_people(desk)
    group_campaigns(desk)
    audit.record(
        desk, "ingest", "ingest", "", "", new=counts.new, quarantined=counts.quarantined, sources=origins[:50]
    )


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last one shorter); itertools.batched needs Python 3.12."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


BATCH = 256
"""Messages read together: the model scores a batch in one matrix product, at a fraction of the cost."""


def read_pending(desk: Desk) -> int:
    """Read every message without a reading from the current pipeline version; imminent flags alert."""
    from stagedoor.office import alerts  # office builds on services: imported here, not at the top

    done = 0
    version = desk.reader.version
    for chunk in batched(desk.store.messages_needing_reading(version), BATCH):
        partial = store_paper.awaiting_transcription(desk.store, [m.id for m in chunk])
        for message, read in zip(chunk, desk.reader.read_many(chunk), strict=True):
            reading = triage(read, partial=message.id in partial)
            desk.store.save_reading(reading)
            alerts.on_reading(desk, message, reading)
            done += 1
    return done


def read_batch(reader: Reader, lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """The stable batch interface: one {"id", "text"} object per line in, one reading per line out.

    Lines are read in chunks; a bad line still ends the output right after the readings of the lines
    before it, with an error that names it.
    """
    pending: list[tuple[object, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = _batch_row(number, line)
        except BatchInputError:
            yield from _read_rows(reader, pending)
            raise
        pending.append(row)
        if len(pending) >= BATCH:
            yield from _read_rows(reader, pending)
            pending = []
    yield from _read_rows(reader, pending)


def _batch_row(number: int, line: str) -> tuple[object, str]:
    try:
        row = jsonview.text_row(line)
    except ValueError as exc:
        raise BatchInputError(f"line {number}: {exc}") from None
    return row.get("id", number), row["text"]


def _read_rows(reader: Reader, rows: list[tuple[object, str]]) -> Iterator[dict[str, object]]:
    if not rows:
        return
    readings = reader.read_texts([(str(message_id), text) for message_id, text in rows])
    for (message_id, _), reading in zip(rows, readings, strict=True):
        yield jsonview.batch_reading(message_id, triage(reading))


def queue(desk: Desk, route: Route | None = None, limit: int = 100, offset: int = 0) -> list[MessageRecord]:
    return desk.store.queue(route, limit=limit, offset=offset)


def queue_counts(desk: Desk) -> dict[Route, int]:
    return desk.store.queue_counts()


def message(desk: Desk, message_id: str) -> MessageRecord | None:
    return desk.store.message(message_id)


def correspondent(desk: Desk, correspondent_id: int) -> CorrespondentFile | None:
    return desk.store.correspondent(correspondent_id)


def correspondents(desk: Desk, limit: int = 200) -> list[Correspondent]:
    return desk.store.correspondents(limit=limit)


def quarantine(desk: Desk, limit: int = 200) -> list[QuarantineRecord]:
    return desk.store.quarantine(limit=limit)


DEMO_DATA = Path(__file__).resolve().parents[1] / "demo_data"
DEMO_INPUTS = ("mailbox.mbox", "dms.csv", "letters")


def demo_settings(settings: Settings) -> tuple[Settings, list[Path]]:
    """The bundled synthetic mailbox and the artist's lyrics, unless the user set their own lyrics file."""
    if settings.lyrics_file is None:
        settings = settings.model_copy(update={"lyrics_file": DEMO_DATA / "lyrics.txt"})
    return settings, [DEMO_DATA / name for name in DEMO_INPUTS]
