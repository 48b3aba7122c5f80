"""Escalation: a correspondent-level concern score and level (`none` .. `imminent`) with plain reasons.

An early-warning decision over a stream: `assess(history)` looks only at the messages it is given, and
`stream(history)` gives the decision after each message using only the messages so far, so the level a
desk sees on any day is the level it would have seen then. Points follow the research in TAXONOMY.md:
history, channels, fixation, grievance, demands, approach and pathway weigh more than threatening words.
Points alone reach `urgent` at most: `imminent` is the reader's call on a recent message (a stated plan
with a time, place or means), as TAXONOMY.md defines it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stagedoor.domain import Category, Flag, Severity, Side
from stagedoor.people import profile as profiles
from stagedoor.people import timeline
from stagedoor.people.history import HistoryItem

RECENT = 3
MAX_NEW = 2
"""The reader's own severity counts for the last few messages: an old imminent plan is history, not now."""

POINTS: dict[str, int] = {
    "special_relationship": 2,
    "grievance": 1,
    "demand": 1,
    "other_figures": 1,
    "help_request": 1,
    "approach_intent": 3,
    "known_location": 2,
    "identification": 2,
    "leakage": 1,
    "pathway": 2,
    "energy_burst": 2,
    "last_resort": 2,
    "novel_aggression": 3,
    "direct_threat": 1,
}
LEVELS = ((7, Severity.URGENT), (4, Severity.CONCERN), (1, Severity.LOW))
_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


@dataclass(frozen=True)
class Assessment:
    level: Severity
    score: float
    reasons: tuple[str, ...]
    message_count: int
    headline: str = ""
    """What changed with the latest message, for an alert: 'three letters in five days, now names the hotel'."""
    artist_level: Severity = Severity.NONE
    writer_level: Severity = Severity.NONE


@dataclass(frozen=True)
class Step:
    message_id: str
    assessment: Assessment


def assess(items: Sequence[HistoryItem]) -> Assessment:
    if not items:
        return Assessment(Severity.NONE, 0.0, (), 0)
    p = profiles.build(items)
    score, reasons = _history_points(p)
    for name, signal in (*p.features.items(), *p.behaviours.items()):
        if (
            signal.present
            and name in POINTS
            and not (name == "fixation" and p.features["special_relationship"].present)
        ):
            weight = POINTS[name] + (1 if len(signal.message_ids) >= 3 and POINTS[name] >= 2 else 0)
            score += weight
            reasons.append(_reason(signal))
    artist = _from_score(score)
    recent = items[-RECENT:]
    floor = _side_max(recent, Side.ARTIST)
    if floor > artist:
        artist = floor
        reasons.append(f"a recent message was read at {floor.value} on the artist side")
    if _close_in(p, items) and artist < Severity.URGENT:
        artist = Severity.URGENT
        reasons.append("in the latest messages: a stated visit, a known place and preparation together")
    writer, writer_reasons = _writer_level(items)
    level = max(artist, writer, key=lambda s: s.rank)
    return Assessment(
        level,
        float(score),
        tuple(reasons + writer_reasons),
        len(items),
        headline(items, p),
        artist,
        writer,
    )


def stream(items: Sequence[HistoryItem]) -> list[Step]:
    """The decision after each message, from the messages so far only."""
    return [Step(items[i].message_id, assess(items[: i + 1])) for i in range(len(items))]


def first_reaching(steps: Sequence[Step], level: Severity) -> int | None:
    """Index of the first message after which the level reached `level`, or None."""
    return next((i for i, s in enumerate(steps) if s.assessment.level >= level), None)


def rises(steps: Sequence[Step], since: Severity = Severity.NONE) -> list[tuple[Severity, Step]]:
    """Each new high (from the level before it) above `since`: the alerts a desk would have raised."""
    out, high = [], since
    for step in steps:
        if step.assessment.level > high:
            out.append((high, step))
            high = step.assessment.level
    return out


def alert_text(name: str, before: Severity, after: Assessment) -> str:
    tail = f": {after.headline}" if after.headline else ""
    return f"Correspondent {name} rose from {before.value} to {after.level.value}{tail}"


