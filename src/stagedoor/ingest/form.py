"""A contact-form or platform-webhook post (JSON) -> Message. Validated by its pydantic model.

The raw bytes are a canonical encoding of the post (sorted-keys JSON with the source), so the same post
sent twice, even with its keys in another order, is stored once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stagedoor.domain import Channel, IngestItem, Sender
from stagedoor.ingest.base import make_message
from stagedoor.ingest.rows import canonical


class FormPost(BaseModel):
    """What a contact form or a platform webhook sends. Only `text` is required."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=1_000_000)

    text: str = Field(min_length=1, description="The message itself, as the fan wrote it.")
    subject: str = Field(default="", max_length=1000)
    name: str = Field(default="", max_length=512, description="The sender's name as given.")
    email: str = Field(default="", max_length=512, description="The sender's email address, if any.")
    handle: str = Field(default="", max_length=512, description="The sender's handle on the platform.")
    platform: str = Field(default="", max_length=64, description="The platform, e.g. instagram.")
    channel: Literal["form", "dm", "comment"] = Field(
        default="form", description="form for a contact form; dm or comment for a platform webhook."
    )
    received_at: datetime | None = Field(default=None, description="When the fan sent it (ISO 8601).")
    external_id: str = Field(default="", max_length=512, description="The source's own id for the post.")


def form_item(post: FormPost, origin: str) -> IngestItem:
    raw = canonical("form", {"origin": origin, **post.model_dump(mode="json")})
    received = post.received_at
    return make_message(
        raw,
        Channel(post.channel),
        sender=Sender(name=post.name, address=post.email, handle=post.handle, platform=post.platform),
        received_at=received if received is None or received.tzinfo else received.replace(tzinfo=UTC),
        subject=post.subject,
        text=post.text,
        origin=origin,
        external_id=post.external_id,
    )
