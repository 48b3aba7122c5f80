"""Stage 3: run the lexicons over the normalised text and collect every candidate hit.

A hit is only a candidate: the context stage may still dismiss it (hyperbole, negation, a quoted lyric,
someone else's story). Hits keep normalised offsets; offsets into the original are made at the very end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from stagedoor.domain import Category
from stagedoor.read.lexicon import Entry, Lexicon
from stagedoor.read.needles import squeeze

HITS_PER_CATEGORY = 50
"""Hits of one category read in context, per message: reading stays linear in the text however often a phrase
repeats ("I want to die " x 8,000 was 207 s of reading). A letter is far below it; the rest is counted."""


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
    unread: int = 0
    """On the one hit that stands for its category's matches past the budget: how many were not read."""


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
        return within_budget(found)


def within_budget(hits: list[Hit], per_category: int = HITS_PER_CATEGORY) -> tuple[Hit, ...]:
    """The first `per_category` hits of each category (in reading order) as they are; the rest become one hit,
    the most severe of them, that carries their number and that context does not read: it stands as written,
    and its flag tells a person what was not read."""
    by_category: dict[Category, list[int]] = defaultdict(list)
    for i, hit in enumerate(hits):
        by_category[hit.entry.category].append(i)
    if all(len(indexes) <= per_category for indexes in by_category.values()):
        return tuple(hits)
    kept: set[int] = set()
    over: list[Hit] = []
    for indexes in by_category.values():
        in_order = sorted(indexes, key=lambda i: (hits[i].start, i))
        kept.update(in_order[:per_category])
        rest = in_order[per_category:]
        if rest:
            worst = max(rest, key=lambda i: (hits[i].entry.severity.rank, -hits[i].start))
            over.append(replace(hits[worst], unread=len(rest)))
    return (*(hit for i, hit in enumerate(hits) if i in kept), *over)
