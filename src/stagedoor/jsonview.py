"""Domain records as plain JSON-able dicts: one shape for the CLI's --json and the web's /api/ twins."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from stagedoor.domain import (
    Correspondent,
    CorrespondentFile,
    Flag,
    Message,
    MessageRecord,
    QuarantineRecord,
    Reading,
)


def text_row(line: str) -> dict[str, Any]:
    """One line of the shared JSONL format (an object with a "text" string), or a ValueError in plain words.

    `stagedoor read` and `stagedoor eval` take the same lines, so they refuse the same ones the same way."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError('expected an object with a "text" string')
    return row


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def flag(f: Flag) -> dict[str, Any]:
    return {
        "category": f.category.value,
        "severity": f.severity.value,
        "score": round(f.score, 4),
        "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in f.evidence],
        "reason": f.reason,
    }


def batch_reading(message_id: object, reading: Reading) -> dict[str, Any]:
    """The stable `stagedoor read` line: later evaluation builds on exactly these keys."""
    return {
        "id": message_id,
        "lang": reading.language,
        "severity": reading.severity.value,
        "routes": [r.value for r in reading.routes],
        "flags": [flag(f) for f in reading.flags],
        "scores": {c.value: round(p, 4) for c, p in reading.scores},
    }


def reading(r: Reading) -> dict[str, Any]:
    return {
        "lang": r.language,
        "severity": r.severity.value,
        "score": round(r.score, 4),
        "routes": [x.value for x in r.routes],
        "flags": [flag(f) for f in r.flags],
        "dismissed": [flag(f) for f in r.suppressed],
        "pipeline_version": r.pipeline_version,
    }


def message(m: Message, *, with_text: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.id,
        "channel": m.channel.value,
        "sender": {
            "name": m.sender.name,
            "address": m.sender.address,
            "handle": m.sender.handle,
            "platform": m.sender.platform,
            "postal_address": m.sender.postal_address,
            "key": m.sender.key,
        },
        "received_at": _time(m.received_at),
        "subject": m.subject,
        "language": m.language,
        "raw_sha256": m.raw_sha256,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in m.attachments
        ],
        "origin": m.origin,
        "external_id": m.external_id,
        "notes": list(m.notes),
    }
    if with_text:
        out["text"] = m.text
    return out


def record(rec: MessageRecord, *, with_text: bool = True) -> dict[str, Any]:
    return {
        **message(rec.message, with_text=with_text),
        "correspondent_id": rec.correspondent_id,
        "ingested_at": _time(rec.ingested_at),
        "reading": reading(rec.reading) if rec.reading else None,
    }


def correspondent(c: Correspondent) -> dict[str, Any]:
    return {
        "id": c.id,
        "key": c.key,
        "display_name": c.display_name,
        "channels": [ch.value for ch in c.channels],
        "first_seen": _time(c.first_seen),
        "last_seen": _time(c.last_seen),
        "message_count": c.message_count,
    }


def correspondent_file(f: CorrespondentFile) -> dict[str, Any]:
    return {
        **correspondent(f.correspondent),
        "messages": [record(m) for m in f.messages],
    }


def quarantined(q: QuarantineRecord) -> dict[str, Any]:
    return {
        "id": q.id,
        "channel": q.channel.value,
        "origin": q.origin,
        "reason": q.reason,
        "raw_sha256": q.raw_sha256,
        "size": q.size,
        "received_at": _time(q.received_at),
    }
