"""Use-cases: the one place where ingest, read, store and triage meet. CLI and web call only these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from stagedoor import jsonview
from stagedoor.domain import (
    Correspondent,
    CorrespondentFile,
    IngestCounts,
    MessageRecord,
    Quarantined,
    QuarantineRecord,
    Route,
)
from stagedoor.domain.paper import Envelope, PaperFile
from stagedoor.domain.people import (
    EscalationAlert,
    EscalationState,
    IdentityEvent,
    LinkStatus,
    LinkSuggestion,
)
from stagedoor.ingest import CsvMapping, Source, discover, iter_source
from stagedoor.ingest.base import IngestError
from stagedoor.ingest.watch import FileOutcome, WatchOptions
from stagedoor.ingest.watch import run as run_watch
from stagedoor.people import escalation, history, links, profile, timeline
from stagedoor.people import report as people_report
from stagedoor.people.escalation import Assessment, Step
from stagedoor.people.profile import WarningProfile
from stagedoor.people.timeline import Timeline
from stagedoor.read import Reader, ReaderContext, load_lyrics
from stagedoor.settings import Settings
from stagedoor.store import Store
from stagedoor.store import paper as store_paper
from stagedoor.store.cipher import cipher_for
from stagedoor.store.people import IdentityError, PeopleStore
from stagedoor.triage import triage
from stagedoor.triage.campaigns import NearDuplicates

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


DEMO_DATA = Path(__file__).parent / "demo_data"
DEMO_INPUTS = ("mailbox.mbox", "dms.csv", "letters")


def demo_settings(settings: Settings) -> tuple[Settings, list[Path]]:
    """The bundled synthetic mailbox and the artist's lyrics, unless the user set their own lyrics file."""
    if settings.lyrics_file is None:
        settings = settings.model_copy(update={"lyrics_file": DEMO_DATA / "lyrics.txt"})
    return settings, [DEMO_DATA / name for name in DEMO_INPUTS]


# ---- correspondents across channels: links, merges and splits, timelines, profiles, escalation ---------

__all__ = ["IdentityError"]  # re-exported: the CLI and web may not import the store

MIN_ALERT_MESSAGES = 2
"""A one-message writer's level is that message's reading, already in the queues: no separate alert."""


@dataclass(frozen=True)
class Dossier:
    """One writer across channels: messages, timeline, warning profile, escalation, links, history of merges."""

    file: CorrespondentFile
    timeline: Timeline
    profile: WarningProfile
    escalation: Assessment
    steps: list[Step]
    suggestions: list[LinkSuggestion]
    events: list[IdentityEvent]
    alerts: list[EscalationAlert]
    merged_into: int | None = None
    hidden: int = 0
    """Messages from this writer that the viewer's role may not read, left out of everything above."""


@dataclass(frozen=True)
class PeopleRefresh:
    suggested: int
    alerts: int


def people_store(desk: Desk) -> PeopleStore:
    return PeopleStore(desk.store)


def _histories(desk: Desk, ids: list[int] | None = None) -> dict[int, list[history.HistoryItem]]:
    wanted = ids if ids is not None else [c.id for c in desk.store.correspondents(limit=10**9)]
    out = {}
    for cid in wanted:
        found = desk.store.correspondent(cid)
        if found is not None and found.messages:
            out[cid] = history.from_records(found.messages)
    return out


def refresh_people(desk: Desk, escalate: list[int] | None = None) -> PeopleRefresh:
    """Suggest links among everyone, and update the escalation of `escalate` (everyone when None)."""
    everyone = _histories(desk)
    pstore = people_store(desk)
    suggested = pstore.save_candidates(
        links.suggest([links.writer_of(cid, h) for cid, h in everyone.items()])
    )
    alerts = 0
    for cid in escalate if escalate is not None else list(everyone):
        items = everyone.get(cid, [])
        stored = pstore.escalation(cid) if escalate is None else None
        if stored is not None and stored.message_count == len(items):
            continue  # nothing new since the last decision
        alerts += _escalate(desk, pstore, cid, items)
    return PeopleRefresh(suggested, alerts)


def _escalate(desk: Desk, pstore: PeopleStore, cid: int, items: list[history.HistoryItem]) -> int:
    steps = escalation.stream(items)
    if not steps:
        return 0
    stored = pstore.escalation(cid)
    since = stored.level if stored else escalation.Severity.NONE
    name = desk.store.correspondent(cid)
    display = name.correspondent.display_name if name else str(cid)
    rises = [
        (
            before,
            step.assessment.level,
            escalation.alert_text(display, before, step.assessment),
            step.message_id,
        )
        for before, step in escalation.rises(steps, since)
        if step.assessment.message_count >= MIN_ALERT_MESSAGES
        and step.assessment.level >= escalation.Severity.CONCERN
    ]
    final = steps[-1].assessment
    state = EscalationState(cid, final.level, final.score, final.reasons, final.message_count, _now())
    saved = pstore.save_escalation(state, rises)
    _notify_rises(desk, cid, [step.assessment for before, step in escalation.rises(steps, since)])
    return saved


