"""Light text handling shared by the importers: decoding with honest notes, newline clean-up, dates.

Normalisation here is deliberately light (decode, newlines to \\n, trailing whitespace off): the reader
does Unicode normalisation itself and maps its offsets back to this text.
"""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode with the declared charset, then utf-8, then cp1252, then latin-1 (which never fails).

    A guess is recorded as a note ("charset guessed: cp1252") so a human knows the text may be off.
    """
    tried: list[str] = []
    for charset in (declared, "utf-8", "cp1252", "latin-1"):
        if not charset or charset in tried:
            continue
        tried.append(charset)
        try:
            text = data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
        if charset == declared or (not declared and charset == "utf-8"):
            return text, []
        if declared:
            return text, [f"charset guessed: {charset} (declared {declared} did not fit)"]
        return text, [f"charset guessed: {charset}"]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def decode_file(data: bytes) -> tuple[str, list[str]]:
    """Decode a whole text file: a byte-order mark wins (Excel and Notepad write them), then `decode`."""
    for bom, charset in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(charset), [] if charset == "utf-8-sig" else [f"decoded as {charset}"]
            except UnicodeDecodeError:
                break
    return decode(data)


def has_bom_utf16(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def looks_binary(data: bytes) -> bool:
    """NUL bytes never occur in text (except UTF-16, which has a BOM); they mean binary content."""
    return b"\x00" in data and not has_bom_utf16(data)


def normalise(text: str) -> str:
    """Newlines to \\n, trailing whitespace off each line and blank lines off both ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def one_line(text: str) -> str:
    """Headers and subjects: folded lines and runs of whitespace become one space."""
    return " ".join(text.split())


_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%a %b %d %H:%M:%S %Y",
)
_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")


def parse_date(value: str) -> tuple[datetime | None, list[str]]:
    """ISO 8601, epoch seconds (or milliseconds), dd/mm/yyyy [HH:MM[:SS]], RFC 2822 and asctime.

    Day-first: the desk reads European exports. A date without a timezone is read as UTC, with a note.
    Unreadable: None and a note, never an error.
    """
    value = value.strip()
    if not value:
        return None, []
    found = _parse(value)
    if found is None:
        return None, [f"date not understood: {value[:60]!r}"]
    if found.tzinfo is None or found.utcoffset() is None:
        return found.replace(tzinfo=UTC), ["date has no timezone: read as UTC"]
    return found, []


def _parse(value: str) -> datetime | None:
    if _EPOCH.fullmatch(value):
        seconds = float(value)
        if seconds > 1e11:
            seconds /= 1000
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    squeezed = " ".join(value.split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(squeezed, fmt)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
