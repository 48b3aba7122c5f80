"""Domain rules: severity order, identity keys, dedup ids, flag invariants."""

from __future__ import annotations

import pytest

from stagedoor.domain import (
    Category,
    Channel,
    Evidence,
    Flag,
    Sender,
    Severity,
    Side,
    message_id_for,
    overall_severity,
)


def test_severity_is_ordered_as_taxonomy_says() -> None:
    assert Severity.NONE < Severity.LOW < Severity.CONCERN < Severity.URGENT < Severity.IMMINENT
    assert max(Severity, key=lambda s: s.rank) is Severity.IMMINENT
    assert Severity.from_rank(99) is Severity.IMMINENT


def test_categories_know_their_side() -> None:
    assert {c.side for c in Category if c.value.startswith("artist.")} == {Side.ARTIST}
    assert Category.WRITER_SELF_HARM.label == "self harm"


@pytest.mark.parametrize(
    ("sender", "key"),
    [
        (Sender(name="A", address=" Anna@Example.COM "), "email:anna@example.com"),
        (Sender(handle="@MoonChild_92", platform="Instagram"), "handle:instagram:moonchild_92"),
        (Sender(postal_address="12, rue des Lilas  Lyon"), "postal:12 rue des lilas lyon"),
        (Sender(), "unknown:"),
    ],
)
def test_sender_key_normalises(sender: Sender, key: str) -> None:
    assert sender.key == key


def test_message_id_depends_on_bytes_and_channel() -> None:
    assert message_id_for("ab", Channel.EMAIL) == message_id_for("ab", Channel.EMAIL)
    assert message_id_for("ab", Channel.EMAIL) != message_id_for("ab", Channel.DM)


def test_a_flag_needs_a_reason_and_a_score_in_range() -> None:
    ev = (Evidence(0, 1, "x"),)
    with pytest.raises(ValueError, match="reason"):
        Flag(Category.ARTIST_THREAT, Severity.URGENT, 0.5, ev, "")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        Flag(Category.ARTIST_THREAT, Severity.URGENT, 1.5, ev, "why")


def test_overall_severity_is_the_worst_flag() -> None:
    ev = (Evidence(0, 1, "x"),)
    flags = [
        Flag(Category.WRITER_DISTRESS, Severity.LOW, 0.2, ev, "r"),
        Flag(Category.WRITER_SUICIDE, Severity.URGENT, 0.7, ev, "r"),
    ]
    assert overall_severity(flags) is Severity.URGENT
    assert overall_severity([]) is Severity.NONE
