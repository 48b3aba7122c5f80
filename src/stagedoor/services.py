"""Use-cases: the one place where ingest, read, store and triage meet. CLI and web call only these."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
from stagedoor.triage import triage
from stagedoor.triage.campaigns import NearDuplicates


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
    store = Store(settings.resolved_database_url)
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
    read_pending(desk)
    group_campaigns(desk)
    return counts


def read_pending(desk: Desk) -> int:
    """Read every message without a reading from the current pipeline version."""
    done = 0
    version = desk.reader.version
    for message in desk.store.messages_needing_reading(version):
        reading = triage(desk.reader.read(message))
        desk.store.save_reading(reading)
        done += 1
    return done


def read_batch(reader: Reader, lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """The stable batch interface: one {"id", "text"} object per line in, one reading per line out."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BatchInputError(f"line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise BatchInputError(f'line {number}: expected an object with a "text" string')
        message_id = row.get("id", number)
        reading = triage(reader.read_text(row["text"], message_id=str(message_id)))
        yield jsonview.batch_reading(message_id, reading)


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


DEMO_DATA = Path(__file__).parent / "demo_data"
DEMO_INPUTS = ("mailbox.mbox", "dms.csv", "letters")


def demo_settings(settings: Settings) -> tuple[Settings, list[Path]]:
    """The bundled synthetic mailbox and the artist's lyrics, unless the user set their own lyrics file."""
    if settings.lyrics_file is None:
        settings = settings.model_copy(update={"lyrics_file": DEMO_DATA / "lyrics.txt"})
    return settings, [DEMO_DATA / name for name in DEMO_INPUTS]


# ---- issue 6: near-duplicate campaigns ----------------------------------------------------------------


def group_campaigns(desk: Desk, index: NearDuplicates | None = None) -> int:
    """Sketch every message not sketched yet and group near-duplicates; returns how many joined a group.

    Run after reading, so each campaign's lead (the one the queue shows) is its most urgent member.
    A long-running caller (the web app) passes its own index, which then only catches up on new sketches.
    """
    from stagedoor.store import campaigns as groups
    from stagedoor.triage import campaigns as near

    index = index if index is not None else near.NearDuplicates()
    skip = index.ids
    index.catch_up((m, near.from_bytes(sig)) for m, sig in groups.sketches(desk.store, near.SCHEME, skip))
    joined = 0
    for message_id, text in list(groups.unsketched(desk.store, near.SCHEME)):
        sketch = near.sketch(text)
        groups.save_sketch(desk.store, message_id, near.SCHEME, near.to_bytes(sketch) if sketch else None)
        if sketch is None:
            continue
        if matches := index.add(message_id, sketch):
            groups.attach(desk.store, message_id, [(m.other_id, m.similarity) for m in matches])
            joined += 1
    groups.refresh_leads(desk.store)
    return joined


def campaign(desk: Desk, campaign_id: int) -> list[tuple[MessageRecord, float]] | None:
    from stagedoor.store import campaigns as groups

    return groups.members(desk.store, campaign_id)


def campaigns_of(desk: Desk, message_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(campaign id, size) for the given messages that belong to a campaign."""
    from stagedoor.store import campaigns as groups

    return {m: (c.id, c.size) for m, c in groups.campaigns_of(desk.store, message_ids).items()}
