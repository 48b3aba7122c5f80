"""Which column of a CSV/JSON export holds which field, and the presets the CLI offers by name."""

from __future__ import annotations

from dataclasses import dataclass, fields

from stagedoor.domain import Channel
from stagedoor.ingest.base import IngestError

REQUIRED = ("sender", "date", "text")
"""Fields an export must have when mapped; set one to "" (Python API) to read exports without it."""


@dataclass(frozen=True)
class CsvMapping:
    """Column names (matched case-insensitively) for each field; "" means the field is not read."""

    sender: str = "sender"
    date: str = "date"
    text: str = "text"
    name: str = "name"
    platform: str = "platform"
    subject: str = "subject"
    id: str = "id"
    channel: str = "channel"
    default_channel: str = "dm"
    """Channel for rows without a `channel` value: dm, comment, email, letter or form."""
    default_platform: str = ""
    """Platform for rows without a `platform` value, e.g. "instagram" for a one-platform export."""

    def __post_init__(self) -> None:
        if self.default_channel not in {c.value for c in Channel}:
            choices = ", ".join(c.value for c in Channel)
            raise IngestError(f"unknown default_channel {self.default_channel!r}; choose one of: {choices}")

    @property
    def columns(self) -> dict[str, str]:
        """Field -> column for every mapped column field (the two defaults are values, not columns)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if not f.name.startswith("default_") and getattr(self, f.name)
        }

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.columns.items() if k in REQUIRED)


PRESETS: dict[str, CsvMapping] = {
    "generic": CsvMapping(),
    "comments": CsvMapping(default_channel="comment"),
}
"""generic: columns sender, name, platform, date, text (+ optional id, subject, channel); rows are DMs."""
