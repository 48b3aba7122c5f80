"""highlight.py: evidence offsets -> segments, with overlaps merged and non-ASCII text cut where it should be."""

from __future__ import annotations

import random

import pytest

from stagedoor.domain import Category, Evidence, Flag, Severity
from stagedoor.web.highlight import Segment, Span, css_name, highlight, locate, segments, spans_for

FR = "Je serai devant ta loge 🎸 après le concert, ça c'est sûr. Personne ne te connaît comme moi."


def at(text: str, phrase: str, category: str = "artist.threat", note: str = "n") -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), category, note)


def flag(text: str, phrase: str, category: Category, reason: str = "because") -> Flag:
    start = text.index(phrase)
    return Flag(category, Severity.URGENT, 0.8, (Evidence(start, start + len(phrase), phrase),), reason)


def marked(segs: list[Segment]) -> list[str]:
    return [s.text for s in segs if s.marked]


def test_one_span_cuts_the_text_in_three() -> None:
    text = "hello I know where you live bye"
    segs = segments(text, [at(text, "I know where you live")])
    assert [(s.text, s.marked) for s in segs] == [
        ("hello ", False),
        ("I know where you live", True),
        (" bye", False),
    ]


def test_overlapping_spans_merge_into_one_mark_with_every_category_and_reason() -> None:
    text = "after the Lille show you won't be smiling, I will be at the door"
    a = at(text, "after the Lille show you won't", "artist.threat", "threat: veiled")
    b = at(text, "Lille show you won't be smiling", "artist.approach", "approach: names a show")
    segs = segments(text, [b, a])
    assert marked(segs) == ["after the Lille show you won't be smiling"]
    mark = next(s for s in segs if s.marked)
    assert mark.categories == ("artist.threat", "artist.approach")
    assert mark.css_class == "cat-artist-threat cat-artist-approach"
    assert mark.title == "threat: veiled; approach: names a show"
    assert "".join(s.text for s in segs) == text


def test_a_span_inside_another_and_duplicates_merge() -> None:
    text = "je vais te faire du mal demain"
    outer = at(text, "je vais te faire du mal demain")
    inner = at(text, "faire du mal", "artist.threat", "n")
    segs = segments(text, [inner, outer, outer])
    assert [(s.text, s.categories) for s in segs] == [(text, ("artist.threat",))]
    assert segs[0].notes == ("n",)


def test_touching_spans_stay_separate_marks() -> None:
    text = "abcdef"
    segs = segments(text, [Span(0, 3, "artist.threat", "x"), Span(3, 6, "writer.distress", "y")])
    assert [(s.text, s.categories) for s in segs] == [
        ("abc", ("artist.threat",)),
        ("def", ("writer.distress",)),
    ]


def test_non_ascii_offsets_are_characters_not_bytes() -> None:
    segs = highlight(
        FR,
        [
            flag(FR, "Je serai devant ta loge 🎸 après", Category.ARTIST_APPROACH),
            flag(FR, "Personne ne te connaît comme moi", Category.ARTIST_FIXATION),
        ],
    )
    assert marked(segs) == ["Je serai devant ta loge 🎸 après", "Personne ne te connaît comme moi"]
    assert "".join(s.text for s in segs) == FR


def test_overlap_after_an_emoji_and_accents() -> None:
    a = at(FR, "🎸 après le concert")
    b = at(FR, "concert, ça c'est sûr", "writer.distress")
    segs = segments(FR, [a, b])
    assert marked(segs) == ["🎸 après le concert, ça c'est sûr"]
    assert "".join(s.text for s in segs) == FR


def test_offsets_beyond_the_text_are_clamped_and_empty_spans_dropped() -> None:
    text = "short"
    segs = segments(text, [Span(-4, 2, "a.b", "x"), Span(3, 99, "a.b", "x"), Span(4, 4, "a.b", "x")])
    assert [(s.text, s.marked) for s in segs] == [("sh", True), ("o", False), ("rt", True)]
    assert segments("", [Span(0, 3, "a.b", "x")]) == []


def test_locate_trusts_matching_offsets_and_otherwise_finds_the_nearest_occurrence() -> None:
    text = "I know. I know where. I know where you live. I know."
    good = text.index("I know where you live")
    assert locate(text, Evidence(good, good + 21, "I know where you live")) == (good, good + 21)
    assert locate(text, Evidence(0, 6, "I know")) == (0, 6)
    last = text.rindex("I know")
    assert locate(text, Evidence(last - 2, last + 4, "I know")) == (last, last + 6)
    assert locate(text, Evidence(0, 5, "not in the text")) is None
    assert locate(text, Evidence(3, 7, "")) == (3, 7)
    assert locate(text, Evidence(90, 99, "")) is None


def test_spans_for_skips_evidence_it_cannot_find_and_words_the_reason() -> None:
    text = "nothing will ever get better"
    found = flag(text, "nothing will ever get better", Category.WRITER_DISTRESS, "hopelessness")
    lost = Flag(Category.ARTIST_THREAT, Severity.LOW, 0.1, (Evidence(0, 4, "gone"),), "r")
    spans = spans_for(text, [found, lost])
    assert spans == [Span(0, len(text), "writer.distress", "despair (urgent): hopelessness")]


def test_hostile_text_stays_plain_data() -> None:
    text = "x <script>alert(1)</script> y"
    segs = segments(text, [at(text, "<script>alert(1)</script>")])
    assert marked(segs) == ["<script>alert(1)</script>"]


@pytest.mark.parametrize("seed", range(20))
def test_random_spans_always_rebuild_the_text_and_never_overlap(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("abcé🎸 \n") for _ in range(rng.randint(0, 60)))
    spans = []
    for _ in range(rng.randint(0, 8)):
        start = rng.randint(-3, len(text) + 3)
        spans.append(
            Span(start, start + rng.randint(-2, 15), rng.choice(["artist.threat", "writer.suicide"]), "n")
        )
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    assert all(s.text for s in segs)
    covered = {i for s in spans for i in range(max(0, s.start), min(len(text), s.end))}
    pos, inside = 0, set()
    for s in segs:
        if s.marked:
            inside |= set(range(pos, pos + len(s.text)))
        pos += len(s.text)
    assert inside == covered


def test_css_name() -> None:
    assert css_name("writer.self_harm") == "cat-writer-self-harm"