def headline(items: Sequence[HistoryItem], p: profiles.WarningProfile | None = None) -> str:
    """Recent pace and what the latest message adds that earlier ones did not."""
    p = p or profiles.build(items)
    parts = []
    line = timeline.build(items)
    if line.bursts and items[-1].message_id in line.bursts[-1].message_ids:
        burst = line.bursts[-1]
        noun = _noun(items, burst.message_ids)
        parts.append(f"{_word(len(burst.message_ids))} {noun} in {_word(max(1, round(burst.days)))} days")
    latest = items[-1].message_id
    news = [
        _NEW[s.name].format(" ".join(s.quotes[0].split()))
        for s in (*p.features.values(), *p.behaviours.values())
        if s.message_ids and s.message_ids[0] == latest and s.name in _NEW
    ]
    if not news and (top := _top_flag(items[-1])) is not None:
        quote = " ".join(top.evidence[0].text.split()) if top.evidence else top.category.label
        news.append(f"the latest message reads {top.category.label} at {top.severity.value} (“{quote}”)")
    return ", ".join(parts + list(dict.fromkeys(news))[:MAX_NEW])


def _top_flag(item: HistoryItem) -> Flag | None:
    flags = [f for f in item.flags if f.severity >= Severity.CONCERN]
    return max(flags, key=lambda f: (f.severity.rank, f.score), default=None)


_NEW = {
    "known_location": "now names a place (“{}”)",
    "approach_intent": "now says they will come (“{}”)",
    "pathway": "now shows preparation (“{}”)",
    "last_resort": "now speaks of a last resort (“{}”)",
    "direct_threat": "now threatens (“{}”)",
    "novel_aggression": "now reports violence or a weapon (“{}”)",
    "grievance": "now voices a grievance (“{}”)",
    "demand": "now makes demands (“{}”)",
    "leakage": "now hints that something will happen (“{}”)",
    "identification": "now identifies with the artist (“{}”)",
}


def _history_points(p: profiles.WarningProfile) -> tuple[int, list[str]]:
    score, reasons = 0, []
    if p.message_count >= 4:
        score += 1 if p.message_count < 8 else 2
        reasons.append(f"{p.message_count} messages over {round(p.span_days)} days")
    if len(p.channels) >= 2:
        score += 1
        reasons.append("writes on several channels: " + ", ".join(sorted(c.value for c in p.channels)))
    return score, reasons


def _reason(signal: profiles.Signal) -> str:
    n = len(signal.message_ids)
    where = "one message" if n == 1 else f"{n} messages"
    return f"{signal.label} ({where}; “{signal.quotes[-1]}”)"


def _from_score(score: float) -> Severity:
    return next((level for least, level in LEVELS if score >= least), Severity.NONE)


def _side_max(items: Sequence[HistoryItem], side: Side) -> Severity:
    found = [f.severity for i in items for f in i.flags if f.category.side == side]
    return max(found, default=Severity.NONE, key=lambda s: s.rank)


def _close_in(p: profiles.WarningProfile, items: Sequence[HistoryItem]) -> bool:
    """Approach intent, a known place and pathway behaviour all shown within the last few messages."""
    recent = {i.message_id for i in items[-RECENT:]}
    needed = (p.features["approach_intent"], p.features["known_location"], p.behaviours["pathway"])
    return all(set(s.message_ids) & recent for s in needed)


def _writer_level(items: Sequence[HistoryItem]) -> tuple[Severity, list[str]]:
    """The welfare side: the recent reading, one step higher when risk to the writer keeps coming back."""
    level = _side_max(items[-RECENT:], Side.WRITER)
    persistent = [
        i
        for i in items
        if any(f.category.side == Side.WRITER and f.severity >= Severity.CONCERN for f in i.flags)
    ]
    reasons = []
    if level > Severity.NONE:
        reasons.append(f"risk to the writer: a recent message was read at {level.value}")
    if len(persistent) >= 3 and Severity.CONCERN <= level < Severity.IMMINENT:
        level = Severity.from_rank(level.rank + 1)
        reasons.append(f"risk to the writer keeps coming back ({len(persistent)} messages)")
    suicide = sum(1 for i in persistent if any(f.category == Category.WRITER_SUICIDE for f in i.flags))
    if suicide:
        reasons.append(f"suicidal content in {suicide} message{'s' if suicide > 1 else ''}")
    return level, reasons


def _noun(items: Sequence[HistoryItem], ids: Sequence[str]) -> str:
    channels = {i.channel.value for i in items if i.message_id in ids}
    return (
        {"letter": "letters", "email": "emails"}.get(channels.pop(), "messages")
        if len(channels) == 1
        else "messages"
    )


def _word(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)
