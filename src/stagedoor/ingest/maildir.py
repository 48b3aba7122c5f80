"""Maildir folders (cur/ new/ tmp/) with the standard library's `mailbox`: one item per message file.

Messages are read in key order (the unique file name, which starts with the delivery time), so the
`#n` in each origin is stable for a given folder. Maildir++ subfolders (.Sent, .Archive) are separate
sources, found by discovery.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from stagedoor.domain import Channel, IngestItem, Quarantined
from stagedoor.ingest.base import Source, too_big
from stagedoor.ingest.eml import parse_email


def is_maildir(path: Path) -> bool:
    """cur/ and new/ are what readers need; tmp/ is often lost by copies and version control."""
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def maildir_size(path: Path) -> int:
    return sum(f.stat().st_size for sub in ("cur", "new") for f in (path / sub).iterdir() if f.is_file())


class MaildirImporter:
    """A Maildir folder."""

    kind = "maildir"
    channel = Channel.EMAIL
    suffixes: tuple[str, ...] = ()

    def check(self, source: Source) -> None:
        return None

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        box = mailbox.Maildir(source.path, factory=None, create=False)
        keys = sorted(k for k in box.iterkeys() if not k.startswith("."))  # .DS_Store and friends
        for n, key in enumerate(keys, start=1):
            raw = box.get_bytes(key)
            origin = f"{source.path}#{n}"
            if len(raw) > max_bytes:
                yield Quarantined(raw, self.channel, origin, too_big(len(raw), max_bytes))
            else:
                yield parse_email(raw, origin, fallback_id=key)
