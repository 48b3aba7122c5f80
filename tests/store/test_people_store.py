"""Links, merges and splits on SQLite and PostgreSQL: every decision recorded, and no message ever lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from stagedoor.domain import Channel, Incoming, Message, Sender, Severity, message_id_for, sha256_hex
from stagedoor.domain.people import EscalationState, IdentityEventKind, LinkCandidate, LinkKind, LinkStatus
from stagedoor.settings import Settings
from stagedoor.store import Store
from stagedoor.store.people import IdentityError, PeopleStore
from stagedoor.store.tables import MessageRow

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANALYST = "Priya (security analyst)"


@pytest.fixture
def store(any_settings: Settings) -> Iterator[Store]:
    any_settings.data_dir.mkdir(parents=True, exist_ok=True)
    s = Store(any_settings.resolved_database_url)
    s.migrate()
    yield s
    s.close()


def put(store: Store, text: str, sender: Sender, days: int, channel: Channel = Channel.EMAIL) -> str:
    raw = f"{sender.key}\n\n{text}".encode()
    digest = sha256_hex(raw)
    m = Message(message_id_for(digest, channel), channel, sender, T0 + timedelta(days=days), "", text, digest)
    store.add(Incoming(m, raw))
    return m.id


CELESTE_MAIL = Sender(name="Céleste Moreau", address="celeste@example.net")
CELESTE_DM = Sender(name="Céleste M", handle="@lune_et_moi", platform="instagram")
OTHER = Sender(name="Sam", address="sam@example.org")


def owners(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        return dict(c.execute(select(MessageRow.id, MessageRow.correspondent_id)).tuples().all())


def cid_of(store: Store, message_id: str) -> int:
    return owners(store)[message_id]


@pytest.fixture
def two_aliases(store: Store) -> tuple[list[str], list[str], str]:
    mail = [put(store, f"email {i}", CELESTE_MAIL, i) for i in range(3)]
    dms = [put(store, f"dm {i}", CELESTE_DM, 10 + i, Channel.DM) for i in range(2)]
    other = put(store, "hello", OTHER, 5)
    return mail, dms, other


def test_merge_moves_every_message_and_undo_puts_exactly_them_back(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, dms, other = two_aliases
    before = owners(store)
    people = PeopleStore(store)
    a, b = cid_of(store, mail[0]), cid_of(store, dms[0])
    event = people.merge(a, b, ANALYST, "same person, she says so")
    after = owners(store)
    assert set(after) == set(before)  # nothing lost
    assert {after[m] for m in mail + dms} == {a}
    assert after[other] == before[other]
    assert sorted(event.message_ids) == sorted(dms) and event.actor == ANALYST
    assert store.correspondent(a).correspondent.message_count == 5  # type: ignore[union-attr]

    # a new DM to the merged-away handle joins the merged dossier
    late = put(store, "dm late", CELESTE_DM, 30, Channel.DM)
    assert cid_of(store, late) == a

    undone = people.undo(event.id, ANALYST)
    back = owners(store)
    assert undone.undone_by == ANALYST and undone.undone_at is not None
    assert {back[m] for m in dms} == {b} and {back[m] for m in mail} == {a}
    assert back[late] == a  # arrived after the merge; it stays where the desk saw it
    assert people.message_total()[0] == people.message_total()[1] == len(before) + 1
    with pytest.raises(IdentityError, match="already undone"):
        people.undo(event.id, ANALYST)


def test_split_moves_only_the_named_messages_to_a_new_correspondent(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, dms, _ = two_aliases
    people = PeopleStore(store)
    source = cid_of(store, mail[0])
    event = people.split(source, [mail[2]], ANALYST, "her sister, same address")
    after = owners(store)
    assert event.kind == IdentityEventKind.SPLIT and after[mail[2]] == event.target_id != source
    assert {after[m] for m in mail[:2]} == {source}
    assert store.correspondent(event.target_id).correspondent.display_name == "her sister, same address"  # type: ignore[union-attr]
    people.undo(event.id, ANALYST)
    assert owners(store)[mail[2]] == source
    total, owned = people.message_total()
    assert total == owned == len(mail) + len(dms) + 1


def test_split_refuses_strays_and_emptying(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, dms, _ = two_aliases
    people = PeopleStore(store)
    source = cid_of(store, mail[0])
    with pytest.raises(IdentityError, match="not in correspondent"):
        people.split(source, [dms[0]], ANALYST)
    with pytest.raises(IdentityError, match="at least one message behind"):
        people.split(source, mail, ANALYST)
    with pytest.raises(IdentityError, match="say who"):
        people.split(source, mail[:1], "  ")
    assert people.events() == []


def test_no_message_is_lost_by_any_sequence_of_merges_splits_and_undos(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, dms, other = two_aliases
    people = PeopleStore(store)
    everything = set(owners(store))
    a, b, c = cid_of(store, mail[0]), cid_of(store, dms[0]), cid_of(store, other)
    e1 = people.merge(a, b, ANALYST)
    e2 = people.merge(a, c, ANALYST)
    e3 = people.split(a, [dms[1], other], ANALYST)
    with pytest.raises(IdentityError):
        people.merge(b, a, ANALYST)  # b was merged into a: a cycle is refused
    for event in (e3, e2, e1):
        people.undo(event.id, ANALYST)
        assert set(owners(store)) == everything
        total, owned = people.message_total()
        assert total == owned == len(everything)
    assert owners(store)[other] == c and {owners(store)[m] for m in dms} == {b}


def test_suggestions_are_stored_once_and_decided_with_who_and_when(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, dms, _ = two_aliases
    people = PeopleStore(store)
    a, b = sorted((cid_of(store, mail[0]), cid_of(store, dms[0])))
    candidate = LinkCandidate(a, b, LinkKind.SAME_NAME, 0.6, "Both sign with the name Céleste.", ("Céleste",))
    assert people.save_candidates([candidate]) == 1
    assert people.save_candidates([candidate]) == 0
    [pending] = people.suggestions(LinkStatus.PENDING)
    assert pending.a_name and pending.b_name and pending.evidence == ("Céleste",)
    decided, event = people.decide(pending.id, LinkStatus.CONFIRMED, ANALYST)
    assert decided.status == LinkStatus.CONFIRMED and decided.decided_by == ANALYST and decided.decided_at
    assert event is not None and {owners(store)[m] for m in mail + dms} == {a}
    with pytest.raises(IdentityError, match="already confirmed"):
        people.decide(pending.id, LinkStatus.REJECTED, ANALYST)
    # a rejected pair is never suggested again
    other = LinkCandidate(a, b, LinkKind.STYLE, 0.7, "close style", ())
    people.save_candidates([other])
    [style] = people.suggestions(LinkStatus.PENDING)
    rejected, none = people.decide(style.id, LinkStatus.REJECTED, ANALYST)
    assert rejected.status == LinkStatus.REJECTED and none is None
    assert people.save_candidates([other]) == 0


def test_escalation_alerts_are_raised_once_per_rise(store: Store, two_aliases) -> None:  # type: ignore[no-untyped-def]
    mail, _, _ = two_aliases
    people = PeopleStore(store)
    cid = cid_of(store, mail[0])
    state = EscalationState(cid, Severity.URGENT, 8.0, ("three letters in five days",), 3, T0)
    rise = (Severity.CONCERN, Severity.URGENT, "Correspondent Céleste rose from concern to urgent", mail[2])
    assert people.save_escalation(state, [rise]) == 1
    assert people.save_escalation(state, [rise]) == 0
    [alert] = people.alerts()
    assert alert.to_level == Severity.URGENT and alert.display_name == "Céleste Moreau"
    stored = people.escalation(cid)
    assert stored is not None and stored.level == Severity.URGENT and stored.reasons == state.reasons
