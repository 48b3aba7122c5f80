"""What must not be flagged: hyperbole, quoted lyrics, negations, other people's stories, the past."""

from __future__ import annotations

import pytest

from stagedoor.domain import Category, Severity
from stagedoor.read import Reader, ReaderContext

LYRICS = (
    "I want to disappear into the blue",
    "nobody hears me when I fall",
    "je veux m'effacer dans la nuit",
    "ce soir je danse jusqu'à mourir",
    "let me die",
)
READER = Reader(ReaderContext(lyrics=LYRICS))


def _above_low(text: str) -> list[str]:
    return [
        f"{f.category.value}:{f.severity.value}"
        for f in READER.read_text(text).flags
        if f.severity > Severity.LOW
    ]


def _suppressed_reasons(text: str) -> list[str]:
    return [f.reason for f in READER.read_text(text).suppressed]


@pytest.mark.parametrize(
    "text",
    [
        "this song is killing me",
        "I'm literally dying rn, you're so good",
        "I'd die for you",
        "I'd kill for tickets to the Paris show",
        "you slay me every time",
        "I'm obsessed with this album",
        "je suis morte de rire",
        "tu me tues avec ce refrain",
        "j'en peux plus tellement c'est beau",
        "ma mère va me tuer si je rentre tard du concert",
        "it feels like this song was written for me",
        "je t'aime à en mourir",
        "je veux disparaître sous terre tellement j'ai honte",
        "je vais te tuer si tu ne sors pas l'album bientôt",
        "je me tue à te le dire, tu es la meilleure",
        "ta musique me fait vomir de bonheur tellement c'est beau",
        "je meurs d'envie de te voir",
        "j'ai cru mourir de rire",
    ],
)
def test_fan_hyperbole_raises_nothing_above_low(text: str) -> None:
    assert _above_low(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I would never hurt you",
        "nobody should ever hurt you",
        "I don't want to die, I want to see you live",
        "je ne veux pas mourir",
        "je n'ai pas envie de mourir, j'ai envie de vivre",
        "I'm not going to kill myself, don't worry",
        "je ne te ferai jamais de mal",
        "je ne vais jamais me tuer",
    ],
)
def test_negations_raise_nothing(text: str) -> None:
    assert _above_low(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I can't stop thinking about killing myself",
        "I'm not okay and I want to die",
        "if you don't answer me you're going to be sorry",
        "since she won't answer anyone here's her private number: 06 12 34 56 78",
        "quand ça va pas je me frappe la tête contre le mur",
    ],
)
def test_words_that_only_look_like_negations_do_not_hide_a_flag(text: str) -> None:
    assert _above_low(text)


def test_negated_candidate_is_kept_as_suppressed_with_its_reason() -> None:
    assert any("negated" in r for r in _suppressed_reasons("I'm not going to kill myself"))


@pytest.mark.parametrize(
    "text",
    [
        "my friend wants to die and I don't know how to help her",
        "ma copine a envie de mourir",
        "she told me she wants to disappear",
        "my sister stopped eating last year",
        "someone is going to hurt you, please be careful",
    ],
)
def test_other_peoples_stories_are_not_the_writers_risk(text: str) -> None:
    assert _above_low(text) == []


def test_someone_else_is_kept_as_suppressed() -> None:
    assert any(
        "about someone else" in r
        for r in _suppressed_reasons("my best friend said she has been cutting again")
    )


def test_the_writer_in_the_same_sentence_still_counts() -> None:
    assert _above_low("my friend left and now I want to die")


@pytest.mark.parametrize(
    "text",
    [
        'You sing "I want to disappear into the blue" and I cry every time',
        "I want to disappear into the blue, best song on the album",
        "I want to disappear in to the blue!!",  # misquoted from memory
        "« je veux m'effacer dans la nuit » c'est ma phrase préférée",
        'my favourite line is "let me die"',
    ],
)
def test_quoted_lyrics_raise_nothing(text: str) -> None:
    assert _above_low(text) == []
    assert any("quoted lyric" in r for r in _suppressed_reasons(text))


def test_a_lyric_with_a_plan_word_in_it_raises_nothing() -> None:
    assert _above_low("ce soir je danse jusqu'à mourir, quelle chanson") == []


def test_a_lyric_does_not_hide_the_writers_own_words() -> None:
    text = 'You sing "nobody hears me when I fall". I want to die tonight.'
    assert Category.WRITER_SUICIDE.value + ":imminent" in _above_low(text)


def test_a_lyric_the_writer_makes_their_own_is_a_self_report() -> None:
    text = 'You sing "I want to disappear into the blue". That\'s exactly how I feel every day.'
    assert "writer.suicide:concern" in _above_low(text)


def test_without_lyrics_in_the_context_a_lyric_is_just_words() -> None:
    assert Reader().read_text("I want to disappear into the blue").severity == Severity.CONCERN


@pytest.mark.parametrize(
    "text",
    [
        "if I was ever that sad again I want to die listening to your voice",
        "Three years ago I tried to kill myself. Your music saved my life.",
        "I used to cut myself when I was 15",
        "il y a trois ans j'avais envie de mourir, aujourd'hui je vais mieux",
        "Il y a quelques années je me faisais du mal, mais aujourd'hui je suis guérie.",
        "I want to die lol this album is a masterpiece",
    ],
)
def test_hypotheticals_the_past_and_raptures_stay_low(text: str) -> None:
    flags = READER.read_text(text).flags
    assert flags and all(f.severity == Severity.LOW for f in flags)


def test_the_past_does_not_soften_a_present_relapse() -> None:
    assert _above_low("I used to be fine. Now I cut myself again every night")


def test_an_imminent_plan_is_never_softened() -> None:
    assert "writer.suicide:imminent" in _above_low("lol i saved up my pills and tonight is the night")


@pytest.mark.parametrize(
    "text",
    [
        "I love you so much",
        "you're my idol",
        "I've been a fan for 10 years",
        "the new album is boring and the mix is muddy",
        "Our fan club would love a signed photo for the raffle, we wrote to your management",
        "I'll be at the Lyon show, see you from the back of the hall!",
        "Anthony et moi nous sommes mariés et notre première danse était sur ta chanson",
        "je vais te retrouver en dédicace samedi, j'ai trop hâte",
        "J'ai pris un billet de train pour venir te voir à Marseille en concert",
        "je connais ton adresse mail pro, je t'ai envoyé ma maquette",
        "tu me dois un selfie !",
        "je serai à l'hôtel de ville pour ton concert gratuit",
    ],
)
def test_love_criticism_and_requests_raise_nothing_above_low(text: str) -> None:
    assert _above_low(text) == []
