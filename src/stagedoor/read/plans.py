"""Plan cues: a time, a place, a method or a weapon near a hit turns a worry into an emergency.

TAXONOMY.md: `imminent` means harm may happen within hours or days, shown by a stated plan with a time,
place or means. Each cue in data/plans.json has a kind; a category takes only the kinds that make sense
for it (a pharmacy run means nothing next to a fixation, everything next to "I want to end it"), and an
entry may narrow them with its "escalate" list: knowing a hotel is not planning to be there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    reach = PLAN_KINDS.get(entry.category, {})
    kinds = reach.keys() & set(entry.escalate) if entry.escalate is not None else reach.keys()
    if not kinds:
        return []
    here = norm.sentence_index(start)
    return [p for p in plans if p.kind in kinds and abs(norm.sentence_index(p.start) - here) <= reach[p.kind]]
