"""One email's bytes -> Message, with the standard library's `email` (policy.default); and the .eml importer.

`policy.default` is lenient: it turns almost any bytes into a message. So we refuse, with a reason, what
is not an email (empty, NUL bytes where headers belong, no header at all) and what cannot be read.
No body is not a refusal: the message is stored with empty text and the note "no body".
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from email import errors, policy
from email.message import EmailMessage
from email.utils import parseaddr

from stagedoor.domain import Attachment, Channel, IngestItem, Quarantined, Sender, sha256_hex
from stagedoor.ingest.base import Source, clean, make_message, too_big
from stagedoor.ingest.html import html_to_text
from stagedoor.ingest.text import decode, normalise, one_line, parse_date

_KNOWN_HEADERS = {
    "from", "to", "cc", "date", "subject", "message-id", "received", "return-path", "reply-to",
    "sender", "mime-version", "content-type", "delivered-to", "in-reply-to",
}  # fmt: skip
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_SURROGATES = re.compile("[\udc80-\udcff]")
_CUT_SHORT = (errors.CloseBoundaryNotFoundDefect, errors.StartBoundaryNotFoundDefect)


def parse_email(
    raw: bytes, origin: str, *, fallback_id: str, from_date: str = "", notes: Sequence[str] = ()
) -> IngestItem:
    """Parse one email; `from_date` is the mbox From_ line's date, used when there is no Date header."""
    if reason := _refuse_bytes(raw):
        return Quarantined(raw=raw, channel=Channel.EMAIL, origin=origin, reason=reason)
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
        if not isinstance(msg, EmailMessage) or not {k.lower() for k, _ in msg.raw_items()} & _KNOWN_HEADERS:
            return Quarantined(raw, Channel.EMAIL, origin, "not an email: no headers found")
        text, body_notes, body = _body(msg)
        if "\x00" in text:
            return Quarantined(
                raw, Channel.EMAIL, origin, "not an email: binary content (NUL bytes) in the text"
            )
        received_at, date_notes = _date(msg, from_date)
        return make_message(
            raw,
            Channel.EMAIL,
            sender=_sender(msg),
            received_at=received_at,
            subject=header(msg, "Subject"),
            text=text,
            origin=origin,
            external_id=header(msg, "Message-ID") or fallback_id,
            attachments=_attachments(msg, body),
            notes=[*notes, *body_notes, *date_notes, *_structure_notes(msg)],
        )
    except Exception as exc:  # the parser's corners are many; a bad message is quarantined, never raised
        detail = one_line(str(exc))[:120]
        return Quarantined(
            raw, Channel.EMAIL, origin, f"could not parse the email: {type(exc).__name__} {detail}"
        )


def _refuse_bytes(raw: bytes) -> str:
    if not raw.strip():
        return "empty message"
    if b"\x00" in _HEADER_END.split(raw, maxsplit=1)[0]:
        return "not an email: binary content (NUL bytes) where the headers should be"
    return ""


def header(msg: EmailMessage, name: str) -> str:
    """A header decoded to one line. Undeclared 8-bit bytes are decoded like a body (the parser would
    turn them into U+FFFD); a value the header parser chokes on is returned raw."""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if _SURROGATES.search(raw):
        return one_line(_unsurrogate(raw))
    try:
        return one_line(str(msg.get(name, "")))
    except Exception:
        return one_line(raw)


def _unsurrogate(value: str) -> str:
    """Undeclared 8-bit header bytes arrive as surrogate escapes: decode them like a body."""
    if not _SURROGATES.search(value):
        return value
    return decode(value.encode("utf-8", "surrogateescape"))[0]


def _sender(msg: EmailMessage) -> Sender:
    try:
        addresses = getattr(msg.get("From"), "addresses", ())
    except Exception:
        addresses = ()
    if addresses:
        name, address = addresses[0].display_name, addresses[0].addr_spec
    else:
        name, address = parseaddr(header(msg, "From"))
    name, address = one_line(_unsurrogate(name)), address.strip().lower()
    if "@" not in address:
        return Sender(name=name or address)
    return Sender(name=name, address=address)


def _date(msg: EmailMessage, from_date: str) -> tuple[datetime | None, list[str]]:
    try:
        found = getattr(msg.get("Date"), "datetime", None)
    except Exception:
        found = None
    if isinstance(found, datetime):
        if found.tzinfo is None:
            return found.replace(tzinfo=UTC), ["date has no timezone: read as UTC"]
        return found, []
    notes: list[str] = []
    if raw := header(msg, "Date"):
        found, notes = parse_date(raw)
        if found:
            return found, notes
    if from_date:
        found, more = parse_date(from_date)
        if found:
            return found, [*notes, "date taken from the mbox From_ line", *more]
    return None, notes or ["no date"]


def _body(msg: EmailMessage) -> tuple[str, list[str], EmailMessage | None]:
    """Prefer text/plain; else the HTML converted to text; else empty text and the note "no body"."""
    for kind in ("plain", "html"):
        part = msg.get_body(preferencelist=(kind,))
        if not isinstance(part, EmailMessage):
            continue
        payload = part.get_payload(decode=True)
        text, notes = decode(payload if isinstance(payload, bytes) else b"", part.get_content_charset())
        if kind == "html":
            text, more = html_to_text(text)
            notes = [*notes, *more]
        text = normalise(text)
        if text:
            return text, notes, part
    return "", ["no body"], None


def _attachments(msg: EmailMessage, body: EmailMessage | None) -> tuple[Attachment, ...]:
    """Every attached part, recorded by name, type, size and hash; never opened or rendered."""
    return tuple(_walk(msg, body))


def _walk(part: EmailMessage, body: EmailMessage | None) -> Iterator[Attachment]:
    if part is body:
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload(0)
        data = inner.as_bytes() if isinstance(inner, EmailMessage) else b""
        yield _attachment(part, ctype, data, default_name="attached-message.eml")
    elif part.is_multipart():
        for sub in part.iter_parts():
            if isinstance(sub, EmailMessage):
                yield from _walk(sub, body)
    elif part.is_attachment() or part.get_filename() or part.get_content_maintype() != "text":
        payload = part.get_payload(decode=True)
        yield _attachment(part, ctype, payload if isinstance(payload, bytes) else b"")


def _attachment(part: EmailMessage, ctype: str, data: bytes, default_name: str = "") -> Attachment:
    name = clean(one_line(_unsurrogate(part.get_filename() or default_name)))
    return Attachment(filename=name, content_type=ctype, size=len(data), sha256=sha256_hex(data))


def _structure_notes(msg: EmailMessage) -> list[str]:
    if any(isinstance(d, _CUT_SHORT) for part in msg.walk() for d in part.defects):
        return ["multipart structure incomplete: the message may be cut short"]
    return []


class EmlImporter:
    """A .eml file: one email."""

    kind = "eml"
    channel = Channel.EMAIL
    suffixes: tuple[str, ...] = (".eml",)

    def check(self, source: Source) -> None:
        return None

    def iter_items(self, source: Source, max_bytes: int) -> Iterator[IngestItem]:
        raw = source.path.read_bytes()
        if len(raw) > max_bytes:
            yield Quarantined(raw, self.channel, str(source.path), too_big(len(raw), max_bytes))
            return
        yield parse_email(raw, str(source.path), fallback_id=source.path.name)
