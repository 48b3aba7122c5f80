"""The audit trail on SQLite and PostgreSQL: the database refuses edits, and when someone with the owner's
rights gets round that, `verify` (and `stagedoor audit verify`) names the edited or removed row."""

from __future__ import annotations

from typing import cast

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stagedoor.office import audit
from stagedoor.services import Desk


def _trail(desk: Desk) -> None:
    for n in range(5):
        audit.record(desk, "nadia", "message.view", f"m{n}", "127.0.0.1", via="/messages")


def _bypass(desk: Desk, sql: str) -> None:
    """What an attacker with the database owner's rights could do: lift the guard, then tamper."""
    with desk.store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text(sql))


def test_an_intact_trail_verifies(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    verdict = audit.verify(desk)
    assert verdict.ok and verdict.rows == 5


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET actor = 'x' WHERE id = 2", "DELETE FROM audit_log WHERE id = 2"]
)
def test_the_database_refuses_to_change_the_trail(any_desk: object, sql: str) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    with pytest.raises(DBAPIError, match="append-only"), desk.store.engine.begin() as conn:
        conn.execute(text(sql))
    assert audit.verify(desk).ok


def test_an_edited_row_is_named(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    _bypass(desk, "UPDATE audit_log SET target = 'someone-else' WHERE id = 3")
    verdict = audit.verify(desk)
    assert not verdict.ok
    assert verdict.problems == ("row 3: its contents do not match its hash (the row was edited)",)


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    # a hash that already starts with "f" (1 in 16) must still change
    _bypass(
        desk,
        "UPDATE audit_log SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END"
        " || substr(hash, 2) WHERE id = 3",
    )
    problems = audit.verify(desk).problems
    assert any(p.startswith("row 3:") for p in problems) and any(p.startswith("row 4:") for p in problems)


def test_a_deleted_row_is_named(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    _bypass(desk, "DELETE FROM audit_log WHERE id = 2")
    verdict = audit.verify(desk)
    assert verdict.rows == 4
    assert verdict.problems[0] == "row 3: does not follow the row before it (a row was removed)"


def test_a_deleted_last_row_is_noticed_by_the_head(any_desk: object) -> None:
    desk = cast(Desk, any_desk)
    _trail(desk)
    _bypass(desk, "DELETE FROM audit_log WHERE id = 5")
    [problem] = audit.verify(desk).problems
    assert "should hold 5 rows" in problem and "found 4" in problem


def test_concurrent_writers_never_fork_the_chain(any_desk: object) -> None:
    import threading

    desk = cast(Desk, any_desk)
    threads = [threading.Thread(target=_trail, args=(desk,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdict = audit.verify(desk)
    assert verdict.ok and verdict.rows == 20
