"""Single emails (.eml): charsets, HTML-only bodies, attachments, garbage and the size limit."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from stagedoor.domain import Channel, Incoming, IngestItem, Message, Quarantined, message_id_for, sha256_hex
from stagedoor.ingest import discover, iter_source

DATA = Path(__file__).resolve().parents[1] / "data"


def items(path: Path, **kwargs: int) -> list[IngestItem]:
    return [item for source in discover([path]) for item in iter_source(source, **kwargs)]


def one(path: Path) -> Message:
    (item,) = items(path)
    assert isinstance(item, Incoming), getattr(item, "reason", "")
    return item.message


def test_quoted_printable_french_decodes_accents_in_body_subject_and_name() -> None:
    path = DATA / "email/quoted-printable-fr.eml"
    (item,) = items(path)
    assert isinstance(item, Incoming)
    m = item.message
    assert "très ému" in m.text and "« Été indien »" in m.text and m.text.startswith("Bonjour Maya,")
    assert m.subject == "Merci pour le concert à Lyon"
    assert (m.sender.name, m.sender.address) == ("Zoé Martin", "zoe.martin@example.fr")
    assert m.received_at == datetime(2024, 3, 2, 9, 15, tzinfo=UTC)
    assert m.external_id == "<qp-fr-0001@example.fr>"
    assert (m.channel, m.origin, m.notes) == (Channel.EMAIL, str(path), ())
    assert item.raw == path.read_bytes()
    assert m.raw_sha256 == sha256_hex(item.raw) and m.id == message_id_for(m.raw_sha256, Channel.EMAIL)


def test_latin1_body_without_charset_is_guessed_and_noted() -> None:
    m = one(DATA / "email/latin1-no-charset.eml")
    assert "très déçu" in m.text and "Ça arrive" in m.text and "\ufffd" not in m.text
    assert "charset guessed: cp1252" in m.notes


def test_declared_charset_that_does_not_fit_falls_back_with_a_note() -> None:
    m = one(DATA / "email/wrong-charset-declared.eml")
    assert m.text == "Merci pour la soirée, c'était génial."
    assert m.notes == ("charset guessed: cp1252 (declared utf-8 did not fit)",)


def test_undeclared_8bit_header_bytes_are_decoded_like_a_body() -> None:
    m = one(DATA / "email/latin1-8bit-subject-header.eml")
    assert (m.subject, m.sender.name) == ("Très déçue", "Amélie Roux")


def test_base64_html_only_body_becomes_text_without_tags_or_script() -> None:
    m = one(DATA / "email/base64-html-only.eml")
    assert "J'ai adoré ton nouvel album & la tournée." in m.text and "— Inès" in m.text
    assert "<" not in m.text and "SCRIPT-CONTENT" not in m.text and "document.cookie" not in m.text
    assert "font-family" not in m.text
    assert "converted from HTML" in m.notes


def test_html_with_script_drops_script_style_and_handlers() -> None:
    m = one(DATA / "email/html-with-script.eml")
    assert "Your show in Brussels changed my year." in m.text
    for leaked in ("MUST-NOT-APPEAR", "ONLOAD", "javascript", "<", "tracker.example"):
        assert leaked not in m.text


def test_no_body_is_stored_with_empty_text_and_a_note() -> None:
    m = one(DATA / "email/no-body.eml")
    assert m.text == "" and m.notes == ("no body",) and m.subject == "(no text)"


def test_crlf_newlines_and_trailing_spaces_are_normalised() -> None:
    m = one(DATA / "email/crlf-line-endings.eml")
    assert m.text == "Line one.\nLine two."
    assert m.sender.address == "nora@example.com"
    assert m.received_at == datetime(2024, 3, 10, 14, tzinfo=timezone(timedelta(hours=-5)))


def test_missing_date_and_message_id_fall_back() -> None:
    m = one(DATA / "email/no-date-no-message-id.eml")
    assert m.received_at is None and "no date" in m.notes
    assert m.external_id == "no-date-no-message-id.eml"
    assert (m.sender.name, m.sender.address) == ("", "anon@example.org")


def test_unreadable_date_is_none_with_a_note_not_a_quarantine() -> None:
    m = one(DATA / "email/unreadable-date.eml")
    assert m.received_at is None
    assert m.notes == ("date not understood: 'sometime last tuesday'",)


def test_attachments_are_recorded_not_read_and_the_forward_is_not_the_body() -> None:
    m = one(DATA / "email/attachment-and-forward.eml")
    assert m.text == "Voici un dessin de toi sur scène."
    png, forwarded = m.attachments
    expected = bytes(range(256)) * 4
    assert (png.filename, png.content_type, png.size) == ("dessin-scène.png", "image/png", 1024)
    assert png.sha256 == hashlib.sha256(expected).hexdigest()
    assert (forwarded.filename, forwarded.content_type) == ("forwarded.eml", "message/rfc822")
    assert "Forwarded text" not in m.text


def test_multipart_without_closing_boundary_is_stored_with_a_note() -> None:
    m = one(DATA / "email/multipart-missing-close-boundary.eml")
    assert m.text == "The closing boundary never comes."
    assert "multipart structure incomplete: the message may be cut short" in m.notes


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary-garbage.eml", "not an email: binary content (NUL bytes) where the headers should be"),
        ("empty.eml", "empty message"),
        ("not-an-email.eml", "not an email: no headers found"),
    ],
)
def test_garbage_is_quarantined_with_the_exact_bytes_and_a_reason(name: str, reason: str) -> None:
    path = DATA / "garbage" / name
    (item,) = items(path)
    assert isinstance(item, Quarantined)
    assert (item.reason, item.raw, item.channel, item.origin) == (
        reason,
        path.read_bytes(),
        Channel.EMAIL,
        str(path),
    )


def _big_email(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    payload = os.urandom(size)
    msg = EmailMessage()
    msg["From"] = "Big Sender <big@example.com>"
    msg["Subject"] = "A 20 MB photo (synthetic, generated by the test)"
    msg["Date"] = "Sat, 02 Mar 2024 10:00:00 +0000"
    msg.set_content("See the attached photo.")
    msg.add_attachment(payload, maintype="image", subtype="jpeg", filename="photo.jpg")
    path = tmp_path / "twenty-mb-attachment.eml"
    path.write_bytes(msg.as_bytes())
    return path, payload


def test_twenty_mb_attachment_under_the_limit_is_parsed_and_hashed(tmp_path: Path) -> None:
    path, payload = _big_email(tmp_path, 20 * 1024 * 1024)
    m = one(path)
    (photo,) = m.attachments
    assert m.text == "See the attached photo."
    assert (photo.filename, photo.content_type, photo.size) == ("photo.jpg", "image/jpeg", len(payload))
    assert photo.sha256 == hashlib.sha256(payload).hexdigest()


def test_message_over_the_limit_is_quarantined_unparsed_with_size_and_limit(tmp_path: Path) -> None:
    path, _ = _big_email(tmp_path, 3 * 1024 * 1024)
    (item,) = items(path, max_bytes=1024 * 1024)
    assert isinstance(item, Quarantined) and item.raw == path.read_bytes()
    assert item.reason == "too large to parse: 4.1 MB is over the 1.0 MB limit"
