"""Paper letters in the store: pages (image, OCR text, confidence, transcription) and envelopes.

Functions over a Store's engine, apart from the repository so the core queries stay short. A transcription
replaces a page's text in the message and is kept as a history row with the text it replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from stagedoor.domain import Message
from stagedoor.domain.paper import Envelope, Page, PageSource, PaperFile, PaperIncoming, letter_text
from stagedoor.store import mapping
from stagedoor.store.tables import EnvelopeRow, LetterPageRow, MessageRow, PageTranscriptionRow

if TYPE_CHECKING:
    from stagedoor.store.repository import Store


def page_rows(item: PaperIncoming) -> list[LetterPageRow]:
    """The rows for a new letter's pages, added in the same transaction as its message."""
    return [
        LetterPageRow(
            message_id=item.message.id,
            number=p.number,
            source=p.source.value,
            language=p.language,
            confidence=p.confidence,
            needs_transcription=p.needs_transcription,
            ocr_text=p.text,
            transcription=None,
            transcribed_at=None,
            image_png=p.image_png,
        )
        for p in item.pages
    ]


def _page(row: LetterPageRow) -> Page:
    return Page(
        number=row.number,
        text=row.ocr_text,
        source=PageSource(row.source),
        language=row.language,
        confidence=row.confidence,
        image_png=b"",  # served on its own by page_image(): a page view needs no image bytes
        needs_transcription=row.needs_transcription,
        transcription=row.transcription,
        transcribed_at=mapping.utc(row.transcribed_at),
    )


def _envelope(row: EnvelopeRow) -> Envelope:
    return Envelope(
        postmark_city=row.postmark_city,
        postmark_date=row.postmark_date,
        return_address=row.return_address,
        enclosures=tuple(str(e) for e in row.enclosures or ()),
        entered_at=mapping.utc(row.entered_at),
    )


def _pages(s: Session, message_id: str) -> list[LetterPageRow]:
    return list(
        s.scalars(select(LetterPageRow).filter_by(message_id=message_id).order_by(LetterPageRow.number))
    )


def paper_file(store: Store, message_id: str) -> PaperFile | None:
    """The pages and envelope of one message; None when it has neither (not a paper letter)."""
    with Session(store.engine) as s:
        pages = tuple(_page(r) for r in _pages(s, message_id))
        envelope_row = s.get(EnvelopeRow, message_id)
        envelope = _envelope(envelope_row) if envelope_row else None
    if not pages and envelope is None:
        return None
    return PaperFile(message_id=message_id, pages=pages, envelope=envelope)


def page_image(store: Store, message_id: str, number: int) -> bytes | None:
    with Session(store.engine) as s:
        return s.scalar(select(LetterPageRow.image_png).filter_by(message_id=message_id, number=number))


def transcribe(store: Store, message_id: str, number: int, text: str) -> Message | None:
    """Record a person's transcription of one page and put it into the message text; None if no such page.

    Returns the updated message, for the caller to read again.
    """
    with Session(store.engine, expire_on_commit=False) as s:
        rows = _pages(s, message_id)
        page = next((r for r in rows if r.number == number), None)
        message = s.get(MessageRow, message_id)
        if page is None or message is None:
            return None
        replaced = page.transcription if page.transcription is not None else page.ocr_text
        when = mapping.now()
        s.add(
            PageTranscriptionRow(
                message_id=message_id, page=number, text=text, replaced=replaced, created_at=when
            )
        )
        page.transcription, page.transcribed_at = text, when
        message.text = letter_text([_page(r) for r in rows])
        message.notes = [
            *(message.notes or []),
            f"page {number} transcribed by a person on {when:%Y-%m-%d %H:%M} UTC",
        ]
        s.commit()
        return mapping.to_message(message)


def transcriptions(store: Store, message_id: str) -> list[tuple[int, str, str]]:
    """Every transcription of the letter's pages, oldest first: (page, text, replaced)."""
    with Session(store.engine) as s:
        rows = s.scalars(
            select(PageTranscriptionRow).filter_by(message_id=message_id).order_by(PageTranscriptionRow.id)
        )
        return [(r.page, r.text, r.replaced) for r in rows]


def save_envelope(store: Store, message_id: str, envelope: Envelope) -> bool:
    """Store (or replace) the envelope details of a message; False when there is no such message.

    A return address on a letter whose writer the desk knows by no email or handle becomes the writer's
    postal address, so the letter joins that writer's correspondent file instead of "unknown".
    """
    with Session(store.engine) as s:
        message = s.get(MessageRow, message_id)
        if message is None:
            return False
        if envelope.return_address and not (message.sender_address or message.sender_handle):
            message.sender_postal = envelope.return_address
            message.correspondent_id = store._correspondent_for(s, mapping.to_message(message))
        row = s.get(EnvelopeRow, message_id) or EnvelopeRow(message_id=message_id)
        row.postmark_city = envelope.postmark_city
        row.postmark_date = envelope.postmark_date
        row.return_address = envelope.return_address
        row.enclosures = list(envelope.enclosures)
        row.entered_at = mapping.now()
        s.add(row)
        s.commit()
        return True


def pages_to_transcribe(store: Store, limit: int = 200) -> list[tuple[str, int, float | None]]:
    """(message id, page, confidence) of every page still waiting for a person, least confident first."""
    query = (
        select(LetterPageRow.message_id, LetterPageRow.number, LetterPageRow.confidence)
        .where(LetterPageRow.needs_transcription.is_(True), LetterPageRow.transcription.is_(None))
        .order_by(
            LetterPageRow.confidence.asc().nulls_first(), LetterPageRow.message_id, LetterPageRow.number
        )
        .limit(limit)
    )
    with Session(store.engine) as s:
        return [(m, n, c) for m, n, c in s.execute(query).tuples()]


def awaiting_transcription(store: Store, message_ids: Sequence[str]) -> set[str]:
    """Which of these letters still have a page waiting for a person (their reading is of partial text)."""
    if not message_ids:
        return set()
    query = select(LetterPageRow.message_id).where(
        LetterPageRow.message_id.in_(list(message_ids)),
        LetterPageRow.needs_transcription.is_(True),
        LetterPageRow.transcription.is_(None),
    )
    with Session(store.engine) as s:
        return set(s.execute(query).scalars())
