"""The schema. Alembic migrations under migrations/ create it; tests check the two agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class CorrespondentRow(Base):
    __tablename__ = "correspondents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    display_name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime]


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("raw_sha256", "channel", name="uq_messages_raw_channel"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    raw_sha256: Mapped[str] = mapped_column(String(64))
    correspondent_id: Mapped[int] = mapped_column(ForeignKey("correspondents.id"), index=True)
    sender_name: Mapped[str] = mapped_column(Text, default="")
    sender_address: Mapped[str] = mapped_column(Text, default="")
    sender_handle: Mapped[str] = mapped_column(Text, default="")
    sender_platform: Mapped[str] = mapped_column(String(64), default="")
    sender_postal: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime | None] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    origin: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[list[Any]] = mapped_column(default=list)
    ingested_at: Mapped[datetime]

    attachments: Mapped[list[AttachmentRow]] = relationship(
        order_by="AttachmentRow.id", cascade="all, delete-orphan", lazy="selectin"
    )


class RawMessageRow(Base):
    """The exact bytes a message came from, apart from the text columns the desk reads often."""

    __tablename__ = "raw_messages"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class ReadingRow(Base):
    __tablename__ = "readings"
    __table_args__ = (Index("ix_readings_current_message", "message_id", "current"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    pipeline_version: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="")
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    flags: Mapped[list[FlagRow]] = relationship(
        order_by="FlagRow.id", cascade="all, delete-orphan", lazy="selectin"
    )
    routes: Mapped[list[ReadingRouteRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ReadingRouteRow(Base):
    """One row per route of a reading, so a queue is an indexed join, not a JSON scan."""

    __tablename__ = "reading_routes"

    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"), primary_key=True)
    route: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class FlagRow(Base):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)


class QuarantineRow(Base):
    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("raw_sha256", "channel", name="uq_quarantine_raw_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]


# ---- issue 6: live mailboxes, intake API, campaigns (migration 0005) ------------------------------


class ImapCursorRow(Base):
    """How far one mailbox folder has been fetched: the highest UID stored under its UIDVALIDITY."""

    __tablename__ = "imap_cursors"

    mailbox: Mapped[str] = mapped_column(String(255), primary_key=True)
    folder: Mapped[str] = mapped_column(String(512), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A per-source intake token; only its sha256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class IntakeRequestRow(Base):
    """The first response to an Idempotency-Key, replayed for the same key from the same token."""

    __tablename__ = "intake_requests"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_intake_requests_token_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime]


class CampaignRow(Base):
    """A group of near-duplicate messages (copy-paste campaign, chain letter)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]


class CampaignMemberRow(Base):
    """One message of a campaign; the lead is the member the queue shows for the whole group."""

    __tablename__ = "campaign_members"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)


class MessageSketchRow(Base):
    """A message's MinHash signature, so new mail is compared without re-shingling the old."""

    __tablename__ = "message_sketches"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
