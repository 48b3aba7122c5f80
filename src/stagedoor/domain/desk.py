"""Read models for the desk: a message with its reading, a queue entry, a correspondent's file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stagedoor.domain.correspondent import Correspondent
from stagedoor.domain.message import Message
from stagedoor.domain.reading import Reading
from stagedoor.domain.taxonomy import Channel


@dataclass(frozen=True)
class MessageRecord:
    """A stored message, its current reading (None until read) and who wrote it."""

    message: Message
    reading: Reading | None
    correspondent_id: int
    ingested_at: datetime


@dataclass(frozen=True)
class CorrespondentFile:
    correspondent: Correspondent
    messages: tuple[MessageRecord, ...]
    """In time order, oldest first."""


@dataclass(frozen=True)
class QuarantineRecord:
    id: int
    channel: Channel
    origin: str
    reason: str
    raw_sha256: str
    size: int
    received_at: datetime


@dataclass(frozen=True)
class IngestCounts:
    new: int = 0
    duplicate: int = 0
    quarantined: int = 0
    quarantined_duplicate: int = 0

    def __add__(self, other: IngestCounts) -> IngestCounts:
        return IngestCounts(
            self.new + other.new,
            self.duplicate + other.duplicate,
            self.quarantined + other.quarantined,
            self.quarantined_duplicate + other.quarantined_duplicate,
        )
