"""The warning profile: research features and Meloy's eight warning behaviours, each with its messages.

Built from the reader's flags (with their evidence) and the correspondent-level cues in people/cues/. What
research says matters for approach is the history (many letters, several channels, other public figures,
help requests, a believed special relationship, demands, a stated intention to meet), not threatening
words alone (../shared/TAXONOMY.md, last section).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from stagedoor.domain import Category, Channel, Severity
from stagedoor.people import cues, timeline
from stagedoor.people.history import HistoryItem

FEATURES: dict[str, str] = {
    "other_figures": "other public figures mentioned or written to",
    "help_request": "asks for help",
    "special_relationship": "fixation or a believed special relationship",
    "grievance": "grievance",
    "demand": "demands",
    "approach_intent": "stated intention to approach or meet",
    "known_location": "knows or names places (hotel, home, floor, door)",
}

BEHAVIOURS: dict[str, str] = {
    "fixation": "fixation: a growing preoccupation with the artist",
    "identification": "identification: takes on the artist's identity or casts self as their warrior",
    "leakage": "leakage: tells others or hints that something will happen",
    "pathway": "pathway: research, planning or preparation (finds the hotel, books travel, follows)",
    "energy_burst": "energy burst: many messages in a short time",
    "last_resort": "last resort: no other choice, last chance, nothing to lose",
    "novel_aggression": "novel aggression: a violent act or a weapon, new for this writer",
    "direct_threat": "directly communicated threat",
}

_FLAG_FEATURES = {
    Category.ARTIST_FIXATION: ("special_relationship",),
    Category.ARTIST_APPROACH: ("approach_intent",),
}
_FLAG_BEHAVIOURS = {
    Category.ARTIST_FIXATION: ("fixation",),
    Category.ARTIST_APPROACH: ("pathway",),
    Category.ARTIST_THREAT: ("direct_threat",),
}
_CUE_BEHAVIOURS = {
    "special_relationship": "fixation",
    "counting": "fixation",
    "identification": "identification",
    "leakage": "leakage",
    "pathway": "pathway",
    "last_resort": "last_resort",
    "novel_aggression": "novel_aggression",
}


@dataclass
class Signal:
    """One feature or behaviour: the messages that show it and a short quote from each."""

    name: str
    label: str
    message_ids: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    def add(self, message_id: str, quote: str) -> None:
        if message_id not in self.message_ids:
            self.message_ids.append(message_id)
            self.quotes.append(" ".join(quote.split()))

    @property
    def present(self) -> bool:
        return bool(self.message_ids)


@dataclass(frozen=True)
class WarningProfile:
    message_count: int
    span_days: float
    channels: dict[Channel, int]
    features: dict[str, Signal]
    behaviours: dict[str, Signal]
    flagged: dict[Category, int]
    """Messages with a flag at concern or above, per category."""

    def present(self) -> list[Signal]:
        return [s for s in (*self.features.values(), *self.behaviours.values()) if s.present]


def build(items: Sequence[HistoryItem]) -> WarningProfile:
    line = timeline.build(items)
    features = {k: Signal(k, v) for k, v in FEATURES.items()}
    behaviours = {k: Signal(k, v) for k, v in BEHAVIOURS.items()}
    flagged: dict[Category, int] = {}
    for item in items:
        for f in item.flags:
            if f.severity < Severity.CONCERN:
                continue
            flagged[f.category] = flagged.get(f.category, 0) + 1
            quote = f.evidence[0].text if f.evidence else f.category.label
            for name in _FLAG_FEATURES.get(f.category, ()):
                features[name].add(item.message_id, quote)
            for name in _FLAG_BEHAVIOURS.get(f.category, ()):
                behaviours[name].add(item.message_id, quote)
        for hit in cues.find(item.text):
            if hit.feature in features:
                features[hit.feature].add(item.message_id, hit.text)
            if behaviour := _CUE_BEHAVIOURS.get(hit.feature):
                behaviours[behaviour].add(item.message_id, hit.text)
    for burst in line.bursts:
        behaviours["energy_burst"].add(
            burst.message_ids[-1], f"{len(burst.message_ids)} messages in {_days(burst.days)}"
        )
    return WarningProfile(
        message_count=len(items),
        span_days=line.span_days,
        channels=line.per_channel,
        features=features,
        behaviours=behaviours,
        flagged=flagged,
    )


def _days(days: float) -> str:
    n = max(1, round(days))
    return "1 day" if n == 1 else f"{n} days"
