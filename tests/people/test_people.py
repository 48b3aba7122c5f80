"""The people package, pure: identity keys, cues, links, timeline, profile and the streaming escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stagedoor.domain import Category, Channel, Evidence, Flag, Sender, Severity
from stagedoor.domain.people import LinkKind
from stagedoor.people import cues, escalation, identity, links, profile, timeline
from stagedoor.people.history import HistoryItem

T0 = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def item(
    n: int,
    text: str,
    days: float,
    *flags: Flag,
    channel: Channel = Channel.LETTER,
    sender: Sender | None = None,
) -> HistoryItem:
    return HistoryItem(
        f"m{n}", channel, T0 + timedelta(days=days), text, flags, sender or Sender(name="Céleste")
    )


def flag(category: Category, severity: Severity, words: str) -> Flag:
    return Flag(category, severity, 0.8, (Evidence(0, len(words), words),), "The writer says so.")


@pytest.mark.parametrize(
    "cue", cues.load_cues(), ids=lambda c: f"{c.lang}-{c.feature}-{c.pattern.pattern[:30]}"
)
def test_every_cue_matches_its_own_example(cue: cues.Cue) -> None:
    assert cue.feature in {h.feature for h in cues.find(cue.example)}


def test_cue_quotes_are_in_the_writers_own_words() -> None:
    [hit] = [h for h in cues.find("Demain, J'AI RÉSERVÉ mon train pour Lyon.") if h.feature == "pathway"]
    assert hit.text == "J'AI RÉSERVÉ mon train"


def test_ordinary_fan_mail_raises_no_cue() -> None:
    assert cues.find("Thank you for the album, my daughter sings Paper Boats every morning!") == ()


def test_exact_keys_fold_case_tags_and_street_words() -> None:
    a = Sender(address="Celeste.Moreau+fan@Example.net", postal_address="14 Rue des Glycines,  Lille")
    b = Sender(address="celeste.moreau@example.net", postal_address="14 rue des glycines lille")
    assert identity.exact_keys(a) == identity.exact_keys(b)
    assert identity.name_key("Mme Céleste MOREAU") == "celeste moreau"
    assert identity.name_key("J.") == ""


def test_signature_line_needs_more_than_a_bare_name() -> None:
    assert identity.signature_line("Hi\n\nta lune à toi pour toujours ☾") == "ta lune a toi pour toujours"
    assert identity.signature_line("Hi\n\nSam") == ""


def test_links_suggest_same_name_postal_and_signature_but_never_a_crowd() -> None:
    sig = "Bisous\n\nta fidèle lucciola ✶"
    w = [
        links.writer_of(1, [item(1, sig, 0, sender=Sender(name="Céleste Moreau", address="c@example.net"))]),
        links.writer_of(
            2, [item(2, sig, 1, sender=Sender(name="celeste moreau", handle="lune59", platform="x"))]
        ),
        links.writer_of(
            3, [item(3, "Hello", 2, sender=Sender(name="Bob", postal_address="3 High Street, Leeds"))]
        ),
        links.writer_of(4, [item(4, "Hi", 3, sender=Sender(name="Ann", postal_address="3 high st leeds"))]),
    ]
    found = {(c.a_id, c.b_id, c.kind) for c in links.suggest(w)}
    assert (1, 2, LinkKind.SAME_NAME) in found and (1, 2, LinkKind.SAME_SIGNATURE) in found
    assert (3, 4, LinkKind.SAME_POSTAL) in found
    assert not {(a, b) for a, b, _ in found} - {(1, 2), (3, 4)}
    crowd = [links.writer_of(i, [item(i, "x", i, sender=Sender(name="Sam"))]) for i in range(10)]
    assert links.suggest(crowd) == []


STYLE_A = (
    "Ma très chère Lune... je t'écris encore ce soir, comme chaque soir... tu sais, les étoiles m'ont parlé de toi "
    "encore une fois... et moi j'écoute, j'écoute toujours... tes chansons sont des lettres ouvertes, n'est-ce pas ? "
) * 3
STYLE_B = (
    "ma très chère Lune... ce soir encore je t'écris, comme chaque soir... les étoiles, tu sais, m'ont encore parlé "
    "de toi... et j'écoute, moi, j'écoute toujours... tes chansons sont des lettres ouvertes, pas vrai ? "
) * 3
PLAIN = [
    "Hello! We loved the Leeds show last night. The band was tight, the lights were great and my son sang along to every "
    "song. Could you tell us whether the tour will come to Glasgow next year? Thanks so much and best wishes. "
    * 2,
    "Bonjour, je suis professeure de musique à Roubaix et mes élèves ont travaillé Les Lucioles pour la fête de l'école. "
    "Serait-il possible d'avoir une affiche dédicacée pour la classe ? Merci beaucoup pour votre travail. "
    * 2,
]


def test_style_links_the_two_texts_by_one_hand_and_not_the_others() -> None:
    writers = [
        links.writer_of(i, [item(i, t, i)]) for i, t in enumerate([STYLE_A, PLAIN[0], STYLE_B, PLAIN[1]])
    ]
    style = [(c.a_id, c.b_id) for c in links.suggest(writers) if c.kind == LinkKind.STYLE]
    assert style == [(0, 2)]


def test_timeline_counts_channels_bursts_and_gaps() -> None:
    items = [
        item(1, "a", 0, channel=Channel.EMAIL),
        item(2, "b", 40),
        item(3, "c", 42),
        item(4, "d", 44, flag(Category.ARTIST_FIXATION, Severity.CONCERN, "destiny")),
        HistoryItem("m5", Channel.DM, None, "undated"),
    ]
    line = timeline.build(items)
    assert line.per_channel == {Channel.EMAIL: 1, Channel.LETTER: 3, Channel.DM: 1}
    assert line.undated == 1 and line.flagged == 1
    assert [b.message_ids for b in line.bursts] == [("m2", "m3", "m4")]
    assert [round(g.days) for g in line.gaps] == [40]
    assert line.span_days == 44


ESCALATING = [
    item(1, "Dear Lune, thank you for the album. It got me through the winter.", 0),
    item(
        2,
        "The secret signs in your lyrics were for me. We are meant to be together.",
        30,
        flag(Category.ARTIST_FIXATION, Severity.CONCERN, "meant to be together"),
    ),
    item(
        3,
        "This is my twelfth letter. You owe me an answer. Your manager keeps us apart.",
        60,
        flag(Category.ARTIST_FIXATION, Severity.CONCERN, "You owe me an answer"),
    ),
    item(
        4,
        "I found out which hotel you use in Lyon. I will be waiting.",
        62,
        flag(Category.ARTIST_APPROACH, Severity.CONCERN, "which hotel you use"),
    ),
    item(
        5,
        "I booked my train. I will be at the Hotel Lumiere on the 14th, room or no room.",
        64,
        flag(Category.ARTIST_APPROACH, Severity.IMMINENT, "I will be at the Hotel Lumiere on the 14th"),
    ),
]


def test_stream_decides_after_each_message_from_the_past_only() -> None:
    steps = escalation.stream(ESCALATING)
    for i, step in enumerate(steps):
        assert step.assessment == escalation.assess(ESCALATING[: i + 1])
    longer = escalation.stream([*ESCALATING, item(6, "I will be there, one way or another.", 65)])
    assert [s.assessment.level for s in longer[: len(steps)]] == [s.assessment.level for s in steps]
    levels = [s.assessment.level for s in steps]
    assert levels[0] == Severity.NONE and levels[-1] == Severity.IMMINENT
    assert levels == sorted(levels, key=lambda s: s.rank)


def test_a_rise_says_why_in_plain_words() -> None:
    steps = escalation.stream(ESCALATING)
    rises = escalation.rises(steps)
    texts = [escalation.alert_text("Céleste", before, step.assessment) for before, step in rises]
    assert any("rose from" in t and "hotel" in t.lower() for t in texts), texts
    assert any("three letters in four days" in t for t in texts), texts
    assert steps[-1].assessment.reasons


def test_intense_but_harmless_fan_stays_below_urgent() -> None:
    gushing = [
        item(
            i,
            f"OMG Lune I love you so much!!! Blue Hour is my whole life, I've listened {i * 100} times",
            i * 3,
        )
        for i in range(12)
    ]
    assert escalation.assess(gushing).level < Severity.URGENT


def test_profile_names_the_messages_behind_each_behaviour() -> None:
    p = profile.build(ESCALATING)
    assert p.behaviours["pathway"].message_ids == ["m4", "m5"]
    assert p.features["grievance"].message_ids == ["m3"]
    assert p.behaviours["energy_burst"].present
    assert not p.behaviours["novel_aggression"].present
    assert p.flagged[Category.ARTIST_APPROACH] == 2


def test_writer_side_risk_that_keeps_coming_back_rises_a_step() -> None:
    low = [
        item(i, "I can't go on", i, flag(Category.WRITER_DISTRESS, Severity.CONCERN, "can't go on"))
        for i in range(3)
    ]
    a = escalation.assess(low)
    assert a.writer_level == Severity.URGENT and a.level == Severity.URGENT
