"""`stagedoor fetch imap` against a real Dovecot on loopback: cursors, TLS, marking, restarts and SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapserver import PASSWORD, USER, Dovecot, fan_mail
from sqlalchemy import text

from stagedoor import intake, services
from stagedoor.ingest.imap import ImapError, MailboxConfig, load_config
from stagedoor.services import Desk
from stagedoor.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ENV_PASSWORD = "STAGEDOOR_TEST_IMAP_PASSWORD"


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot.create()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def imap_desk(any_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """On SQLite and on PostgreSQL: the cursor table must hold UIDs and UIDVALIDITY (32-bit unsigned) on both."""
    monkeypatch.setenv(ENV_PASSWORD, PASSWORD)
    desk = services.open_desk(any_settings)
    yield desk
    desk.store.close()


def mailbox(server: Dovecot, **overrides: object) -> MailboxConfig:
    fields: dict[str, object] = {
        "name": "fans",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": USER,
        "password_env": ENV_PASSWORD,
    }
    return MailboxConfig.model_validate(fields | overrides)


def stored_ids(desk: Desk) -> list[str]:
    """Every stored Message-ID, straight from the database (the queue folds campaigns together)."""
    with desk.store.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT external_id FROM messages")))


def test_fetch_stores_each_message_once_and_picks_up_only_new_mail(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("INBOX", fan_mail(7))
    box = mailbox(dovecot)
    assert intake.fetch_imap(imap_desk, [box]).counts.new == 7
    again = intake.fetch_imap(imap_desk, [box]).counts
    assert (again.new, again.duplicate) == (0, 0)  # the cursor, not the dedup, kept them out
    dovecot.append("INBOX", fan_mail(3, start=7))
    assert intake.fetch_imap(imap_desk, [box]).counts.new == 3
    assert stored_ids(imap_desk) == sorted(f"<fan-{i}@example.org>" for i in range(10))
    record = imap_desk.store.queue(None, limit=1)[0]
    assert ";UIDVALIDITY=" in record.message.origin and ";UID=" in record.message.origin
    assert record.reading is not None  # read and routed after the fetch


def test_tls_needs_the_servers_ca(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("INBOX", fan_mail(2))
    tls = {"security": "tls", "port": dovecot.tls_port}
    with pytest.raises(ImapError, match="certificate is not trusted"):
        intake.fetch_imap(imap_desk, [mailbox(dovecot, **tls)], retry_wait=0.01)
    trusted = mailbox(dovecot, **tls, ca_file=dovecot.ca_file)
    assert intake.fetch_imap(imap_desk, [trusted]).counts.new == 2
    dovecot.append("INBOX", fan_mail(1, start=2))
    starttls = mailbox(dovecot, name="starttls", security="starttls", ca_file=dovecot.ca_file)
    counts = intake.fetch_imap(imap_desk, [starttls]).counts  # its own cursor; the same bytes dedup
    assert (counts.new, counts.duplicate) == (1, 2)


def test_several_folders_each_keep_their_own_cursor(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("INBOX", fan_mail(2))
    dovecot.append("Fan Club", fan_mail(3, folder_tag="-club"))
    box = mailbox(dovecot, folders=("INBOX", "Fan Club"))
    report = intake.fetch_imap(imap_desk, [box])
    assert (report.counts.new, report.folders) == (5, 2)
    dovecot.append("Fan Club", fan_mail(1, start=3, folder_tag="-club"))
    assert intake.fetch_imap(imap_desk, [box]).counts.new == 1


def test_new_uidvalidity_refetches_the_folder_without_duplicates(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("Fans", fan_mail(4))
    box = mailbox(dovecot, folders=("Fans",))
    assert intake.fetch_imap(imap_desk, [box]).counts.new == 4
    client = dovecot.client()
    client.delete('"Fans"')  # recreating a folder gives it a new UIDVALIDITY: old UIDs mean nothing
    client.logout()
    dovecot.append("Fans", fan_mail(5))
    counts = intake.fetch_imap(imap_desk, [box]).counts
    assert (counts.new, counts.duplicate) == (1, 4)


def test_processed_mail_is_moved_or_flagged(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("INBOX", fan_mail(3))
    intake.fetch_imap(imap_desk, [mailbox(dovecot, after="move", move_to="Processed")])
    client = dovecot.client()
    assert client.select("INBOX")[1] == [b"0"]
    assert client.select("Processed")[1] == [b"3"]
    dovecot.append("Later", fan_mail(2, start=3))
    intake.fetch_imap(imap_desk, [mailbox(dovecot, name="later", folders=("Later",), after="flag")])
    client.select("Later")
    _, flags = client.fetch("1:*", "(FLAGS)")
    assert all(b"$Stagedoor" in f for f in flags), flags
    client.logout()


def test_server_restart_in_the_middle_of_a_fetch(dovecot: Dovecot, imap_desk: Desk) -> None:
    dovecot.append("INBOX", fan_mail(intake.BATCH * 3))
    restarted: list[int] = []

    def restart_once(progress: intake.FolderProgress) -> None:
        if progress.done == intake.BATCH and not restarted:
            restarted.append(progress.done)
            dovecot.restart()  # the fetcher's connection dies under it

    report = intake.fetch_imap(imap_desk, [mailbox(dovecot)], on_progress=restart_once, retry_wait=0.2)
    assert restarted and report.reconnects >= 1
    assert report.counts.new == intake.BATCH * 3 and report.counts.duplicate == 0
    assert stored_ids(imap_desk) == sorted(f"<fan-{i}@example.org>" for i in range(intake.BATCH * 3))


def test_server_down_for_good_is_one_clear_error(dovecot: Dovecot, imap_desk: Desk) -> None:
    box = mailbox(dovecot)
    dovecot.stop()
    with pytest.raises(ImapError, match="unreachable after 2 retries"):
        intake.fetch_imap(imap_desk, [box], retries=2, retry_wait=0.01)


def write_config(path: Path, server: Dovecot) -> Path:
    path.write_text(
        "[[mailbox]]\n"
        'name = "fans"\nhost = "127.0.0.1"\n'
        f'port = {server.tls_port}\nsecurity = "tls"\nca_file = "{server.ca_file}"\n'
        f'username = "{USER}"\npassword_env = "{ENV_PASSWORD}"\nfolders = ["INBOX"]\n'
    )
    return path


def cli(args: list[str], data_dir: Path, **kw: object) -> subprocess.Popen[str]:
    env = os.environ | {"STAGEDOOR_DATA_DIR": str(data_dir), ENV_PASSWORD: PASSWORD}
    exe = str(Path(sys.executable).with_name("stagedoor"))
    return subprocess.Popen(
        [exe, *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw
    )  # type: ignore[call-overload, no-any-return]


def message_count(data_dir: Path) -> int:
    db = data_dir / "stagedoor.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
        except sqlite3.OperationalError:  # tables not created yet
            return 0


def test_sigkill_mid_fetch_then_restart_loses_and_duplicates_nothing(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    total = 1500
    dovecot.append("INBOX", fan_mail(total))
    config = write_config(tmp_path / "mailboxes.toml", dovecot)
    data = tmp_path / "data"
    run = cli(["fetch", "imap", "--once", "--config", str(config)], data)
    deadline = time.monotonic() + 120
    while (seen := message_count(data)) < 100 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    at_kill = message_count(data)
    assert 0 < at_kill < total, f"the kill should land mid-fetch (saw {seen}, {at_kill} stored)"
    again = cli(["fetch", "imap", "--once", "--config", str(config)], data)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"{total - at_kill} new" in out
    with sqlite3.connect(data / "stagedoor.sqlite3") as conn:
        ids = [r[0] for r in conn.execute("SELECT external_id FROM messages")]
    assert len(ids) == len(set(ids)) == total


def test_config_refuses_a_password_in_clear(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[mailbox]]\nname = "x"\nhost = "imap.example.org"\nusername = "u"\npassword = "hunter2"\n'
    )
    with pytest.raises(
        ImapError, match=r"password: Extra inputs are not permitted .*password_env or password_file"
    ):
        load_config(path)


def test_config_refuses_plain_imap_off_loopback(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(
        '[[mailbox]]\nname = "x"\nhost = "imap.example.org"\nsecurity = "none"\nusername = "u"\npassword_env = "P"\n'
    )
    with pytest.raises(ImapError, match="only for a loopback host"):
        load_config(path)


def test_cli_missing_password_is_one_line_and_exit_2(dovecot: Dovecot, tmp_path: Path) -> None:
    config = write_config(tmp_path / "mailboxes.toml", dovecot)
    env = {k: v for k, v in os.environ.items() if k != ENV_PASSWORD} | {
        "STAGEDOOR_DATA_DIR": str(tmp_path / "d")
    }
    exe = str(Path(sys.executable).with_name("stagedoor"))
    done = subprocess.run(
        [exe, "fetch", "imap", "--once", "--config", str(config)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert (
        " ".join(done.stderr.split())
        == f"error: mailbox 'fans': environment variable {ENV_PASSWORD} is not set"
    )


def test_polling_mode_picks_up_mail_as_it_arrives(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.append("INBOX", fan_mail(3))
    config = write_config(tmp_path / "mailboxes.toml", dovecot)
    data = tmp_path / "data"
    run = cli(["fetch", "imap", "--config", str(config), "--interval", "1"], data)
    try:
        for expected, more in ((3, 2), (5, 0)):
            deadline = time.monotonic() + 120
            while message_count(data) < expected and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert message_count(data) == expected and run.poll() is None
            dovecot.append("INBOX", fan_mail(more, start=expected))
    finally:
        run.send_signal(signal.SIGINT)
        run.wait(timeout=60)
