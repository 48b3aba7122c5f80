"""One row of a CSV/JSON export -> Message, through a CsvMapping. Shared by both tabular importers.

The raw bytes of a row are a canonical encoding of it (kind prefix + sorted-keys JSON), so the same
row read again, from the same export or a re-export, has the same hash and is not stored twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence

from stagedoor.domain import Channel, IngestItem, Quarantined, Sender
from stagedoor.ingest.base import IngestError, clean, make_message, too_big
from stagedoor.ingest.mapping import REQUIRED, CsvMapping
from stagedoor.ingest.text import normalise, one_line, parse_date

Row = Mapping[str, object]
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def canonical(kind: str, row: object) -> bytes:
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return f"{kind}:".encode() + text.encode("utf-8", "surrogatepass")  # JSON may carry lone surrogates


def missing_columns(mapping: CsvMapping, has: Callable[[str], bool]) -> list[str]:
    """The required fields whose mapped column the export lacks."""
    return [f for f in REQUIRED if getattr(mapping, f) and not has(getattr(mapping, f))]


def check_columns(
    mapping: CsvMapping, found: list[str], where: str, has: Callable[[str], bool] | None = None
) -> None:
    """IngestError naming the missing columns, the mapping expected and the columns found."""
    have = {c.strip().casefold() for c in found}
    missing = missing_columns(mapping, has or (lambda column: column.strip().casefold() in have))
    if missing:
        wanted = ", ".join(f"{f}={getattr(mapping, f)}" for f in missing)
        shown = ", ".join(repr(c) for c in found[:20]) or "none"
        raise IngestError(
            f"{where}: no column for {wanted}; found columns {shown}. "
            f"Map them, e.g. --column {missing[0]}=<column name>, or pick another --preset"
        )


def cell(row: Row, column: str) -> str:
    """The value of a column matched case-insensitively; "a.b" reaches into nested JSON objects."""
    if not column:
        return ""
    value: object = _lookup(row, column)
    if value is None and "." in column:
        value = row
        for part in column.split("."):
            value = _lookup(value, part) if isinstance(value, Mapping) else None
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def has_cell(row: Row, column: str) -> bool:
    return bool(column) and (_lookup(row, column) is not None or cell(row, column) != "")


def _lookup(row: Row, column: str) -> object:
    if column in row:
        return row[column]
    folded = column.strip().casefold()
    return next((v for k, v in row.items() if k.strip().casefold() == folded), None)


def row_item(
    kind: str, row: Row, mapping: CsvMapping, origin: str, n: int, max_bytes: int, notes: Sequence[str] = ()
) -> IngestItem:
    """One row (or JSON item) as an Incoming message, or Quarantined when it carries no text."""
    raw = canonical(kind, row)
    label = f"row {n}" if kind == "csv" else f"item {n}"
    channel, channel_notes = _channel(cell(row, mapping.channel), mapping.default_channel)
    if len(raw) > max_bytes:
        return Quarantined(raw, channel, origin, f"{label}: {too_big(len(raw), max_bytes)}")
    text = normalise(clean(cell(row, mapping.text)))
    if not text:
        return Quarantined(raw, channel, origin, f"{label}: empty text")
    received_at, date_notes = parse_date(cell(row, mapping.date))
    return make_message(
        raw,
        channel,
        sender=_sender(row, mapping),
        received_at=received_at,
        subject=one_line(cell(row, mapping.subject)),
        text=text,
        origin=origin,
        external_id=cell(row, mapping.id).strip(),
        notes=[*notes, *channel_notes, *date_notes],
    )


def _channel(value: str, default: str) -> tuple[Channel, list[str]]:
    value = value.strip().lower()
    if not value:
        return Channel(default), []
    try:
        return Channel(value), []
    except ValueError:
        return Channel(default), [f"unknown channel {value[:30]!r}: read as {default}"]


def _sender(row: Row, mapping: CsvMapping) -> Sender:
    """An email-looking sender is an address; anything else a handle on the row's platform."""
    who = one_line(cell(row, mapping.sender))
    name = one_line(cell(row, mapping.name))
    platform = one_line(cell(row, mapping.platform) or mapping.default_platform).lower()
    if _EMAIL.fullmatch(who):
        return Sender(name=name, address=who.lower(), platform=platform)
    return Sender(name=name, handle=who.lstrip("@"), platform=platform)
