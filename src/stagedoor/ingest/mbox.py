"""mbox files with the standard library's `mailbox`: each message's own bytes become one item.

A truncated mbox still yields what it can: every complete message, and the cut one stored with a note
(or quarantined, when too little of it is left to be an email). Text before the first From_ line belongs
to no message: it is quarantined rather than silently skipped, as is a ".mbox" with no From_ line at all.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from pathlib import Path

from stagedoor.domain import Channel, IngestItem, Quarantined
from stagedoor.ingest.base import Source, too_big
from stagedoor.ingest.eml import parse_email

_HEADER_END = re.compile(rb"\r?\n\r?\n")
CUT_SHORT = "the mailbox ends mid-line: this message may be cut short"


class MboxImporter:
    """A Unix mailbox: messages separated by "From " lines."""

    kind = "mbox"
    channel = Channel.EMAIL
    suffixes: tuple[str, ...] = (".mbox", ".mbx")

    def check(self, source: Source) -> None:
        return None

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        origin = str(source.path)
        prefix, has_from_line = _before_first_from(source.path)
        if not has_from_line:
            if prefix.strip():
                reason = "not an mbox: no 'From ' separator line (if it is one email, name it .eml)"
                yield Quarantined(prefix, self.channel, origin, reason)
            return
        if prefix.strip():
            yield Quarantined(prefix, self.channel, f"{origin}#0", "text before the first 'From ' line")
        box = mailbox.mbox(source.path, create=False)
        try:
            keys = list(box.keys())
            cut_short = not _ends_with_newline(source.path)
            for n, key in enumerate(keys, start=1):
                with box.get_file(key, from_=True) as handle:
                    from_line = handle.readline()
                    raw = handle.read()
                notes = [CUT_SHORT] if cut_short and n == len(keys) else []
                yield _item(raw, from_line, f"{origin}#{n}", f"{source.path.name}#{n}", notes, max_bytes)
        finally:
            box.close()


def _item(
    raw: bytes, from_line: bytes, origin: str, fallback_id: str, notes: list[str], max_bytes: int
) -> IngestItem:
    if len(raw) > max_bytes:
        return Quarantined(raw, Channel.EMAIL, origin, too_big(len(raw), max_bytes))
    if notes and not _HEADER_END.search(raw):
        return Quarantined(raw, Channel.EMAIL, origin, f"cut short inside the headers ({notes[0]})")
    item = parse_email(raw, origin, fallback_id=fallback_id, from_date=_from_date(from_line), notes=notes)
    if isinstance(item, Quarantined) and notes:
        return Quarantined(raw, Channel.EMAIL, origin, f"{item.reason} ({notes[0]})")
    return item


def _from_date(from_line: bytes) -> str:
    """'From sender@example.com Sat Mar  2 10:00:00 2024' -> 'Sat Mar  2 10:00:00 2024'."""
    parts = from_line.decode("latin-1").strip().split(None, 2)
    return parts[2] if len(parts) == 3 else ""


def _before_first_from(path: Path) -> tuple[bytes, bool]:
    """The bytes before the first From_ line, and whether there is one."""
    prefix = bytearray()
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"From "):
                return bytes(prefix), True
            prefix += line
    return bytes(prefix), False


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        if handle.seek(0, 2) == 0:
            return True
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"
