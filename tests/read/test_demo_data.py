"""The bundled synthetic mailbox, read straight from its files: every label holds.

Concerning messages raise every expected category at concern or above (imminent when labelled so);
benign messages and traps (hyperbole, quoted lyrics, negations, other people's stories, criticism,
requests) raise nothing above low.
"""

from __future__ import annotations

import csv
import html
import json
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from stagedoor.domain import Severity
from stagedoor.read import Reader, ReaderContext, load_lyrics

DEMO = Path(__file__).resolve().parents[2] / "src" / "stagedoor" / "demo_data"
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z -]*:\s")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Sample:
    source: str
    key: str
    text: str
    label: dict[str, Any]


def samples() -> list[Sample]:
    texts = {**dict(_mbox()), **dict(_dms()), **dict(_letters())}
    labels = [
        json.loads(line)
        for line in (DEMO / "expected.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    return [Sample(lab["source"], lab["key"], texts[(lab["source"], lab["key"])], lab) for lab in labels]


def lyrics_path() -> Path:
    return DEMO / "lyrics.txt"


def _mbox() -> Iterator[tuple[tuple[str, str], str]]:
    for message in mailbox.mbox(DEMO / "mailbox.mbox"):
        yield ("mailbox.mbox", str(message["Message-ID"]).strip()), _body(message)


def _body(message: Message) -> str:
    plain, markup = [], []
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        (plain if part.get_content_subtype() == "plain" else markup).append(text)
    if plain:
        return "\n".join(plain)
    return html.unescape(_TAG.sub(" ", "\n".join(markup)))


def _dms() -> Iterator[tuple[tuple[str, str], str]]:
    with (DEMO / "dms.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield ("dms.csv", row["id"]), row["text"]


def _letters() -> Iterator[tuple[tuple[str, str], str]]:
    for path in sorted((DEMO / "letters").glob("*.txt")):
        yield (f"letters/{path.name}", path.name), _letter_body(path.read_text(encoding="utf-8"))


def _letter_body(text: str) -> str:
    """Skip the header block (Key: value lines up to the first blank line) when there is one."""
    head, sep, body = text.partition("\n\n")
    if sep and all(_HEADER_LINE.match(line) for line in head.splitlines() if line.strip()):
        return body
    return text


SAMPLES = samples()
READER = Reader(ReaderContext(lyrics=load_lyrics(lyrics_path())))


def test_the_corpus_is_all_there() -> None:
    assert len(SAMPLES) == 151
    assert {s.label["kind"] for s in SAMPLES} == {"benign", "trap", "concern"}


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.label["kind"] == "concern"], ids=lambda s: s.key)
def test_concerning_messages_are_flagged_in_the_right_categories(sample: Sample) -> None:
    reading = READER.read_text(sample.text, sample.key)
    found = {f.category.value: f.severity for f in reading.flags}
    for category in sample.label["categories"]:
        assert found.get(category, Severity.NONE) >= Severity.CONCERN, (category, found)
    assert (reading.severity == Severity.IMMINENT) == sample.label["imminent"], found
    assert reading.language == sample.label["lang"]


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.label["kind"] != "concern"], ids=lambda s: s.key)
def test_benign_messages_and_traps_stay_at_low_or_below(sample: Sample) -> None:
    reading = READER.read_text(sample.text, sample.key)
    assert reading.severity <= Severity.LOW, [
        (f.category.value, f.severity.value, f.evidence) for f in reading.flags
    ]
    assert reading.language == sample.label["lang"]
