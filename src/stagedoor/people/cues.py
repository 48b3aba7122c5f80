"""Correspondent-level cue lexicons (EN and FR, JSON data in people/cues/): what the research features and
Meloy's warning behaviours look like in a letter, beyond the reader's per-message flags.

Both languages run on every message (fans switch mid-letter), on folded text: lower case, accents and
punctuation removed, so "J'ai réservé" and "j ai reserve" match the same pattern.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from stagedoor.people.identity import fold_with_offsets

CUES_DIR = Path(__file__).parent / "cues"
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Cue:
    feature: str
    lang: str
    pattern: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class Hit:
    feature: str
    text: str
    """The matched words as the writer wrote them."""


@cache
def load_cues() -> tuple[Cue, ...]:
    cues = []
    for lang in LANGUAGES:
        data = json.loads((CUES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
        for feature, entries in data["cues"].items():
            for entry in entries:
                cues.append(Cue(feature, lang, re.compile(entry["pattern"]), entry["example"]))
    return tuple(cues)


@lru_cache(maxsize=8192)
def find(text: str) -> tuple[Hit, ...]:
    """Every cue hit in a message, first match per pattern, in feature order (cached: a streaming
    decision re-reads the same history after each new message)."""
    folded, where = fold_with_offsets(text)
    hits = []
    for cue in load_cues():
        if m := cue.pattern.search(folded):
            start, end = where[m.start()], where[m.end() - 1] + 1
            hits.append(Hit(cue.feature, text[start:end]))
    return tuple(hits)
