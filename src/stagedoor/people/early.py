"""Early risk detection over a stream of posts, and the CLEF eRisk measures that score it.

The decision after each post uses only the posts so far: alert ("at risk") as soon as the reader flags
suicidal content at `concern` or above, or once `repeats` posts have a suicide score of at least `score`;
a writer never alerted is decided "not at risk" after their last post. ERDE (Losada & Crestani 2016) charges
a late true alert by its delay; F-latency (Sadeque, Xu & Bethard 2018) multiplies F1 by a speed factor.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from stagedoor.domain import Severity

ERISK_P = 0.0078
"""The eRisk penalty constant (2019 onwards): a true alert after 142 posts loses half its speed."""


@dataclass(frozen=True)
class Post:
    severity: Severity
    """The reader's severity for writer.suicide on this post (NONE when no flag)."""
    score: float
    """The reader's writer.suicide score for this post."""


@dataclass(frozen=True)
class Rule:
    name: str
    flag_at: Severity = Severity.CONCERN
    score: float = 0.5
    repeats: int = 2


DEFAULT_RULE = Rule("flag at concern, or two posts scoring 0.5")
RULES = (
    DEFAULT_RULE,
    Rule("flag at concern only", repeats=10**9),
    Rule("flag at urgent, or three posts scoring 0.5", flag_at=Severity.URGENT, repeats=3),
)


@dataclass(frozen=True)
class Decision:
    at_risk: bool
    posts: int
    """How many posts were read when the decision was made (1-based)."""


def decide(posts: Sequence[Post], rule: Rule = DEFAULT_RULE) -> Decision:
    high = 0
    for k, post in enumerate(posts, start=1):
        high += post.score >= rule.score
        if post.severity >= rule.flag_at or high >= rule.repeats:
            return Decision(True, k)
    return Decision(False, len(posts))


def erde(decisions: Sequence[Decision], truth: Sequence[bool], o: int) -> float:
    """Mean ERDE_o: c_fp is the share of positive writers, c_fn 1, a true alert after k posts costs lc_o(k)."""
    c_fp = sum(truth) / len(truth)
    total = 0.0
    for d, t in zip(decisions, truth, strict=True):
        if d.at_risk and t:
            total += 1 - 1 / (1 + math.exp(min(50.0, d.posts - o)))
        elif d.at_risk:
            total += c_fp
        elif t:
            total += 1.0
    return total / len(truth)


def prf(decisions: Sequence[Decision], truth: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(d.at_risk and t for d, t in zip(decisions, truth, strict=True))
    fp = sum(d.at_risk and not t for d, t in zip(decisions, truth, strict=True))
    fn = sum(not d.at_risk and t for d, t in zip(decisions, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def f_latency(decisions: Sequence[Decision], truth: Sequence[bool], p: float = ERISK_P) -> float:
    """F1 x speed, speed = 1 - median over true alerts of penalty(k) = -1 + 2 / (1 + e^(-p (k - 1)))."""
    f1 = prf(decisions, truth)[2]
    delays = [d.posts for d, t in zip(decisions, truth, strict=True) if d.at_risk and t]
    if not delays:
        return 0.0
    penalty = statistics.median(-1 + 2 / (1 + math.exp(-p * (k - 1))) for k in delays)
    return f1 * (1 - penalty)


def median_posts(decisions: Sequence[Decision]) -> float:
    """Median posts read before an alert (positive decisions only; 0 when there is none)."""
    alerts = [d.posts for d in decisions if d.at_risk]
    return float(statistics.median(alerts)) if alerts else 0.0
