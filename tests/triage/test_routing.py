"""Routes exactly as TAXONOMY.md says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stagedoor.domain import Category, Evidence, Flag, Reading, Route, Severity
from stagedoor.triage import alerts_for, priority_key, routes_for, triage


def flag(category: Category, severity: Severity) -> Flag:
    return Flag(category, severity, 0.5, (Evidence(0, 1, "x"),), "because")


@pytest.mark.parametrize(
    ("flags", "routes"),
    [
        ([], [Route.ARTIST]),
        ([flag(Category.ARTIST_THREAT, Severity.LOW)], [Route.ARTIST]),
        ([flag(Category.WRITER_DISTRESS, Severity.LOW)], [Route.ARTIST]),
        ([flag(Category.ARTIST_FIXATION, Severity.CONCERN)], [Route.SECURITY]),
        ([flag(Category.WRITER_EATING_DISORDER, Severity.CONCERN)], [Route.WELFARE]),
        (
            [
                flag(Category.ARTIST_APPROACH, Severity.IMMINENT),
                flag(Category.WRITER_SUICIDE, Severity.URGENT),
            ],
            [Route.SECURITY, Route.WELFARE],
        ),
        (
            [flag(Category.WRITER_SUICIDE, Severity.URGENT), flag(Category.ARTIST_THREAT, Severity.LOW)],
            [Route.WELFARE],
        ),
    ],
)
def test_routes(flags: list[Flag], routes: list[Route]) -> None:
    assert list(routes_for(flags)) == routes


def test_the_artist_never_gets_a_concerning_message_next_to_a_route() -> None:
    for category in Category:
        for severity in Severity:
            routes = routes_for([flag(category, severity)])
            assert (Route.ARTIST in routes) == (severity < Severity.CONCERN)
            assert len(routes) == 1


def test_only_imminent_flags_alert_their_team() -> None:
    assert alerts_for([flag(Category.ARTIST_THREAT, Severity.URGENT)]) == ()
    assert alerts_for([flag(Category.WRITER_SELF_HARM, Severity.IMMINENT)]) == (Route.WELFARE,)


def test_triage_fills_routes_of_a_reading() -> None:
    r = Reading("m", "en", (flag(Category.ARTIST_HARASSMENT, Severity.CONCERN),), Severity.CONCERN, (), "v")
    assert triage(r).routes == (Route.SECURITY,)


def test_priority_is_severity_then_score_then_age() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    keys = {
        "imminent low score": priority_key(Severity.IMMINENT, 0.1, t),
        "urgent high score": priority_key(Severity.URGENT, 0.9, t),
        "urgent same score older": priority_key(Severity.URGENT, 0.5, t - timedelta(days=1)),
        "urgent same score newer": priority_key(Severity.URGENT, 0.5, t),
        "urgent undated": priority_key(Severity.URGENT, 0.5, None),
    }
    assert sorted(keys, key=keys.__getitem__) == list(keys)
