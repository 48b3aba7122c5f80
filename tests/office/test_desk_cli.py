"""The desk's commands end to end through the real entry point: users, audit verify, keys, errors in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "STAGEDOOR_DATA_DIR": str(data), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from stagedoor.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=full,
        check=False,
        timeout=120,
    )


def test_user_add_list_disable_and_audit_verify(tmp_path: Path) -> None:
    added = run(tmp_path, "user", "add", "jo", "--role", "welfare", "--name", "Jo Martin")
    assert added.returncode == 0, added.stderr
    assert "password, shown once:" in added.stdout
    listing = run(tmp_path, "user", "list")
    assert "jo" in listing.stdout and "welfare" in listing.stdout
    assert run(tmp_path, "user", "disable", "jo").returncode == 0
    again = run(tmp_path, "user", "add", "jo", "--role", "artist")
    assert again.returncode == 2 and again.stderr.strip() == "error: there is already a user called 'jo'"
    missing = run(tmp_path, "user", "disable", "nobody")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    verified = run(tmp_path, "audit", "verify")
    assert verified.returncode == 0 and "2 rows" in verified.stdout, verified.stdout + verified.stderr

    engine = create_engine(f"sqlite:///{tmp_path / 'stagedoor.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = 1"))
    engine.dispose()
    tampered = run(tmp_path, "audit", "verify")
    assert tampered.returncode == 1
    assert "tampered: row 1: its contents do not match its hash" in tampered.stderr


def test_keys_and_retention_say_what_to_set(tmp_path: Path) -> None:
    rotate = run(tmp_path, "keys", "rotate")
    assert rotate.returncode == 2 and "STAGEDOOR_ENCRYPTION_KEYS" in rotate.stderr
    bad = run(tmp_path, "queue", env={"STAGEDOOR_ENCRYPTION_KEYS": "not-a-key"})
    assert bad.returncode == 2 and "stagedoor keys new" in bad.stderr and "Traceback" not in bad.stderr
    key = run(tmp_path, "keys", "new").stdout.strip()
    assert len(key) == 44
    retention = run(tmp_path, "retention")
    assert retention.returncode == 2 and "STAGEDOOR_RETENTION_DAYS" in retention.stderr


def test_demo_prints_one_user_per_role_whose_password_logs_in(tmp_path: Path) -> None:
    import re

    from stagedoor import services
    from stagedoor.office import accounts
    from stagedoor.settings import Settings

    done = run(tmp_path, "demo", "--no-serve")
    assert done.returncode == 0, done.stderr
    found = re.findall(
        r"^\s+(admin|security|welfare|artist)\s+(demo-\w+)\s+(\S+)$", done.stdout, re.MULTILINE
    )
    assert sorted(r for r, _, _ in found) == ["admin", "artist", "security", "welfare"]
    desk = services.open_desk(Settings(data_dir=tmp_path))
    for role, username, password in found:
        assert accounts.log_in(desk, username, password, "test").user.role.value == role
    desk.store.close()
