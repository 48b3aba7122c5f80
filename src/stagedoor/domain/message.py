"""What came in: one frozen record per message, whatever its source (the one funnel)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from stagedoor.domain.taxonomy import Channel


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def message_id_for(raw_sha256: str, channel: Channel) -> str:
    """Deterministic id from the dedup key, so re-ingesting the same bytes on the same channel is a no-op."""
    return hashlib.sha256(f"{channel.value}:{raw_sha256}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Sender:
    """Who wrote it, as far as the source says. Any field may be empty."""

    name: str = ""
    address: str = ""
    handle: str = ""
    platform: str = ""
    postal_address: str = ""

    @property
    def key(self) -> str:
        """Normalised identity: email address, else platform handle, else postal address, else name."""
        if self.address:
            return "email:" + self.address.strip().lower()
        if self.handle:
            handle = self.handle.strip().lstrip("@").casefold()
            return f"handle:{(self.platform or 'unknown').strip().casefold()}:{handle}"
        if self.postal_address:
            return "postal:" + _fold(self.postal_address)
        if self.name:
            return "name:" + _fold(self.name)
        return "unknown:"

    @property
    def display(self) -> str:
        return (
            self.name or self.address or (f"@{self.handle.lstrip('@')}" if self.handle else "") or "unknown"
        )


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.replace(",", " ").split())


@dataclass(frozen=True)
class Attachment:
    """Recorded, never opened, executed or rendered."""

    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Message:
    id: str
    channel: Channel
    sender: Sender
    received_at: datetime | None
    subject: str
    text: str
    raw_sha256: str
    language: str = ""
    attachments: tuple[Attachment, ...] = ()
    origin: str = ""
    """Where it was read from: a file path, with '#n' for the n-th item of a mailbox or export."""
    external_id: str = ""
    """The source's own id: the Message-ID header, an export's id column, a letter's file name."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Non-fatal parse notes a human may want to know (charset guessed, HTML converted, body missing)."""


@dataclass(frozen=True)
class Incoming:
    """A parsed message with the exact bytes it came from; the store keeps both."""

    message: Message
    raw: bytes


@dataclass(frozen=True)
class Quarantined:
    """Input that could not be parsed: kept raw with the reason, never dropped."""

    raw: bytes
    channel: Channel
    origin: str
    reason: str

    @property
    def raw_sha256(self) -> str:
        return sha256_hex(self.raw)


IngestItem = Incoming | Quarantined
