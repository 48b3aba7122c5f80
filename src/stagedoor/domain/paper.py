"""Paper letters: the pages a scan or PDF became, and what the mail room typed from the envelope.

A page keeps its own image and how its text was got (a PDF's text layer, or OCR with a confidence), so a
human can check a doubtful page against the picture and type it in; the transcription is kept beside the OCR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from stagedoor.domain.message import Incoming

LOW_CONFIDENCE = 70.0
"""Mean Tesseract word confidence (0-100) under which a page is marked for a human to transcribe."""


class PageSource(StrEnum):
    TEXT_LAYER = "text-layer"
    OCR = "ocr"


@dataclass(frozen=True)
class Page:
    """One page of a paper letter. `confidence` is None for a text layer (there is nothing to doubt)."""

    number: int
    text: str
    source: PageSource
    language: str
    confidence: float | None
    image_png: bytes
    needs_transcription: bool = False
    transcription: str | None = None
    transcribed_at: datetime | None = None

    @property
    def current_text(self) -> str:
        """What the message reads: the human transcription once there is one, else the OCR text."""
        return self.transcription if self.transcription is not None else self.text


def letter_text(pages: tuple[Page, ...] | list[Page]) -> str:
    """The message text of a paper letter: its pages in order, separated by a blank line."""
    return "\n\n".join(p.current_text.strip() for p in sorted(pages, key=lambda p: p.number)).strip()


@dataclass(frozen=True)
class PaperIncoming(Incoming):
    """A parsed paper letter: the message, the file's exact bytes, and its pages."""

    pages: tuple[Page, ...] = ()


@dataclass(frozen=True)
class Envelope:
    """Typed by the mail room from the envelope; every field optional. Feeds the correspondent's profile."""

    postmark_city: str = ""
    postmark_date: date | None = None
    return_address: str = ""
    enclosures: tuple[str, ...] = ()
    entered_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.postmark_city or self.postmark_date or self.return_address or self.enclosures)


@dataclass(frozen=True)
class PaperFile:
    """What the desk shows of a paper letter: its pages (images served apart) and the envelope, if typed."""

    message_id: str
    pages: tuple[Page, ...]
    envelope: Envelope | None

    @property
    def pages_to_transcribe(self) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.needs_transcription and p.transcription is None)


def parse_postmark_date(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY (as French mail rooms write it); empty -> None; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")
