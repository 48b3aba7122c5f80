"""A writer followed across messages; for now keyed by the normalised address or handle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stagedoor.domain.taxonomy import Channel


@dataclass(frozen=True)
class Correspondent:
    id: int
    key: str
    display_name: str
    channels: tuple[Channel, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    message_count: int = 0
