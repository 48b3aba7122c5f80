"""What every importer shares: the error users see, the Source they plan with, the importer contract,
and one builder so every Message is made (ids, hashes, clean strings) the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stagedoor.domain import (
    Attachment,
    Channel,
    Incoming,
    IngestItem,
    Message,
    Sender,
    message_id_for,
    sha256_hex,
)

if TYPE_CHECKING:
    from stagedoor.ingest.mapping import CsvMapping


class IngestError(Exception):
    """Input the user must fix before anything is read (missing path, unknown type, unmapped columns).

    The message is one line, shown as is: it says what is wrong and what to do.
    """


@dataclass(frozen=True)
class Source:
    """One planned input: a file, or a Maildir folder. `size` is in bytes, for progress bars."""

    path: Path
    kind: str
    size: int
    mapping: CsvMapping | None = None
    """Column mapping, for the tabular kinds (csv, json) only."""


class Importer(Protocol):
    """The contract every registered importer keeps (checked over the registry by one test)."""

    kind: str
    channel: Channel
    """The channel of what it reads (the default one, for exports), used for quarantined input."""
    suffixes: tuple[str, ...]
    """Lower-case file extensions it claims; empty for folder kinds such as Maildir."""

    def check(self, source: Source) -> None:
        """Raise IngestError for what the user must fix first; bad content is not an error here."""

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        """Yield every item; bad content becomes Quarantined, never an exception."""


def clean(text: str) -> str:
    """Make a string storable anywhere: PostgreSQL refuses NUL, drivers refuse lone surrogates."""
    text = text.replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def make_message(
    raw: bytes,
    channel: Channel,
    *,
    sender: Sender,
    received_at: datetime | None,
    subject: str,
    text: str,
    origin: str,
    external_id: str,
    attachments: tuple[Attachment, ...] = (),
    notes: tuple[str, ...] | list[str] = (),
) -> Incoming:
    """The one way a Message is built: the id comes from the raw bytes, so re-ingesting is a no-op."""
    digest = sha256_hex(raw)
    sender = Sender(
        name=clean(sender.name),
        address=clean(sender.address),
        handle=clean(sender.handle),
        platform=clean(sender.platform),
        postal_address=clean(sender.postal_address),
    )
    message = Message(
        id=message_id_for(digest, channel),
        channel=channel,
        sender=sender,
        received_at=received_at,
        subject=clean(subject),
        text=clean(text),
        raw_sha256=digest,
        attachments=attachments,
        origin=origin,
        external_id=clean(external_id),
        notes=tuple(dict.fromkeys(clean(n) for n in notes)),
    )
    return Incoming(message=message, raw=raw)


def human_size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n} bytes"
    return f"{n / (1024 * 1024):.1f} MB"


def too_big(size: int, max_bytes: int) -> str:
    """The quarantine reason for an item over the size limit (it is kept, not parsed)."""
    return f"too large to parse: {human_size(size)} is over the {human_size(max_bytes)} limit"
