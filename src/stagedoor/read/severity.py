"""Stage 7: merge the hits that stood into one flag per category, with severity, score, evidence and reason.

Several hits in one category make one flag: the analyst reads one line per danger, with every span that
raised it. Severity is the strongest hit's, made `imminent` when a plan (time, place, means, weapon) stands
near a hit at `concern` or above; the plan's words join the evidence. The score grows with the number of
distinct signs. Set-aside hits become `suppressed` flags, one per category and reason, score 0.
"""

from __future__ import annotations

from collections import defaultdict

from stagedoor.domain import Category, Evidence, Flag, Severity
from stagedoor.read.normalise import Normalised
from stagedoor.read.patterns import HITS_PER_CATEGORY, Hit
from stagedoor.read.plans import ESCALATES_FROM, KIND_WORDS, PLANS_PER_FLAG, Plan, PlanIndex

BASE_SCORE = {Severity.LOW: 0.3, Severity.CONCERN: 0.55, Severity.URGENT: 0.75, Severity.IMMINENT: 0.9}
PER_EXTRA_SIGN = 0.05


def build_flags(
    norm: Normalised, judged: tuple[Hit, ...], plans: tuple[Plan, ...]
) -> tuple[tuple[Flag, ...], tuple[Flag, ...]]:
    """(flags, suppressed), each in taxonomy order."""
    standing: dict[Category, list[Hit]] = defaultdict(list)
    dismissed: dict[tuple[Category, str], list[Hit]] = defaultdict(list)
    for hit in judged:
        if hit.dismissed:
            dismissed[(hit.entry.category, hit.dismissed)].append(hit)
        else:
            standing[hit.entry.category].append(hit)
    index = PlanIndex.build(norm, plans)
    flags = tuple(_flag(norm, c, standing[c], index) for c in Category if c in standing)
    suppressed = tuple(
        _suppressed(norm, c, why, hits)
        for c in Category
        for (cat, why), hits in dismissed.items()
        if cat is c
    )
    return flags, suppressed


def hit_severity(hit: Hit) -> Severity:
    return Severity.LOW if hit.downgraded else hit.entry.severity


def _flag(norm: Normalised, category: Category, hits: list[Hit], plans: PlanIndex) -> Flag:
    strongest = max(hits, key=lambda h: hit_severity(h).rank)
    severity = hit_severity(strongest)
    near: dict[Plan, None] = {}
    for hit in hits:
        if hit_severity(hit) >= ESCALATES_FROM and len(near) < PLANS_PER_FLAG:
            near.update(dict.fromkeys(plans.near(norm, hit.entry, hit.start, PLANS_PER_FLAG)))
    used = list(near)[:PLANS_PER_FLAG]
    if used:
        severity = Severity.IMMINENT
    rules = list(dict.fromkeys([h.entry.id for h in hits] + [p.cue_id for p in used]))
    signs = len({h.entry.id for h in hits}) + len({p.kind for p in used})
    score = min(1.0, BASE_SCORE[severity] + PER_EXTRA_SIGN * (signs - 1))
    spans = [(h.start, h.end) for h in hits] + [(p.start, p.end) for p in used]
    return Flag(
        category,
        severity,
        round(score, 4),
        _evidence(norm, spans),
        _reason(norm, strongest, used) + _unread(hits),
        ",".join(rules),
    )


def _unread(hits: list[Hit]) -> str:
    """What the reading budget left unread, said where the analyst looks: the flag's reason."""
    unread = sum(h.unread for h in hits)
    if not unread:
        return ""
    return (
        f" Only the first {HITS_PER_CATEGORY} matches were read in context; {unread:,} more were not:"
        " read the whole message."
    )


def _suppressed(norm: Normalised, category: Category, why: str, hits: list[Hit]) -> Flag:
    strongest = max(hits, key=lambda h: h.entry.severity.rank)
    rules = ",".join(dict.fromkeys(h.entry.id for h in hits))
    reason = f"Not flagged ({why}): {strongest.entry.reason}"
    return Flag(
        category,
        strongest.entry.severity,
        0.0,
        _evidence(norm, [(h.start, h.end) for h in hits]),
        reason,
        rules,
    )


def _reason(norm: Normalised, strongest: Hit, plans: list[Plan]) -> str:
    reason = strongest.entry.reason.rstrip(".")
    if plans:
        named = ", ".join(
            f"{KIND_WORDS[p.kind]} (\u201c{norm.evidence(p.start, p.end).text}\u201d)" for p in plans[:3]
        )
        return f"{reason}, and names {named}."
    if strongest.downgraded:
        return f"{reason} ({strongest.downgraded}, so low)."
    return f"{reason}."


def _evidence(norm: Normalised, spans: list[tuple[int, int]]) -> tuple[Evidence, ...]:
    """Overlapping or touching spans merged, mapped to the original text, in reading order."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(norm.evidence(start, end) for start, end in merged)
