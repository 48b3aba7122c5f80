"""`stagedoor watch`: each dropped file taken once, filed into done/ or failed/ with the reason, never lost or
taken twice even when the watcher is killed with SIGKILL mid-run and started again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import paperkit as k
import pytest

from stagedoor import services
from stagedoor.domain import IngestCounts
from stagedoor.ingest.watch import FileOutcome, candidates, file_away, is_temporary, settle_due
from stagedoor.settings import Settings

LETTERS = 40


def watcher(settings: Settings, folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {key: v for key, v in os.environ.items() if not key.startswith("STAGEDOOR_")}
    env["STAGEDOOR_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["STAGEDOOR_DATABASE_URL"] = settings.database_url
    command = [
        sys.executable,
        "-m",
        "stagedoor.cli",
        "watch",
        str(folder),
        "--interval",
        "0.1",
        "--settle",
        "0.2",
    ]
    return subprocess.Popen(
        [*command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize(
    "name", [".scan.png", "~lock.pdf", "export.csv.part", "scan.PDF.tmp", "x.crdownload"]
)
def test_temporary_names_are_left_alone(name: str) -> None:
    assert is_temporary(name)


def test_only_settled_files_are_due_and_a_change_restarts_the_clock(tmp_path: Path) -> None:
    (tmp_path / "done").mkdir()
    (tmp_path / "growing.pdf").write_bytes(b"%PDF-1.4 half")
    (tmp_path / "upload.part").write_bytes(b"half")
    first = settle_due({}, candidates(tmp_path), now=100.0)
    assert list(first) == [tmp_path / "growing.pdf"] and first[tmp_path / "growing.pdf"][1] == 100.0
    assert settle_due(first, candidates(tmp_path), now=103.0)[tmp_path / "growing.pdf"][1] == 100.0
    with (tmp_path / "growing.pdf").open("ab") as handle:
        handle.write(b" and the rest of the scan")
    assert settle_due(first, candidates(tmp_path), now=103.0)[tmp_path / "growing.pdf"][1] == 103.0


def test_a_name_already_filed_gets_a_new_one_and_failures_a_reason(tmp_path: Path) -> None:
    for content in (b"one", b"two"):
        (tmp_path / "scan.png").write_bytes(content)
        file_away(FileOutcome(tmp_path / "scan.png", IngestCounts(), "not a readable image"), tmp_path)
    assert files_in(tmp_path / "failed") == ["scan.2.png", "scan.2.png.reason", "scan.png", "scan.png.reason"]
    assert (tmp_path / "failed/scan.2.png").read_bytes() == b"two"
    assert (tmp_path / "failed/scan.png.reason").read_text(encoding="utf-8") == "not a readable image\n"


def drop_mail_room_batch(inbox: Path) -> tuple[set[str], set[str]]:
    """Typed letters, two scans, an unreadable scan and an unknown format: (good names, failed names)."""
    inbox.mkdir()
    for n in range(LETTERS):
        (inbox / f"letter-{n:02d}.txt").write_text(f"From: Writer {n}\n\nDear Maya, letter number {n}.\n")
    (inbox / "scan-fr.png").write_bytes(k.png(k.render(k.FR_APPROACH, angle=3)))
    (inbox / "scan-en.png").write_bytes(k.png(k.render(k.EN_SUICIDE)))
    (inbox / "coffee-stained.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04 a word file")
    (inbox / "still-copying.pdf.part").write_bytes(b"%PDF-1.4 half")
    good = {f"letter-{n:02d}.txt" for n in range(LETTERS)} | {"scan-fr.png", "scan-en.png"}
    return good, {"coffee-stained.png", "notes.docx"}


def test_sigkill_mid_run_then_restart_loses_nothing_and_duplicates_nothing(
    any_settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "mail-room"
    good, failed = drop_mail_room_batch(inbox)
    first = watcher(any_settings, inbox)
    deadline = time.monotonic() + 240
    while len(files_in(inbox / "done")) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    taken_before_kill = set(files_in(inbox / "done"))
    assert 3 <= len(taken_before_kill) < len(good), "the kill must land in the middle of the batch"
    left = [name for name in files_in(inbox) if not name.endswith(".part")]

    again = watcher(any_settings, inbox, "--once")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err

    assert files_in(inbox) == ["still-copying.pdf.part"]
    assert set(files_in(inbox / "done")) == good
    assert set(files_in(inbox / "failed")) == failed | {f"{name}.reason" for name in failed}
    assert "cannot read this kind of file" in (inbox / "failed/notes.docx.reason").read_text(encoding="utf-8")
    assert "not a readable image" in (inbox / "failed/coffee-stained.png.reason").read_text(encoding="utf-8")
    desk = services.open_desk(any_settings)
    counts = desk.store.counts()
    assert counts["messages"] == len(good) and counts["readings"] == len(good)
    assert counts["quarantined"] == 1
    origins = {r.message.external_id for r in services.queue(desk, None, limit=100)}
    assert origins == good
    desk.store.close()
    assert f"{len(left)} file(s) taken" in out
