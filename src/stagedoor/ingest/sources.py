"""Discovery and dispatch: paths -> planned Sources -> items, through the registry of importers.

A new importer is one class keeping the `Importer` contract plus one line in IMPORTERS: discovery
picks it up by its suffixes, and the registry contract test covers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

from stagedoor.domain import IngestItem
from stagedoor.ingest.base import Importer, IngestError, Source
from stagedoor.ingest.eml import EmlImporter
from stagedoor.ingest.letter import LetterImporter
from stagedoor.ingest.maildir import MaildirImporter, is_maildir, maildir_size
from stagedoor.ingest.mapping import PRESETS, CsvMapping
from stagedoor.ingest.mbox import MboxImporter
from stagedoor.ingest.paper import PaperImporter
from stagedoor.ingest.tabular import CsvImporter, JsonImporter

IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        EmlImporter(),
        MboxImporter(),
        MaildirImporter(),
        CsvImporter(),
        JsonImporter(),
        LetterImporter(),
        PaperImporter(),
    )
}
TABULAR = frozenset({"csv", "json"})
"""Kinds read through a CsvMapping."""

_FROM_LINE = re.compile(rb"From \S+ ")
_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:[ \t]")
T = TypeVar("T")


def discover(paths: list[Path], mapping: CsvMapping | None = None) -> list[Source]:
    """Every source under the given files and folders, sorted by path; IngestError for what can't be read.

    Folders are walked recursively, hidden entries skipped; a folder with cur/ and new/ is a Maildir.
    CSV/JSON exports are checked against the mapping here, so a wrong mapping fails before anything is stored.
    """
    found: dict[Path, Source] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder; check the path")
        for source in _guarded(partial(_expand_all, path, mapping or PRESETS["generic"]), path):
            found.setdefault(source.path.resolve(), source)
    sources = sorted(found.values(), key=lambda s: str(s.path))
    for source in sources:
        _guarded(partial(IMPORTERS[source.kind].check, source), source.path)
    return sources


def iter_source(source: Source, max_bytes: int = 50 * 1024 * 1024) -> Iterator[IngestItem]:
    """Every item of one source; bad content comes out Quarantined, an unreadable file as IngestError."""
    if source.kind not in IMPORTERS:
        raise IngestError(
            f"{source.path}: unknown source kind {source.kind!r}; use discover() to plan sources"
        )
    items = IMPORTERS[source.kind].iter_items(source, max_bytes)
    while (item := _guarded(lambda: next(items, None), source.path)) is not None:
        yield item


def _expand_all(path: Path, mapping: CsvMapping) -> list[Source]:
    return list(_expand(path, mapping))


def _expand(path: Path, mapping: CsvMapping) -> Iterator[Source]:
    if path.is_dir():
        if is_maildir(path):
            yield Source(path, "maildir", maildir_size(path))
            subfolders = (p for p in sorted(path.iterdir()) if p.name.startswith(".") and is_maildir(p))
            yield from (Source(p, "maildir", maildir_size(p)) for p in subfolders)  # Maildir++
            return
        for child in sorted(path.iterdir()):
            if not child.name.startswith(".") and not (child.is_symlink() and child.is_dir()):
                yield from _expand(child, mapping)
    elif path.is_file():
        kind = _kind_of(path)
        yield Source(path, kind, path.stat().st_size, mapping if kind in TABULAR else None)
    else:
        raise IngestError(f"{path}: not a regular file or folder; pass files or folders of messages")


def _kind_of(path: Path) -> str:
    """By extension; a file without a known one is sniffed for an mbox From_ line or email headers."""
    suffix = path.suffix.lower()
    for kind, importer in IMPORTERS.items():
        if suffix in importer.suffixes:
            return kind
    with path.open("rb") as handle:
        head = handle.read(4096)
    if _FROM_LINE.match(head):
        return "mbox"
    if _HEADER_LINE.match(head) and (head.lower().startswith(b"from:") or b"\nfrom:" in head.lower()):
        return "eml"
    suffixes = sorted({s for importer in IMPORTERS.values() for s in importer.suffixes})
    raise IngestError(
        f"{path}: cannot read this kind of file; expected {', '.join(suffixes)} or a Maildir folder"
        " (remove it or pass the other files one by one)"
    )


def _guarded(call: Callable[[], T], path: Path) -> T:
    """OS errors (permissions, a file vanishing mid-read) become one line for the user."""
    try:
        return call()
    except OSError as exc:
        raise IngestError(
            f"{path}: cannot read it ({exc.strerror or exc}); check that it is readable"
        ) from None
