"""Postal letters typed or transcribed into .txt files by the mail room (channel: letter).

The convention: an optional header block, then a blank line, then the letter as written.

    From: Marie Dupont
    Address: 12 rue des Lilas
      69003 Lyon
    Date: 02/03/2024
    Subject: Pour Maya

    Chère Maya, ...

Header keys (case-insensitive): From (the writer's name), Address (postal; indented lines continue it),
Date (ISO or dd/mm/yyyy), Subject, Email, Handle, Platform, Sample (marks test and demo letters as synthetic). The block counts only if every line before
the first blank line is one of these keys or a continuation; otherwise the whole file is the body and
the sender is unknown (a name in the sign-off is not guessed). Text is utf-8, else cp1252 with a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stagedoor.domain import Channel, IngestItem, Quarantined, Sender
from stagedoor.ingest.base import Source, make_message, too_big
from stagedoor.ingest.text import decode_file, looks_binary, normalise, one_line, parse_date

KEYS = ("from", "address", "date", "subject", "email", "handle", "platform", "sample")
_LINE = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*(.*)")


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The header block as {key: value} and the body; ({}, text) when there is no valid block."""
    head, sep, body = text.partition("\n\n")
    if not sep:
        return {}, text
    fields: dict[str, list[str]] = {}
    last = ""
    for line in head.split("\n"):
        match = _LINE.fullmatch(line.strip())
        if line[:1] in (" ", "\t") and last and line.strip():
            fields[last].append(line.strip())
        elif match and match.group(1).lower() in KEYS:
            last = match.group(1).lower()
            fields.setdefault(last, []).append(match.group(2).strip())
        else:
            return {}, text
    joiner = {"address": ", "}
    return {k: joiner.get(k, " ").join(v for v in vs if v) for k, vs in fields.items()}, body


class LetterImporter:
    """A .txt transcription of one postal letter."""

    kind = "letter"
    channel = Channel.LETTER
    suffixes: tuple[str, ...] = (".txt",)

    def check(self, source: Source) -> None:
        return None

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        raw = source.path.read_bytes()
        origin = str(source.path)
        if len(raw) > max_bytes:
            yield Quarantined(raw, self.channel, origin, too_big(len(raw), max_bytes))
        elif not raw.strip():
            yield Quarantined(raw, self.channel, origin, "empty file")
        elif looks_binary(raw):
            yield Quarantined(raw, self.channel, origin, "not a text letter: binary content (NUL bytes)")
        else:
            yield self._letter(raw, origin, source.path.name)

    def _letter(self, raw: bytes, origin: str, name: str) -> IngestItem:
        text, notes = decode_file(raw)
        fields, body = split_header(normalise(text))
        received_at, date_notes = parse_date(fields.get("date", ""))
        sender = Sender(
            name=one_line(fields.get("from", "")),
            address=fields.get("email", "").strip().lower(),
            handle=fields.get("handle", "").strip().lstrip("@"),
            platform=fields.get("platform", "").strip().lower(),
            postal_address=fields.get("address", ""),
        )
        body = normalise(body)
        return make_message(
            raw,
            self.channel,
            sender=sender,
            received_at=received_at,
            subject=one_line(fields.get("subject", "")),
            text=body,
            origin=origin,
            external_id=name,
            notes=[
                *notes,
                *date_notes,
                *([] if body else ["no body"]),
                *([f"sample: {fields['sample'].strip()}"] if fields.get("sample") else []),
            ],
        )
