"""The normaliser undoes disguises, and every offset still points into the original text."""

from __future__ import annotations

import pytest

from stagedoor.read import Reader
from stagedoor.read.normalise import normalise

TRICKY = [
    "I want to k i l l myself",
    "s.u.i.c.i.d.e",
    "K-I-L-L  Y-O-U",
    "su1c1de, k1ll, d13, h3ll0",
    "$uicide and a$$",
    "Ｉ ｗａｎｔ ｔｏ ｄｉｅ",  # fullwidth
    "I wаnt to diе",  # Cyrillic а and е
    "i w\u200bant t\u200co d\u200die\ufeff",  # zero-width characters inside words
    "je veux mourir\u00ad",  # soft hyphen
    "e\u0301te\u0301, j'ai envie de mourir",  # combining accents
    "Ǳ ﬁnally ß İstanbul",  # compatibility letters that expand or change length
    "I want to diiiiie nooooo",
    "je suis épuisée\r\net j'ai envie de mourir\tlà",
    "emoji 😭💔 then I want to die 🥺",
    "J’ai envie de mourir — vraiment",
    "at 8 pm on the 12/03, le 12 mars à 20h30, room 412",
    "\u202eI want to die\u202c",
    "",
    "   ",
    "x",
]


@pytest.mark.parametrize("text", TRICKY)
def test_offsets_are_monotonic_and_inside_the_original(text: str) -> None:
    n = normalise(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    assert all(0 <= a < b <= len(text) for a, b in zip(n.starts, n.ends, strict=True))
    assert list(n.starts) == sorted(n.starts)
    for i in range(len(n.text)):
        for j in range(i + 1, len(n.text) + 1):
            evidence = n.evidence(i, j)
            assert evidence.text == text[evidence.start : evidence.end]


@pytest.mark.parametrize("text", TRICKY)
def test_every_evidence_span_is_a_slice_of_the_original(text: str) -> None:
    reading = Reader().read_text(text)
    for flag in (*reading.flags, *reading.suppressed):
        for e in flag.evidence:
            assert e.text == text[e.start : e.end] and e.text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to k i l l myself", "i want to kill myself"),
        ("s.u.i.c.i.d.e", "suicide"),
        ("su1c1de k1ll d13", "suicide kill die"),
        ("$uicide", "suicide"),
        ("Ｋｉｌｌ", "kill"),
        ("mоrte", "morte"),  # Cyrillic о
        ("j\u200bai envie", "jai envie"),
        ("cœur brisé, ÇA VA", "coeur brise, ca va"),
        ("diiiiie", "die"),
        ("J’ai «mal»", 'j\'ai "mal"'),
    ],
)
def test_disguises_are_undone(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "at 8 pm",
        "le 12 mars à 20h30",
        "10h30",
        "3rd of May",
        "covid19",
        "room 412",
        "06 12 34 56 78",
        "a@b.com",
        "@lune",
    ],
)
def test_numbers_dates_handles_and_addresses_stay_as_written(text: str) -> None:
    assert normalise(text).text == text.lower().replace("à", "a")


def test_evidence_maps_back_to_the_disguised_spelling() -> None:
    text = "honestly i want to k.1.l.l myself"
    flag = Reader().read_text(text).flags[0]
    assert [e.text for e in flag.evidence] == ["k.1.l.l myself"]


def test_combining_accent_stays_with_its_letter() -> None:
    text = "je me sens de\u0301sespe\u0301re\u0301e"
    n = normalise(text)
    assert n.text == "je me sens desesperee"
    assert n.evidence(0, len(n.text)).text == text


def test_sentences_split_on_punctuation_and_newlines() -> None:
    n = normalise("One. Two!\nThree")
    assert [n.text[a:b].strip() for a, b in n.sentences] == ["one", "two", "three"]
    assert n.sentence_index(n.text.index("three")) == 2
