"""Near-duplicate campaigns: real edits, reordered lines and changed signatures group; shared boilerplate
does not. The queue shows one entry per campaign, every member stays reachable and on its sender's file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from stagedoor import services
from stagedoor.domain import Category, Channel, Evidence, Flag, Reading, Route, Sender, Severity
from stagedoor.ingest.base import make_message
from stagedoor.services import Desk
from stagedoor.triage import campaigns as near
from stagedoor.triage import triage

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
CHAIN = """Dear Mara,
We the fans of the Northern Lights tour ask you to come back to Lille next spring.
The cancelled show broke our hearts and we deserve a new date before the summer festivals.
Please tell your label that thousands of us will buy tickets on the first day.
Copy this letter and send it to ten friends so the message reaches her.
"""
FOOTER = (
    "\n--\nSent through the official Mara fan club. Fan club rules apply to every message sent here; "
    "unsubscribe at any time from your account page.\n"
)
COPIES = {  # sender -> their copy: edited, reordered, re-signed
    "julie@example.org": CHAIN.replace("Lille", "Roubaix").replace("thousands", "hundreds") + "\nLove, Julie",
    "karim@example.org": "\n".join(reversed(CHAIN.strip().splitlines())) + "\n-- Karim, Lens",
    "ines@example.org": CHAIN + "\nInès xx\nSent from my phone",
    "noah@example.org": CHAIN.replace("Dear Mara,", "Hi Mara!!") + FOOTER,
}
DISTINCT = {  # their own letters, sharing the fan club's footer and a greeting with the chain letter
    "paul@example.org": "Dear Mara,\nI saw you in Lille and could not stop crying when you sang about your "
    "grandmother. My own grandmother died last winter and your words helped me more than I can say." + FOOTER,
    "lea@example.org": "Dear Mara,\nMy band covered your second album at the school fair and the whole "
    "gym sang along. Could you sign the photo I am sending for our music teacher?" + FOOTER,
}


def put(desk: Desk, sender: str, text: str, when: datetime) -> str:
    item = make_message(
        f"From: {sender}\n\n{text}".encode(), Channel.EMAIL, sender=Sender(address=sender),
        received_at=when, subject="", text=text, origin="test", external_id=sender,
    )  # fmt: skip
    desk.store.add(item)
    return item.message.id


def seed(desk: Desk) -> dict[str, str]:
    ids = {
        s: put(desk, s, t, T0 + timedelta(hours=i)) for i, (s, t) in enumerate((COPIES | DISTINCT).items())
    }
    services.read_pending(desk)
    services.group_campaigns(desk)
    return ids


def test_edits_reorders_and_signatures_stay_near_and_boilerplate_does_not() -> None:
    chain = near.sketch(CHAIN)
    assert chain is not None
    for copy in COPIES.values():
        assert chain.jaccard(near.sketch(copy)) >= near.THRESHOLD, copy
    for letter in DISTINCT.values():
        assert chain.jaccard(near.sketch(letter)) < near.THRESHOLD
        assert near.sketch(COPIES["noah@example.org"]).jaccard(near.sketch(letter)) < near.THRESHOLD
    assert near.sketch("I love you so much Mara!!") is None  # too short to judge


def test_a_campaign_is_one_queue_entry_with_its_members_reachable(any_desk: Desk) -> None:
    ids = seed(any_desk)
    artist = services.queue(any_desk, Route.ARTIST, limit=100)
    shown = {r.message.external_id for r in artist}
    assert len(shown & set(COPIES)) == 1 and set(DISTINCT) <= shown
    assert services.queue_counts(any_desk)[Route.ARTIST] == len(artist) == 1 + len(DISTINCT)
    groups = services.campaigns_of(any_desk, list(ids.values()))
    assert {m for m, _ in groups.items()} == {ids[s] for s in COPIES}
    [(campaign_id, size)] = set(groups.values())
    assert size == len(COPIES)
    members = services.campaign(any_desk, campaign_id)
    assert members is not None and {r.message.external_id for r, _ in members} == set(COPIES)
    for record, _ in members:  # each copy still counts on its own sender's file
        file = services.correspondent(any_desk, record.correspondent_id)
        assert file is not None and file.correspondent.message_count == 1


def test_a_later_copy_joins_the_same_campaign_and_regrouping_adds_nothing(any_desk: Desk) -> None:
    ids = seed(any_desk)
    late = put(
        any_desk,
        "zoe@example.org",
        CHAIN.replace("ten friends", "twenty friends") + "\nZoé",
        T0 + timedelta(days=2),
    )
    assert services.group_campaigns(any_desk) == 1
    assert services.group_campaigns(any_desk) == 0
    groups = services.campaigns_of(any_desk, [late, ids["julie@example.org"]])
    assert groups[late] == groups[ids["julie@example.org"]] and groups[late][1] == len(COPIES) + 1


def test_the_lead_is_the_most_urgent_member_so_danger_is_not_folded_away(any_desk: Desk) -> None:
    ids = seed(any_desk)
    threat = ids["karim@example.org"]
    flag = Flag(Category.ARTIST_THREAT, Severity.URGENT, 0.9, (Evidence(0, 4, "Dear"),), "Test: a threat.")
    any_desk.store.save_reading(triage(Reading(threat, "en", (flag,), Severity.URGENT, (), "test.v1")))
    services.group_campaigns(any_desk)
    assert [r.message.id for r in services.queue(any_desk, Route.SECURITY)] == [threat]
    assert threat not in {r.message.id for r in services.queue(any_desk, Route.ARTIST)}


def test_queue_page_and_json_show_the_group(desk: Desk, client_for: Any) -> None:
    ids = seed(desk)
    client = client_for("artist")
    rows = client.get("/api/queue/artist").json()
    grouped = [r for r in rows if r["campaign"]]
    assert len(grouped) == 1 and grouped[0]["campaign"]["size"] == len(COPIES)
    url = grouped[0]["campaign"]["url"]
    page = client.get("/queue/artist").text
    assert f'href="{url}"' in page and f"and {len(COPIES) - 1} near-identical" in page
    members = client.get("/api" + url).json()
    assert {m["id"] for m in members["members"]} == {ids[s] for s in COPIES}
    assert members["members"][0]["lead"] and members["members"][0]["id"] == grouped[0]["id"]
    assert client.get(url).status_code == 200
    missing = client.get("/api/campaigns/999")
    assert missing.status_code == 404 and missing.json() == {
        "detail": "There is no campaign with that number."
    }


def test_signatures_are_stable_across_processes_and_round_trip() -> None:
    """A fixed seed: a sketch stored by one run compares with one made by the next."""
    a, b = near.sketch(CHAIN), near.sketch(CHAIN)
    assert a is not None and b is not None
    assert near.to_bytes(a) == near.to_bytes(b) and near.from_bytes(near.to_bytes(a)).jaccard(a) == 1.0
