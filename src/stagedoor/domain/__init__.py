"""Pure domain records and rules. Imports nothing of ours beyond this package: no web, no database, no I/O."""

from stagedoor.domain.correspondent import Correspondent
from stagedoor.domain.desk import CorrespondentFile, IngestCounts, MessageRecord, QuarantineRecord
from stagedoor.domain.message import (
    Attachment,
    Incoming,
    IngestItem,
    Message,
    Quarantined,
    Sender,
    message_id_for,
    sha256_hex,
)
from stagedoor.domain.reading import Evidence, Flag, Reading, overall_severity
from stagedoor.domain.taxonomy import Category, Channel, Route, Severity, Side

__all__ = [
    "Attachment",
    "Category",
    "Channel",
    "Correspondent",
    "CorrespondentFile",
    "Evidence",
    "Flag",
    "Incoming",
    "IngestCounts",
    "IngestItem",
    "Message",
    "MessageRecord",
    "QuarantineRecord",
    "Quarantined",
    "Reading",
    "Route",
    "Sender",
    "Severity",
    "Side",
    "message_id_for",
    "overall_severity",
    "sha256_hex",
]
