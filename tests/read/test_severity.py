"""Severity: a plan makes it imminent, several hits make one flag, every flag explains itself."""

from __future__ import annotations

import pytest

from stagedoor.domain import Category, Flag, Severity
from stagedoor.read import Reader, ReaderContext

READER = Reader()


def _flag(text: str, category: Category) -> Flag:
    found = [f for f in READER.read_text(text).flags if f.category is category]
    assert found, f"no {category.value} flag for {text!r}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to kill myself tonight", Category.WRITER_SUICIDE),
        ("I've saved up my pills. Tonight is the night.", Category.WRITER_SUICIDE),
        ("I want to end it all, I bought pills", Category.WRITER_SUICIDE),
        ("I have the rope and I want to die", Category.WRITER_SUICIDE),
        ("j'ai acheté des médicaments pour en finir", Category.WRITER_SUICIDE),
        ("je veux en finir ce soir", Category.WRITER_SUICIDE),
        ("I'll be waiting outside your hotel after the show on Friday", Category.ARTIST_APPROACH),
        ("je serai devant ta loge après le concert", Category.ARTIST_APPROACH),
        ("I bought a knife. You'll pay for what you did", Category.ARTIST_THREAT),
        ("after the Lille show you won't be smiling anymore", Category.ARTIST_THREAT),
    ],
)
def test_a_plan_with_a_time_place_or_means_is_imminent(text: str, category: Category) -> None:
    assert _flag(text, category).severity == Severity.IMMINENT


def test_the_plan_words_join_the_evidence() -> None:
    flag = _flag("I want to kill myself tonight", Category.WRITER_SUICIDE)
    assert [e.text for e in flag.evidence] == ["kill myself", "tonight"]
    assert "tonight" in flag.reason and "en.plan.time" in flag.rule


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        ("I know where you live.", Category.ARTIST_APPROACH, Severity.CONCERN),
        (
            "I know which floor your flat is on. The one with the plants on the balcony.",
            Category.ARTIST_APPROACH,
            Severity.CONCERN,
        ),
        (
            "The Lyon date is on the 14th. I know the label always puts you at the Hôtel Lumière.",
            Category.ARTIST_APPROACH,
            Severity.CONCERN,
        ),
        ("Nothing will ever get better.", Category.WRITER_DISTRESS, Severity.CONCERN),
        ("je suis seule au monde", Category.WRITER_DISTRESS, Severity.CONCERN),
        ("I cut myself again", Category.WRITER_SELF_HARM, Severity.URGENT),
        ("I want to die", Category.WRITER_SUICIDE, Severity.CONCERN),
        ("I'm going to kill myself", Category.WRITER_SUICIDE, Severity.URGENT),
        ("I only eat an apple a day now", Category.WRITER_EATING_DISORDER, Severity.CONCERN),
        ("you're my soulmate", Category.ARTIST_FIXATION, Severity.LOW),
        ("we are meant to be, your manager keeps us apart", Category.ARTIST_FIXATION, Severity.CONCERN),
        ("send me nudes", Category.ARTIST_HARASSMENT, Severity.CONCERN),
        ("I'm going to hurt you", Category.ARTIST_THREAT, Severity.URGENT),
    ],
)
def test_severity_follows_the_taxonomy(text: str, category: Category, severity: Severity) -> None:
    assert _flag(text, category).severity == severity


def test_knowing_a_place_or_a_past_visit_is_not_a_plan() -> None:
    text = "Le 28 mars, je t'ai attendue devant ton hôtel jusqu'à quatre heures du matin."
    assert _flag(text, Category.ARTIST_APPROACH).severity == Severity.CONCERN


def test_several_hits_in_one_category_make_one_flag_with_every_span() -> None:
    text = "I want to die. I have no reason to live. Nobody would miss me."
    reading = READER.read_text(text)
    flags = [f for f in reading.flags if f.category is Category.WRITER_SUICIDE]
    assert len(flags) == 1
    assert len(flags[0].evidence) == 3
    assert len(flags[0].rule.split(",")) == 3
    rules = Reader(
        ReaderContext(use_model=False)
    )  # the rules' own score grows with the signs (fusion rescores)
    one = [f for f in rules.read_text("I want to die.").flags if f.category is Category.WRITER_SUICIDE]
    three = [f for f in rules.read_text(text).flags if f.category is Category.WRITER_SUICIDE]
    assert three[0].score > one[0].score


def test_both_sides_can_be_flagged_in_one_message() -> None:
    reading = READER.read_text(
        "If you don't answer me I'll kill myself and it will be your fault. You owe me an answer."
    )
    assert {f.category for f in reading.flags} >= {Category.WRITER_SUICIDE, Category.ARTIST_FIXATION}
    assert reading.severity == Severity.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself tonight",
        "je vais te retrouver, je sais où tu habites",
        "Nothing will ever get better and I hate myself",
        "this song is killing me",
    ],
)
def test_every_flag_has_a_score_a_one_line_reason_evidence_and_rules(text: str) -> None:
    reading = READER.read_text(text)
    for flag in (*reading.flags, *reading.suppressed):
        assert 0.0 <= flag.score <= 1.0
        assert flag.reason and "\n" not in flag.reason
        assert flag.evidence and flag.rule
    assert reading.severity == max(
        (f.severity for f in reading.flags), default=Severity.NONE, key=lambda s: s.rank
    )
