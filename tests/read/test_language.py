"""English or French, including scraps too short for a detector."""

from __future__ import annotations

import pytest

from stagedoor.read.language import detect, heuristic


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you so much for the album, it got me through a hard winter.", "en"),
        ("Merci pour l'album, il m'a aidée à traverser un hiver difficile.", "fr"),
        ("chuis trop contente d'avoir des places pour Lille", "fr"),
        ("idk why im telling u this but", "en"),
        ("je t'aime", "fr"),
        ("love u", "en"),
        ("ça va ?", "fr"),
        ("ok", "en"),
        ("", "en"),
        ("😭😭😭", "en"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_heuristic_counts_accents_and_stopwords() -> None:
    assert heuristic("très bien") == "fr"
    assert heuristic("so good") == "en"
