"""Domain records -> the small, already-decided values the templates print (words, not logic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from stagedoor.domain import Category, Flag, Message, MessageRecord, Route

SUMMARY_WORDS = 12


@dataclass(frozen=True)
class QueueInfo:
    title: str
    tab: str
    about: str


QUEUES: dict[Route, QueueInfo] = {
    Route.SECURITY: QueueInfo(
        "Security queue",
        "Security",
        "Threats, fixation, intent to approach and harassment, at concern or above. Most severe first.",
    ),
    Route.WELFARE: QueueInfo(
        "Welfare queue",
        "Welfare",
        "Writers who may be at risk: suicide, self-harm, eating disorders and despair, at concern or above. "
        "Most severe first.",
    ),
    Route.ARTIST: QueueInfo(
        "Artist's inbox",
        "Artist's inbox",
        "Safe mail for the artist: messages with no flag above low.",
    ),
}

CATEGORY_WORDS: dict[Category, str] = {
    Category.ARTIST_THREAT: "threat",
    Category.ARTIST_FIXATION: "fixation",
    Category.ARTIST_APPROACH: "intent to approach",
    Category.ARTIST_HARASSMENT: "harassment",
    Category.WRITER_SUICIDE: "suicide",
    Category.WRITER_SELF_HARM: "self-harm",
    Category.WRITER_EATING_DISORDER: "eating disorder",
    Category.WRITER_DISTRESS: "despair",
}


@dataclass(frozen=True)
class Row:
    """One line of a queue or a timeline."""

    id: str
    severity: str
    categories: tuple[str, ...]
    sender: str
    channel: str
    received_at: datetime | None
    summary: str
    score: str
    routes: tuple[str, ...]


def category_word(category: Category) -> str:
    return CATEGORY_WORDS.get(category, category.label)


def summary(message: Message) -> str:
    """The subject, or the first words of the text."""
    if message.subject.strip():
        return message.subject.strip()
    words = message.text.split()
    if not words:
        return "(no text)"
    head = " ".join(words[:SUMMARY_WORDS])
    return head + " …" if len(words) > SUMMARY_WORDS else head


def categories(flags: tuple[Flag, ...]) -> tuple[str, ...]:
    """Category words, most severe flag first, each once."""
    ordered = sorted(flags, key=lambda f: (-f.severity.rank, -f.score))
    return tuple(dict.fromkeys(category_word(f.category) for f in ordered))


def row(record: MessageRecord) -> Row:
    reading = record.reading
    return Row(
        id=record.message.id,
        severity=reading.severity.value if reading else "unread",
        categories=categories(reading.flags) if reading else (),
        sender=record.message.sender.display,
        channel=record.message.channel.value,
        received_at=record.message.received_at,
        summary=summary(record.message),
        score=f"{reading.score:.2f}" if reading else "",
        routes=tuple(r.value for r in reading.routes) if reading else (),
    )


def when(value: datetime | None) -> str:
    """A date a person reads: '2024-05-01 14:03 UTC'; naive times are taken as UTC."""
    if value is None:
        return "unknown"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def size(n: int) -> str:
    """Bytes in words: '812 bytes', '14.2 KB', '3.1 MB'."""
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} GB"