def _notify_rises(desk: Desk, cid: int, risen: list[Assessment]) -> None:
    """A correspondent rising to urgent or above notifies the team of the side that rose, at once (email,
    webhook); the outbox keys each (writer, level, team) so a re-run sends nothing twice."""
    from stagedoor.office import alerts  # office builds on services: imported here, not at the top

    for a in risen:
        if a.message_count < MIN_ALERT_MESSAGES or a.level < escalation.Severity.URGENT:
            continue
        for side_level, route in ((a.artist_level, Route.SECURITY), (a.writer_level, Route.WELFARE)):
            if side_level >= escalation.Severity.URGENT:
                alerts.correspondent_escalated(desk, cid, side_level, route)


def _now() -> datetime:
    return datetime.now(UTC)


def dossier(
    desk: Desk, correspondent_id: int, keep: Callable[[MessageRecord], bool] | None = None
) -> Dossier | None:
    """The writer's dossier; `keep` limits it to the messages a viewer may read (the rest are counted)."""
    pstore = people_store(desk)
    found = desk.store.correspondent(correspondent_id)
    if found is None:
        return None
    total = len(found.messages)
    if keep is not None:
        found = replace(found, messages=tuple(r for r in found.messages if keep(r)))
    items = history.from_records(found.messages)
    steps = escalation.stream(items)
    resolved = pstore.resolve(correspondent_id)
    return Dossier(
        file=found,
        timeline=timeline.build(items),
        profile=profile.build(items),
        escalation=steps[-1].assessment if steps else escalation.assess([]),
        steps=steps,
        suggestions=pstore.suggestions(correspondent_id=correspondent_id),
        events=pstore.events(correspondent_id),
        alerts=pstore.alerts(correspondent_id=correspondent_id, least=escalation.Severity.LOW),
        merged_into=resolved if resolved != correspondent_id else None,
        hidden=total - len(found.messages),
    )


def link_suggestions(desk: Desk, status: LinkStatus | None = LinkStatus.PENDING) -> list[LinkSuggestion]:
    return people_store(desk).suggestions(status=status)


def decide_link(
    desk: Desk, suggestion_id: int, confirm: bool, by: str
) -> tuple[LinkSuggestion, IdentityEvent | None]:
    """Confirm (merge the two) or reject a suggested link; who and when are recorded either way."""
    status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    decided, event = people_store(desk).decide(suggestion_id, status, by)
    if event is not None:
        refresh_people(desk, escalate=[event.target_id, event.source_id])
    return decided, event


def merge_correspondents(
    desk: Desk, target_id: int, source_id: int, by: str, note: str = ""
) -> IdentityEvent:
    event = people_store(desk).merge(target_id, source_id, by, note)
    refresh_people(desk, escalate=[target_id, source_id])
    return event


def split_correspondent(
    desk: Desk, source_id: int, message_ids: list[str], by: str, name: str = ""
) -> IdentityEvent:
    event = people_store(desk).split(source_id, message_ids, by, name)
    refresh_people(desk, escalate=[source_id, event.target_id])
    return event


def undo_identity_event(desk: Desk, event_id: int, by: str) -> IdentityEvent:
    event = people_store(desk).undo(event_id, by)
    refresh_people(desk, escalate=[event.source_id, event.target_id])
    return event


def escalation_levels(desk: Desk) -> dict[int, str]:
    """Each correspondent's stored level (as of the last ingest, merge or split), by id."""
    return people_store(desk).levels()


def escalation_alerts(desk: Desk, limit: int = 20) -> list[EscalationAlert]:
    return people_store(desk).alerts(limit=limit)


def dossier_json(d: Dossier) -> dict[str, object]:
    """The dossier as `stagedoor correspondent --json` prints it and /api/correspondents/ID returns it."""
    return {
        **jsonview.correspondent_file(d.file),
        "merged_into": d.merged_into,
        "escalation": people_report.assessment(d.escalation),
        "escalation_by_message": people_report.steps(d.steps),
        "timeline": people_report.timeline(d.timeline),
        "warning_profile": people_report.profile(d.profile),
        "link_suggestions": [people_report.suggestion(s) for s in d.suggestions],
        "merges_and_splits": [people_report.event(e) for e in d.events],
        "escalation_alerts": [people_report.alert(a) for a in d.alerts],
    }


def suggestion_json(s: LinkSuggestion) -> dict[str, object]:
    return people_report.suggestion(s)


def event_json(e: IdentityEvent) -> dict[str, object]:
    return people_report.event(e)


def alert_json(a: EscalationAlert) -> dict[str, object]:
    return people_report.alert(a)


# ---- paper letters and the watched folder ---------------------------------------------------------------


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
