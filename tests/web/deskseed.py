"""Synthetic desk contents for the web tests (ours, invented, safe to publish): named writers, a hostile
message built to break out of the page, and a quarantined input. Not a test module; imported by them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stagedoor.domain import (
    Attachment,
    Category,
    Channel,
    Evidence,
    Flag,
    Incoming,
    Message,
    Quarantined,
    Reading,
    Sender,
    Severity,
    message_id_for,
    overall_severity,
    sha256_hex,
)
from stagedoor.services import Desk
from stagedoor.triage import triage

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
PIPELINE = "test-pipeline.v1"

MARC = Sender(name="Marc Dubois", address="marc.dubois@example.org")
SAM = Sender(handle="sam_sings", platform="instagram")
FANCLUB = Sender(name="Fan club Lille", address="club@example.org")
MALLORY = Sender(name='<b onmouseover="alert(3)">Mallory</b>', address="mallory@example.org")

XSS_TEXT = (
    "Hi <script>alert(1)</script> look <img src=x onerror=alert(1)> and "
    '<img src=x onerror="window.__pwned=1"> — I know where you live. '
    "See https://evil.example/pixel.png and javascript:alert(4)"
)
FR_TEXT = (
    "Tu m'écris en secret dans chaque chanson 🎸. Je serai devant ta loge après le concert, "
    "personne ne te connaît comme moi."
)


def incoming(
    text: str,
    sender: Sender,
    when: datetime,
    *,
    channel: Channel = Channel.EMAIL,
    subject: str = "",
    language: str = "en",
    attachments: tuple[Attachment, ...] = (),
    notes: tuple[str, ...] = (),
) -> Incoming:
    raw = f"{sender.key}|{when.isoformat()}|{subject}|{text}".encode()
    sha = sha256_hex(raw)
    message = Message(
        id=message_id_for(sha, channel),
        channel=channel,
        sender=sender,
        received_at=when,
        subject=subject,
        text=text,
        raw_sha256=sha,
        language=language,
        attachments=attachments,
        origin="tests/web/synthetic",
        notes=notes,
    )
    return Incoming(message, raw)


def flag(text: str, phrase: str, category: Category, severity: Severity, score: float, reason: str) -> Flag:
    start = text.index(phrase)
    return Flag(category, severity, score, (Evidence(start, start + len(phrase), phrase),), reason)


def add(desk: Desk, item: Incoming, flags: tuple[Flag, ...] = (), suppressed: tuple[Flag, ...] = ()) -> str:
    """Store the message and a triaged reading of it; returns the message id."""
    desk.store.add(item)
    m = item.message
    reading = Reading(m.id, m.language, flags, overall_severity(flags), (), PIPELINE, suppressed)
    desk.store.save_reading(triage(reading))
    return m.id


@dataclass(frozen=True)
class Seeded:
    imminent: str
    french: str
    xss: str
    welfare: str
    safe: str
    unread: str


def seed(desk: Desk) -> Seeded:
    text = "I will be waiting at your hotel tonight with the knife I bought. Room 412."
    imminent = add(
        desk,
        incoming(text, MARC, T0, subject="Tonight"),
        (
            flag(
                text,
                "waiting at your hotel tonight",
                Category.ARTIST_APPROACH,
                Severity.IMMINENT,
                0.97,
                "Says where and when they will wait for the artist.",
            ),
            flag(
                text,
                "the knife I bought",
                Category.ARTIST_THREAT,
                Severity.IMMINENT,
                0.95,
                "Mentions a weapon bought for the meeting.",
            ),
        ),
    )
    french = add(
        desk,
        incoming(FR_TEXT, MARC, T0 + timedelta(days=2), channel=Channel.LETTER, language="fr"),
        (
            flag(
                FR_TEXT,
                "Je serai devant ta loge après le concert",
                Category.ARTIST_APPROACH,
                Severity.URGENT,
                0.88,
                "Dit qu'il attendra devant la loge: intent to approach.",
            ),
            flag(
                FR_TEXT,
                "Tu m'écris en secret",
                Category.ARTIST_FIXATION,
                Severity.CONCERN,
                0.7,
                "Believes the songs carry secret messages for them.",
            ),
        ),
    )
    xss = add(
        desk,
        incoming(
            XSS_TEXT,
            MALLORY,
            T0 + timedelta(days=1),
            subject='<script>alert("subject")</script>',
            attachments=(Attachment("<img src=x onerror=alert(2)>.png", "image/png", 20480, "ab" * 32),),
            notes=("HTML body converted to text <b>bold</b>",),
        ),
        (
            flag(
                XSS_TEXT,
                "I know where you live",
                Category.ARTIST_APPROACH,
                Severity.URGENT,
                0.9,
                "Claims to know the home address <script>alert(5)</script>.",
            ),
            flag(
                XSS_TEXT,
                "<script>alert(1)</script>",
                Category.ARTIST_HARASSMENT,
                Severity.CONCERN,
                0.6,
                "Hostile markup.",
            ),
        ),
    )
    sad = "Honestly I don't want to be here anymore. This song is killing me though."
    welfare = add(
        desk,
        incoming(sad, SAM, T0 + timedelta(days=3), channel=Channel.DM),
        (
            flag(
                sad,
                "I don't want to be here anymore",
                Category.WRITER_SUICIDE,
                Severity.URGENT,
                0.85,
                "Passive wish not to be alive.",
            ),
        ),
        suppressed=(
            flag(
                sad,
                "This song is killing me",
                Category.WRITER_SUICIDE,
                Severity.LOW,
                0.2,
                "Fan hyperbole, not a self-report.",
            ),
        ),
    )
    safe = add(desk, incoming("Could we have a signed photo for our raffle? Merci !", FANCLUB, T0))
    unread = incoming("Just arrived, nobody has read me.", FANCLUB, T0 + timedelta(days=5))
    desk.store.add(unread)
    desk.store.add(
        Quarantined(
            raw=b"\x00\xffnot mail",
            channel=Channel.EMAIL,
            origin="inbox/<broken>.eml",
            reason="not a MIME message",
        )
    )
    return Seeded(imminent, french, xss, welfare, safe, unread.message.id)
