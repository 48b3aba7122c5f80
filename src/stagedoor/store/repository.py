"""The Store: every query the desk makes, over SQLite (WAL) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from stagedoor.domain import (
    Channel,
    Correspondent,
    CorrespondentFile,
    Incoming,
    IngestCounts,
    IngestItem,
    Message,
    MessageRecord,
    QuarantineRecord,
    Reading,
    Route,
)
from stagedoor.domain.paper import PaperIncoming
from stagedoor.store import mapping, paper
from stagedoor.store.cipher import Cipher, PlainCipher, install
from stagedoor.store.follow import follow_merges
from stagedoor.store.migrate import upgrade
from stagedoor.store.tables import (
    CampaignMemberRow,
    CorrespondentRow,
    MessageRow,
    QuarantineRow,
    RawMessageRow,
    ReadingRouteRow,
    ReadingRow,
)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    def __init__(self, url: str, cipher: Cipher | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.cipher: Cipher = cipher or PlainCipher()
        install(self._session, self.cipher)

    def session(self) -> Session:
        """For the store's other repositories (accounts, audit, cases, outbox), which share this engine."""
        return self._session()

    def migrate(self) -> None:
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ---- ingest -------------------------------------------------------------------------------------

    def add(self, item: IngestItem) -> IngestCounts:
        """Store one parsed or quarantined item; the same bytes on the same channel add nothing."""
        if isinstance(item, Incoming):
            return IngestCounts(new=1) if self._add_message(item) else IngestCounts(duplicate=1)
        with self._session() as s:
            if s.scalar(
                select(QuarantineRow.id).filter_by(raw_sha256=item.raw_sha256, channel=item.channel.value)
            ):
                return IngestCounts(quarantined_duplicate=1)
            s.add(
                QuarantineRow(
                    channel=item.channel.value,
                    raw_sha256=item.raw_sha256,
                    raw=item.raw,
                    size=len(item.raw),
                    reason=item.reason,
                    origin=item.origin,
                    received_at=mapping.now(),
                )
            )
            return self._commit_unique(s, IngestCounts(quarantined=1), IngestCounts(quarantined_duplicate=1))

    def _add_message(self, item: Incoming) -> bool:
        m = item.message
        with self._session() as s:
            if s.scalar(select(MessageRow.id).filter_by(raw_sha256=m.raw_sha256, channel=m.channel.value)):
                return False
            correspondent_id = self._correspondent_for(s, m)
            s.add(mapping.message_row(m, correspondent_id))
            s.add(RawMessageRow(message_id=m.id, raw=item.raw))
            if isinstance(item, PaperIncoming):  # a scanned letter's pages, in the same transaction
                s.flush()  # the message row first: the pages' foreign key points at it
                s.add_all(paper.page_rows(item))
            return self._commit_unique(s, True, False)

    @staticmethod
    def _commit_unique(s: Session, ok: Any, clash: Any) -> Any:
        """Commit; a unique-key clash means a concurrent writer stored the same item first."""
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return clash
        return ok

    def _correspondent_for(self, s: Session, message: Message) -> int:
        key = message.sender.key
        found = s.scalar(select(CorrespondentRow.id).filter_by(key=key))
        if found is not None:
            return follow_merges(s, found)
        row = CorrespondentRow(key=key, display_name=message.sender.display, created_at=mapping.now())
        s.add(row)
        s.flush()
        return row.id

    def raw(self, message_id: str) -> bytes | None:
        with self._session() as s:
            raw = s.scalar(select(RawMessageRow.raw).filter_by(message_id=message_id))
            return None if raw is None else self.cipher.decrypt_bytes(raw)

    # ---- readings -----------------------------------------------------------------------------------

    def messages_needing_reading(self, pipeline_version: str, batch: int = 500) -> Iterator[Message]:
        """Messages with no current reading from this pipeline version, in batches (safe to save while iterating)."""
        done = (
            select(ReadingRow.message_id)
            .where(ReadingRow.current.is_(True), ReadingRow.pipeline_version == pipeline_version)
            .scalar_subquery()
        )
        last = ""
        while True:
            with self._session() as s:
                rows = s.scalars(
                    select(MessageRow)
                    .where(MessageRow.id.not_in(done), MessageRow.id > last)
                    .order_by(MessageRow.id)
                    .limit(batch)
                ).all()
                messages = [mapping.to_message(r) for r in rows]
            if not messages:
                return
            yield from messages
            last = messages[-1].id

    def save_reading(self, reading: Reading) -> None:
        """The new reading becomes current; older ones stay as history."""
        with self._session() as s:
            s.execute(
                update(ReadingRow)
                .where(ReadingRow.message_id == reading.message_id, ReadingRow.current.is_(True))
                .values(current=False)
            )
            s.execute(
                update(MessageRow)
                .where(MessageRow.id == reading.message_id)
                .values(language=reading.language)
            )
            s.add(mapping.reading_row(reading))
            s.commit()

    # ---- desk queries -------------------------------------------------------------------------------

    def queue(self, route: Route | None, limit: int = 100, offset: int = 0) -> list[MessageRecord]:
        """Most severe first, then highest score, then oldest: the triage order of TAXONOMY.md."""
        query = select(MessageRow, ReadingRow).join(
            ReadingRow, (ReadingRow.message_id == MessageRow.id) & ReadingRow.current.is_(True)
        )
        query = query.where(MessageRow.id.not_in(_campaign_followers()))
        if route is not None:
            query = query.join(ReadingRouteRow, ReadingRouteRow.reading_id == ReadingRow.id).where(
                ReadingRouteRow.route == route.value
            )
        query = query.order_by(
            ReadingRow.severity_rank.desc(),
            ReadingRow.score.desc(),
            MessageRow.received_at.asc().nulls_last(),
            MessageRow.id,
        )
        with self._session() as s:
            rows = s.execute(query.limit(limit).offset(offset)).all()
            return [mapping.to_record(m, r) for m, r in rows]

    def queue_counts(self) -> dict[Route, int]:
        query = (
            select(ReadingRouteRow.route, func.count())
            .join(ReadingRow, ReadingRow.id == ReadingRouteRow.reading_id)
            .where(ReadingRow.current.is_(True), ReadingRow.message_id.not_in(_campaign_followers()))
            .group_by(ReadingRouteRow.route)
        )
        with self._session() as s:
            found = dict(s.execute(query).tuples().all())
        return {r: int(found.get(r.value, 0)) for r in Route}

    def message(self, message_id: str) -> MessageRecord | None:
        with self._session() as s:
            row = s.get(MessageRow, message_id)
            if row is None:
                return None
            return mapping.to_record(row, self._current_reading(s, message_id))

    @staticmethod
    def _current_reading(s: Session, message_id: str) -> ReadingRow | None:
        return s.scalar(select(ReadingRow).filter_by(message_id=message_id, current=True))

    def correspondent(self, correspondent_id: int) -> CorrespondentFile | None:
        with self._session() as s:
            row = s.get(CorrespondentRow, correspondent_id)
            if row is None:
                return None
            messages = s.scalars(
                select(MessageRow)
                .filter_by(correspondent_id=correspondent_id)
                .order_by(MessageRow.received_at.asc().nulls_last(), MessageRow.id)
            ).all()
            records = tuple(mapping.to_record(m, self._current_reading(s, m.id)) for m in messages)
        return CorrespondentFile(correspondent=self._to_correspondent(row, records), messages=records)

    @staticmethod
    def _to_correspondent(row: CorrespondentRow, records: tuple[MessageRecord, ...]) -> Correspondent:
        times = [r.message.received_at for r in records if r.message.received_at]
        channels = tuple(dict.fromkeys(r.message.channel for r in records))
        return Correspondent(
            id=row.id,
            key=row.key,
            display_name=row.display_name,
            channels=channels,
            first_seen=min(times, default=None),
            last_seen=max(times, default=None),
            message_count=len(records),
        )

    def correspondents(self, limit: int = 200) -> list[Correspondent]:
        """Most active first, with counts, channels and first/last contact computed in SQL."""
        query = (
            select(
                CorrespondentRow,
                func.count(MessageRow.id),
                func.min(MessageRow.received_at),
                func.max(MessageRow.received_at),
            )
            .join(MessageRow, MessageRow.correspondent_id == CorrespondentRow.id)
            .group_by(CorrespondentRow.id)
            .order_by(func.count(MessageRow.id).desc(), CorrespondentRow.id)
            .limit(limit)
        )
        with self._session() as s:
            rows = s.execute(query).all()
            channel_rows = s.execute(
                select(MessageRow.correspondent_id, MessageRow.channel)
                .where(MessageRow.correspondent_id.in_([r[0].id for r in rows]))
                .distinct()
            ).all()
        channels: dict[int, list[Channel]] = {}
        for cid, ch in channel_rows:
            channels.setdefault(cid, []).append(Channel(ch))
        return [
            Correspondent(
                id=row.id,
                key=row.key,
                display_name=row.display_name,
                channels=tuple(sorted(channels.get(row.id, []))),
                first_seen=mapping.utc(first),
                last_seen=mapping.utc(last),
                message_count=int(count),
            )
            for row, count, first, last in rows
        ]

    def quarantine(self, limit: int = 200) -> list[QuarantineRecord]:
        with self._session() as s:
            rows = s.scalars(select(QuarantineRow).order_by(QuarantineRow.id.desc()).limit(limit)).all()
            return [
                QuarantineRecord(
                    id=r.id,
                    channel=Channel(r.channel),
                    origin=r.origin,
                    reason=r.reason,
                    raw_sha256=r.raw_sha256,
                    size=r.size,
                    received_at=mapping.utc(r.received_at) or mapping.now(),
                )
                for r in rows
            ]

    def quarantined_raw(self, quarantine_id: int) -> bytes | None:
        with self._session() as s:
            raw = s.scalar(select(QuarantineRow.raw).filter_by(id=quarantine_id))
            return None if raw is None else self.cipher.decrypt_bytes(raw)

    def counts(self) -> dict[str, int]:
        with self._session() as s:
            return {
                "messages": s.scalar(select(func.count()).select_from(MessageRow)) or 0,
                "quarantined": s.scalar(select(func.count()).select_from(QuarantineRow)) or 0,
                "correspondents": s.scalar(select(func.count()).select_from(CorrespondentRow)) or 0,
                "readings": s.scalar(select(func.count()).select_from(ReadingRow).filter_by(current=True))
                or 0,
            }

    def latest_received(self) -> datetime | None:
        with self._session() as s:
            return mapping.utc(s.scalar(select(func.max(MessageRow.received_at))))


def _campaign_followers() -> Any:
    """Campaign members other than the lead: the queue shows a campaign once (see store/campaigns.py)."""
    return select(CampaignMemberRow.message_id).where(CampaignMemberRow.lead.is_(False)).scalar_subquery()
