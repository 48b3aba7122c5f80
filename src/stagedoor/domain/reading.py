"""What the reader concluded about one message: flags with evidence and reasons, severity, routes."""

from __future__ import annotations

from dataclasses import dataclass

from stagedoor.domain.taxonomy import Category, Route, Severity


@dataclass(frozen=True)
class Evidence:
    """A span of the message text, by character offsets into Message.text (end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Flag:
    category: Category
    severity: Severity
    score: float
    evidence: tuple[Evidence, ...]
    reason: str
    rule: str = ""
    """Which lexicon entry or model produced it, for audits and tests."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"flag score must lie in 0..1, got {self.score}")
        if not self.reason:
            raise ValueError("a flag needs a plain-language reason")


@dataclass(frozen=True)
class Reading:
    message_id: str
    language: str
    flags: tuple[Flag, ...]
    severity: Severity
    routes: tuple[Route, ...]
    pipeline_version: str
    suppressed: tuple[Flag, ...] = ()
    """Candidate flags that context stages dismissed (hyperbole, lyric, negation...), kept for explanation."""
    scores: tuple[tuple[Category, float], ...] = ()
    """Every category's score, flagged or not (the calibrated probability where a model reads it)."""

    @property
    def score(self) -> float:
        return max((f.score for f in self.flags), default=0.0)

    def flags_for(self, route_side: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.category.side.value == route_side)


def overall_severity(flags: tuple[Flag, ...] | list[Flag]) -> Severity:
    return max((f.severity for f in flags), default=Severity.NONE, key=lambda s: s.rank)
