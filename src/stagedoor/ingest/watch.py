"""The watched folder: files dropped in (mail-room scans, exports) are taken in once each, then moved on.

A polling loop, not inotify (watchdog): scanners and mail-room PCs write to network shares, where inotify
sees nothing, and a poll also finds what was already there at start-up, after a crash. The folder itself is
the queue: a file is moved to done/ or failed/ (beside a `.reason` file) only after the store has committed
it, and storing is idempotent, so a SIGKILL at any point loses nothing and duplicates nothing on restart.

A file is taken only once it is settled: the same size and modification time for `settle` seconds, and
not a temporary name (.part, .tmp, ~lock, hidden files) that copy tools and scanners write before renaming.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stagedoor.domain import IngestCounts

DONE, FAILED = "done", "failed"
TEMPORARY_SUFFIXES = frozenset(
    {".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart"}
)


@dataclass(frozen=True)
class WatchOptions:
    interval: float = 2.0
    """Seconds between two looks at the folder."""
    settle: float = 2.0
    """Seconds a file must keep its size and modification time before it is taken."""
    once: bool = False
    """Take what is in the folder (waiting for it to settle), then stop."""


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    counts: IngestCounts
    error: str = ""
    """Why the file went to failed/ (empty when it went to done/)."""


def is_temporary(name: str) -> bool:
    return name.startswith((".", "~")) or Path(name).suffix.lower() in TEMPORARY_SUFFIXES


def candidates(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file waiting in the folder (not in its subfolders) with its (size, mtime_ns)."""
    found: dict[Path, tuple[int, int]] = {}
    for entry in sorted(folder.iterdir()):
        if is_temporary(entry.name):
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # renamed or removed while we looked
            continue
        if entry.is_file():
            found[entry] = (stat.st_size, stat.st_mtime_ns)
    return found


def settle_due(
    seen: dict[Path, tuple[tuple[int, int], float]], found: dict[Path, tuple[int, int]], now: float
) -> dict[Path, tuple[tuple[int, int], float]]:
    """For each waiting file, its signature and since when it has had it (a change restarts the clock)."""
    return {p: (sig, seen[p][1] if p in seen and seen[p][0] == sig else now) for p, sig in found.items()}


def file_away(outcome: FileOutcome, folder: Path) -> Path:
    """Move the file into done/ or failed/ under a name not yet taken; a failure gets a .reason beside it."""
    target = folder / (FAILED if outcome.error else DONE)
    target.mkdir(exist_ok=True)
    dest = unique_path(target, outcome.path.name)
    os.replace(outcome.path, dest)
    if outcome.error:
        dest.with_name(dest.name + ".reason").write_text(outcome.error + "\n", encoding="utf-8")
    return dest


def unique_path(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists() or path.with_name(path.name + ".reason").exists():
        n += 1
        path = folder / f"{Path(name).stem}.{n}{Path(name).suffix}"
    return path


def run(
    folder: Path,
    handle: Callable[[Path], FileOutcome],
    options: WatchOptions,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> int:
    """Poll `folder`, hand each settled file to `handle`, file it away; returns how many were taken."""
    (folder / DONE).mkdir(exist_ok=True)
    (folder / FAILED).mkdir(exist_ok=True)
    seen: dict[Path, tuple[tuple[int, int], float]] = {}
    taken = 0
    while True:
        now = time.monotonic()
        seen = settle_due(seen, candidates(folder), now)
        for path, (_sig, since) in list(seen.items()):
            if now - since < options.settle:
                continue
            outcome = handle(path)
            file_away(outcome, folder)
            del seen[path]
            taken += 1
            if on_outcome:
                on_outcome(outcome)
        if options.once and not seen:
            return taken
        time.sleep(options.interval)
