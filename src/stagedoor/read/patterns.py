"""Stage 3: run the lexicons over the normalised text and collect every candidate hit.

A hit is only a candidate: the context stage may still dismiss it (hyperbole, negation, a quoted lyric,
someone else's story). Hits keep normalised offsets; offsets into the original are made at the very end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from stagedoor.read.lexicon import Entry, Lexicon
from stagedoor.read.needles import squeeze


@dataclass(frozen=True)
class Hit:
    entry: Entry
    start: int
    end: int
    """Offsets into `Normalised.text` (end exclusive)."""
    dismissed: str = ""
    """Why the context stage set this hit aside ("hyperbole", "negated"...); empty while it stands."""
    downgraded: str = ""
    """Why it stands at `low` only ("hypothetical", "in the past")."""


@dataclass(frozen=True)
class Matcher:
    """The lexicon entries of some languages, indexed by their required literals (needles.py).

    Needles are grouped by their first three characters: the text's set of three-character slices picks
    the groups worth a substring test, so a message costs a few dozen `in` tests, not seven hundred.
    """

    entries: tuple[Entry, ...]
    always: tuple[int, ...]
    by_trigram: dict[str, tuple[tuple[str, tuple[int, ...]], ...]]

    @classmethod
    def build(cls, lexicon: Lexicon, languages: tuple[str, ...]) -> Matcher:
        entries = tuple(e for e in lexicon.entries if e.language in languages)
        groups: dict[str, list[int]] = defaultdict(list)
        always: list[int] = []
        for i, entry in enumerate(entries):
            for needle in entry.needles:
                groups[needle].append(i)
            if not entry.needles:
                always.append(i)
        by_trigram: dict[str, list[tuple[str, tuple[int, ...]]]] = defaultdict(list)
        for needle, indexes in groups.items():
            by_trigram[needle[:3]].append((needle, tuple(indexes)))
        return cls(entries, tuple(always), {k: tuple(v) for k, v in by_trigram.items()})

    def hits(self, text: str) -> tuple[Hit, ...]:
        chosen = set(self.always)
        squeezed = squeeze(text)
        trigrams = {squeezed[i : i + 3] for i in range(len(squeezed) - 2)}
        for trigram in trigrams & self.by_trigram.keys():
            for needle, indexes in self.by_trigram[trigram]:
                if needle in squeezed:
                    chosen.update(indexes)
        found: list[Hit] = []
        for i in sorted(chosen):
            entry = self.entries[i]
            found.extend(
                Hit(entry, m.start(), m.end()) for m in entry.regex.finditer(text) if m.end() > m.start()
            )
        return tuple(found)
