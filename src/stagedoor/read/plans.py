"""Plan cues: a time, a place, a method or a weapon near a hit turns a worry into an emergency.

TAXONOMY.md: `imminent` means harm may happen within hours or days, shown by a stated plan with a time,
place or means. Each cue in data/plans.json has a kind; a category takes only the kinds that make sense
for it (a pharmacy run means nothing next to a fixation, everything next to "I want to end it"), and an
entry may narrow them with its "escalate" list: knowing a hotel is not planning to be there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from stagedoor.domain import Category, Severity
from stagedoor.read.lexicon import Cue, Entry
from stagedoor.read.normalise import Normalised

PLAN_KINDS: dict[Category, dict[str, int]] = {
    Category.WRITER_SUICIDE: {"time": 1, "suicide_means": 2},
    Category.WRITER_SELF_HARM: {"time": 0},
    Category.ARTIST_THREAT: {"time": 0, "place": 0, "weapon": 2},
    Category.ARTIST_APPROACH: {"time": 0, "place": 0},
}
"""The plan kinds each category takes, with how many sentences away from the hit the cue may stand.

A writer who says "I've saved my pills. Tonight is the night." states one plan over two sentences; a date
elsewhere in a stalker's letter ("the Lyon date is on the 14th") is the concert's, not the writer's plan.
"""
KIND_WORDS = {"time": "a time", "place": "a place", "suicide_means": "a means", "weapon": "a weapon"}
ESCALATES_FROM = Severity.CONCERN
"""Only hits at this severity or above become imminent: a stage-door autograph plus a date stays low."""
PLANS_PER_FLAG = 50
"""Plan cues one flag takes as evidence: a text that repeats "tonight" 8,000 times still makes a short flag."""


@dataclass(frozen=True)
class Plan:
    kind: str
    start: int
    end: int
    """Offsets into `Normalised.text`."""
    cue_id: str


def find_plans(norm: Normalised, cues: Iterable[Cue]) -> tuple[Plan, ...]:
    """Every plan cue in the text, in order."""
    found = [Plan(c.kind, m.start(), m.end(), c.id) for c in cues for m in c.regex.finditer(norm.text)]
    return tuple(sorted(found, key=lambda p: (p.start, p.end)))


def plans_near(norm: Normalised, entry: Entry, start: int, plans: Iterable[Plan]) -> list[Plan]:
    """The plan cues that can make a hit of `entry` (starting at `start`) imminent."""
    return PlanIndex.build(norm, plans).near(norm, entry, start)


@dataclass(frozen=True)
class PlanIndex:
    """One text's plan cues with the sentence of each, built once, so each hit finds its plans by bisection
    instead of looking at every plan in the text."""

    plans: tuple[Plan, ...]
    sentences: tuple[int, ...]

    @classmethod
    def build(cls, norm: Normalised, plans: Iterable[Plan]) -> PlanIndex:
        ordered = tuple(sorted(plans, key=lambda p: (p.start, p.end)))
        return cls(ordered, tuple(norm.sentence_index(p.start) for p in ordered))

    def near(self, norm: Normalised, entry: Entry, start: int, limit: int | None = None) -> list[Plan]:
        """`plans_near`, the first `limit` of them at most."""
        reach = PLAN_KINDS.get(entry.category, {})
        kinds = reach.keys() & set(entry.escalate) if entry.escalate is not None else reach.keys()
        if not kinds:
            return []
        here = norm.sentence_index(start)
        widest = max(reach[k] for k in kinds)
        lo, hi = bisect_left(self.sentences, here - widest), bisect_right(self.sentences, here + widest)
        found = (
            p
            for p, sentence in zip(self.plans[lo:hi], self.sentences[lo:hi], strict=True)
            if p.kind in kinds and abs(sentence - here) <= reach[p.kind]
        )
        return list(islice(found, limit))
