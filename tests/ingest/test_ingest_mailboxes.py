"""mbox and Maildir: one item per message with its own bytes, truncation and junk handled."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

from stagedoor.domain import Incoming, IngestItem, Quarantined
from stagedoor.ingest import discover, iter_source

DATA = Path(__file__).resolve().parents[1] / "data"


def items(path: Path, max_bytes: int = 50 * 1024 * 1024) -> list[IngestItem]:
    return [item for source in discover([path]) for item in iter_source(source, max_bytes)]


def incoming(found: list[IngestItem]) -> list[Incoming]:
    return [i for i in found if isinstance(i, Incoming)]


def test_mixed_encodings_mbox_decodes_every_message() -> None:
    path = DATA / "mbox/mixed-encodings.mbox"
    found = items(path)
    assert all(isinstance(i, Incoming) for i in found)
    texts = [i.message.text for i in incoming(found)]
    assert texts[0] == "Déjà vu à Paris, c'était génial."
    assert texts[1] == "Un café après le concert ?"
    assert texts[2] == "Le billet coûtait 80 € et c’était donné."
    assert texts[3] == "Olá Maya, obrigada! ✨\n>From the first song I was hooked."
    subjects = [i.message.subject for i in incoming(found)]
    assert subjects[:2] == ["Déjà vu à Paris", "Café"]
    assert incoming(found)[0].message.sender.name == "Jérôme"
    assert "charset guessed: cp1252" in incoming(found)[2].message.notes
    assert [i.message.origin for i in incoming(found)] == [f"{path}#{n}" for n in range(1, 6)]


def test_each_mbox_item_keeps_its_own_bytes_without_the_from_line() -> None:
    path = DATA / "mbox/mixed-encodings.mbox"
    box = mailbox.mbox(path, create=False)
    try:
        expected = [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()
    assert [i.raw for i in incoming(items(path))] == expected
    assert all(not raw.startswith(b"From ") and raw in path.read_bytes() for raw in expected)


def test_date_falls_back_to_the_from_line() -> None:
    last = incoming(items(DATA / "mbox/mixed-encodings.mbox"))[-1].message
    assert last.received_at == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    assert "date taken from the mbox From_ line" in last.notes


def test_truncated_mbox_keeps_the_good_messages_and_stores_the_cut_one_with_a_note() -> None:
    found = incoming(items(DATA / "mbox/truncated.mbox"))
    assert [i.message.subject for i in found] == ["First", "Second", "Third"]
    assert found[0].message.notes == () and found[1].message.notes == ()
    assert found[2].message.text == "I wanted to tell you that I"
    assert "the mailbox ends mid-line: this message may be cut short" in found[2].message.notes


def test_mbox_cut_inside_the_headers_quarantines_only_the_cut_message() -> None:
    first, cut = items(DATA / "mbox/truncated-in-headers.mbox")
    assert isinstance(first, Incoming) and first.message.subject == "First"
    assert isinstance(cut, Quarantined) and cut.reason.startswith("cut short inside the headers")
    assert cut.raw == b"From: Dan <dan@example.com>\nSubj"


def test_junk_before_the_first_from_line_is_quarantined_not_dropped() -> None:
    path = DATA / "mbox/junk-before-first-from.mbox"
    junk, message = items(path)
    assert isinstance(junk, Quarantined) and junk.origin == f"{path}#0"
    assert junk.raw.startswith(b"Some export tool") and junk.reason == "text before the first 'From ' line"
    assert isinstance(message, Incoming) and message.message.subject == "First"


def test_a_single_email_named_mbox_is_quarantined_with_what_to_do() -> None:
    (item,) = items(DATA / "mbox/one-email-named-mbox.mbox")
    assert isinstance(item, Quarantined) and "name it .eml" in item.reason


def test_oversized_mbox_message_is_quarantined_and_the_rest_still_read() -> None:
    found = items(DATA / "mbox/truncated.mbox", max_bytes=150)
    assert all(isinstance(i, Quarantined) and "over the 150 bytes limit" in i.reason for i in found)
    assert len(found) == 3


def test_maildir_with_maildirplusplus_subfolder() -> None:
    root = DATA / "maildir/fan-inbox"
    sources = discover([root])
    assert [(s.kind, s.path) for s in sources] == [("maildir", root), ("maildir", root / ".Archive")]
    found = incoming(items(root))
    assert [i.message.subject for i in found] == ["Premier", "Deuxième", "Nouveau", "Archivé"]
    assert found[1].message.origin == f"{root}#2" and found[1].message.sender.address == "sophie@example.fr"
    first_file = root / "cur/1709370000.M1P1.stagedoor:2,S"
    assert found[0].raw == first_file.read_bytes()


def test_maildir_ignores_hidden_files_in_cur(tmp_path: Path) -> None:
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "cur/.DS_Store").write_bytes(b"\x00\x01")
    (box / "new/1.M1.host").write_bytes(b"From: a@example.com\nSubject: hi\n\nhello\n")
    (item,) = items(box)
    assert isinstance(item, Incoming) and item.message.text == "hello"
