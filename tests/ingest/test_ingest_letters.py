"""Typed postal letters (.txt): the optional header block, encodings, and binary files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from stagedoor.domain import Channel, Incoming, Message, Quarantined
from stagedoor.ingest import discover, iter_source
from stagedoor.ingest.letter import split_header

DATA = Path(__file__).resolve().parents[1] / "data"


def letter(name: str) -> Message:
    (source,) = discover([DATA / "letters" / name])
    (item,) = iter_source(source)
    assert isinstance(item, Incoming)
    return item.message


def test_header_block_gives_sender_postal_address_date_and_subject() -> None:
    m = letter("typed-header-block.txt")
    assert m.channel is Channel.LETTER
    assert (m.sender.name, m.sender.postal_address) == (
        "Marie Dupont",
        "12 rue des Lilas, 69003 Lyon, France",
    )
    assert (m.subject, m.received_at) == ("Pour Maya", datetime(2024, 3, 2, tzinfo=UTC))
    assert m.text.startswith("Chère Maya,\n\nJe t'écris depuis Lyon.") and "Address:" not in m.text
    assert "matins.\n" in m.text  # trailing spaces stripped
    assert m.external_id == "typed-header-block.txt"


def test_letter_without_header_has_an_unknown_sender_even_with_a_signature() -> None:
    m = letter("no-header-block.txt")
    assert m.sender.key == "unknown:" and m.text.startswith("Chère Maya,") and "Julie" in m.text


def test_colon_in_the_first_line_is_not_a_header() -> None:
    m = letter("colon-in-first-line.txt")
    assert m.text.startswith("Maya: tu ne me connais pas.") and m.sender.key == "unknown:"


def test_cp1252_letter_is_decoded_with_a_note() -> None:
    m = letter("cp1252-letter.txt")
    assert m.text.startswith("Maya, j’ai économisé 40 € pour le concert.")
    assert (m.sender.name, m.sender.address) == ("Gaëlle", "gaelle@example.fr")
    assert "charset guessed: cp1252" in m.notes


def test_utf16_notepad_letter_is_read_not_quarantined() -> None:
    m = letter("utf16-notepad.txt")
    assert m.sender.name == "Bastien" and m.text.startswith("Écrit avec le Bloc-notes")


def test_binary_txt_is_quarantined() -> None:
    path = DATA / "garbage/binary-nul-letter.txt"
    (item,) = iter_source(discover([path])[0])
    assert isinstance(item, Quarantined) and item.channel is Channel.LETTER
    assert item.reason == "not a text letter: binary content (NUL bytes)" and item.raw == path.read_bytes()


def test_split_header_rules() -> None:
    assert split_header("From: A\nHandle: @a\n\nbody") == ({"from": "A", "handle": "@a"}, "body")
    assert split_header("From: A\nbody line\n\nmore") == ({}, "From: A\nbody line\n\nmore")
    assert split_header("From: A") == ({}, "From: A")
