"""Privacy: message text and raw bytes encrypted at rest (checked in the raw tables), key rotation, retention
that spares open cases, erasure of one writer recorded in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import text, update

from stagedoor import services
from stagedoor.domain import Channel, Incoming, Message, Quarantined, Sender, message_id_for, sha256_hex
from stagedoor.domain.staff import Role
from stagedoor.office import accounts, audit, cases, privacy
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.store.cipher import CipherError, new_key
from stagedoor.store.tables import MessageRow

SECRET = "Je vais mal, personne ne le sait. Ne le dites à personne."


def item(text_: str, sender: Sender) -> Incoming:
    raw = f"From: {sender.key}\n\n{text_}".encode()
    sha = sha256_hex(raw)
    return Incoming(
        Message(message_id_for(sha, Channel.EMAIL), Channel.EMAIL, sender, None, "", text_, sha), raw
    )


def _open(settings: Settings, keys: str) -> Desk:
    return services.open_desk(settings.model_copy(update={"encryption_keys": keys}))


def _stored(desk: Desk, message_id: str) -> tuple[str, bytes]:
    with desk.store.engine.connect() as conn:
        row = conn.execute(text("SELECT text FROM messages WHERE id = :i"), {"i": message_id}).one()
        raw = conn.execute(
            text("SELECT raw FROM raw_messages WHERE message_id = :i"), {"i": message_id}
        ).one()
    return row[0], bytes(raw[0])


def test_text_and_raw_bytes_are_encrypted_at_rest_and_read_back(any_settings: Settings) -> None:
    desk = _open(any_settings, new_key())
    it = item(SECRET, Sender(name="Léa", address="lea@example.org"))
    desk.store.add(it)
    desk.store.add(Quarantined(b"\x00secret garbage", Channel.EMAIL, "x.eml", "not mail"))
    stored_text, stored_raw = _stored(desk, it.message.id)
    assert SECRET not in stored_text and stored_text.startswith("sdenc1:")
    assert b"personne" not in stored_raw and stored_raw.startswith(b"sdenc1:")
    with desk.store.engine.connect() as conn:
        assert b"secret" not in bytes(conn.execute(text("SELECT raw FROM quarantine")).scalar_one())
    record = desk.store.message(it.message.id)
    assert record is not None and record.message.text == SECRET
    assert desk.store.raw(it.message.id) == it.raw
    assert desk.store.add(it).duplicate == 1  # dedupe still works: the key is the plaintext's hash
    [q] = desk.store.quarantine()
    assert desk.store.quarantined_raw(q.id) == b"\x00secret garbage"
    desk.store.close()


def test_rotation_moves_everything_to_the_new_key(settings: Settings) -> None:
    plain = services.open_desk(settings)
    before = item("written before any key was set", Sender(name="Ana"))
    plain.store.add(before)
    plain.store.close()
    old = new_key()
    first = _open(settings, old)
    during = item(SECRET, Sender(name="Léa"))
    first.store.add(during)
    first.store.close()

    fresh = new_key()
    desk = _open(settings, f"{fresh},{old}")
    assert privacy.rotate_keys(desk) == 4  # two texts and two raw blobs
    assert all(_stored(desk, m.message.id)[0].startswith("sdenc1:") for m in (before, during))
    desk.store.close()

    only_new = _open(settings, fresh)
    record = only_new.store.message(during.message.id)
    assert record is not None and record.message.text == SECRET
    assert only_new.store.raw(before.message.id) == before.raw
    only_new.store.close()
    no_key = services.open_desk(settings)
    with pytest.raises(CipherError, match="STAGEDOOR_ENCRYPTION_KEYS"):
        no_key.store.message(during.message.id)
    no_key.store.close()


def _age(desk: Desk, message_id: str, days: int) -> None:
    from stagedoor.store.mapping import now

    with desk.store.session() as s:
        s.execute(
            update(MessageRow)
            .where(MessageRow.id == message_id)
            .values(ingested_at=now() - timedelta(days=days))
        )
        s.commit()


def test_retention_deletes_old_mail_but_not_what_an_open_case_holds(desk: object) -> None:
    d = cast(Desk, desk)
    old, held, recent = (item(t, Sender(name=n)) for t, n in (("old", "A"), ("held", "B"), ("recent", "C")))
    for it in (old, held, recent):
        d.store.add(it)
    _age(d, old.message.id, 400)
    _age(d, held.message.id, 400)
    tom = accounts.add_user(d, "tom", Role.WELFARE, "a long password")
    from stagedoor.domain import Route, Severity
    from stagedoor.store.cases import Cases
    from stagedoor.store.mapping import now

    case = Cases(d.store).open(
        "B", Route.WELFARE, Severity.URGENT, tom.username, now(), now(), (held.message.id,)
    )
    swept = privacy.apply_retention(d, days=365)
    assert swept.messages == 1 and swept.correspondents == 1
    assert d.store.message(old.message.id) is None
    assert d.store.message(held.message.id) is not None and d.store.message(recent.message.id) is not None
    cases.close(d, tom, case.id, "done")
    assert privacy.apply_retention(d, days=365).messages == 1  # closed now: it goes too
    assert [e.action for e in audit.entries(d)][:3] == ["retention.delete", "case.close", "retention.delete"]


def test_retention_can_redact_instead(desk: object) -> None:
    d = cast(Desk, desk)
    it = item(SECRET, Sender(name="Léa"))
    d.store.add(it)
    _age(d, it.message.id, 30)
    assert privacy.apply_retention(d, days=7, redact=True).messages == 1
    record = d.store.message(it.message.id)
    assert record is not None and record.message.text == "" and d.store.raw(it.message.id) is None


def test_erasing_a_writer_removes_their_messages_and_is_audited(client_for: Any, desk: object) -> None:
    d = cast(Desk, desk)
    lea, other = Sender(name="Léa", address="lea@example.org"), Sender(name="Max", address="max@example.org")
    for n in range(3):
        d.store.add(item(f"{SECRET} {n}", lea))
    d.store.add(item("hello", other))
    cid = next(c.id for c in d.store.correspondents() if c.display_name == "Léa")
    with pytest.raises(privacy.PrivacyError, match="say why"):
        privacy.erase_correspondent(d, cid, " ")
    assert privacy.erase_correspondent(d, cid, "erasure request of 2024-05-01") == 3
    assert d.store.correspondent(cid) is None and d.store.counts()["messages"] == 1
    [entry] = audit.entries(d, action="erase.correspondent")
    assert (
        entry.target == f"correspondent:{cid}" and entry.detail["reason"] == "erasure request of 2024-05-01"
    )
    with pytest.raises(privacy.PrivacyError, match="no correspondent"):
        privacy.erase_correspondent(d, cid, "again")


def test_a_bad_key_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CipherError, match="stagedoor keys new"):
        services.open_desk(Settings(data_dir=tmp_path, encryption_keys="nope"))
