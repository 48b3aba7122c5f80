"""Reading is linear in the text and bounded per message, however often a phrase repeats (issue 12, finding 1:
"I want to die " x 8,000 took 207 s). Work is counted here, never timed: the hits read in context, the fuzzy
lyric comparisons, and what the reading says it did not read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from stagedoor.domain import Category, Severity
from stagedoor.read import Reader, ReaderContext, context, lyrics
from stagedoor.read.patterns import HITS_PER_CATEGORY

LYRICS = (
    "I want to disappear into the blue",
    "nobody hears me when I fall",
    "let me die tonight under the city lights",
)
READER = Reader(ReaderContext(lyrics=LYRICS))
NOT_READ = re.compile(
    rf"Only the first {HITS_PER_CATEGORY} matches were read in context; ([\d,]+) more were not"
)


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _judged(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    with monkeypatch.context() as m:
        calls = _count_calls(m, context, "_judge")
        READER.read_text(text)
    return calls[0]


def test_hits_read_in_context_do_not_grow_with_repetition(monkeypatch: pytest.MonkeyPatch) -> None:
    short, long = _judged(monkeypatch, "I want to die " * 100), _judged(monkeypatch, "I want to die " * 1000)
    assert 0 < long == short <= HITS_PER_CATEGORY * len(Category)


def test_the_reading_says_what_it_did_not_read() -> None:
    reading = READER.read_text("I want to die " * 1000)
    [flag] = [f for f in reading.flags if f.category is Category.WRITER_SUICIDE]
    found = NOT_READ.search(flag.reason)
    assert found is not None, flag.reason
    assert int(found.group(1).replace(",", "")) >= 1000 - HITS_PER_CATEGORY
    assert "read the whole message" in flag.reason
    assert len(flag.evidence) <= HITS_PER_CATEGORY + 1


def test_a_letter_within_the_budget_reads_as_before() -> None:
    reading = READER.read_text("I want to die. " * 3)
    assert all(NOT_READ.search(f.reason) is None for f in reading.flags)
    assert [f.severity for f in reading.flags if f.category is Category.WRITER_SUICIDE] == [Severity.CONCERN]


def test_hits_past_the_budget_stand_even_when_those_read_are_set_aside() -> None:
    """Fifty negated hits say nothing of the thousand after them: a person reads the message."""
    reading = READER.read_text("I'm not going to kill myself. " * 1000)
    assert any("negated" in f.reason for f in reading.suppressed)
    assert any(NOT_READ.search(f.reason) for f in reading.flags)


def test_context_far_from_a_hit_in_an_endless_sentence_is_not_read() -> None:
    near = READER.read_text("I used to cut myself")
    far = READER.read_text("I used to " + "la " * (context.CONTEXT_CHARS // 3 + 100) + "cut myself")
    assert [f.severity for f in near.flags if f.category is Category.WRITER_SELF_HARM] == [Severity.LOW]
    assert [f.severity for f in far.flags if f.category is Category.WRITER_SELF_HARM] != [Severity.LOW]


def test_fuzzy_lyric_comparisons_are_bounded_per_message(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"{LYRICS[i % 3]} {i}. let me die {i} times. " for i in range(600))
    calls = _count_calls(monkeypatch, lyrics, "_similar")
    READER.read_text(text)
    assert 0 < calls[0] <= lyrics.COMPARISONS


def test_a_repeated_sentence_is_compared_with_the_lyrics_once(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = []
    for n in (50, 500):
        with monkeypatch.context() as m:
            calls = _count_calls(m, lyrics, "_similar")
            READER.read_text("nobody hears me when I want to die. " * n)
        counts.append(calls[0])
    assert 0 < counts[0] == counts[1]
