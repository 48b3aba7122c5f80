"""The dashboard's numbers, and its charts drawn on the server (matplotlib SVG: no scripts in the page)."""

from __future__ import annotations

import io
import statistics
from collections.abc import Callable
from typing import Any

from stagedoor.domain import Severity
from stagedoor.domain.staff import CaseStatus
from stagedoor.services import Desk
from stagedoor.store import stats
from stagedoor.store.cases import Cases
from stagedoor.store.mapping import now

AGE_BUCKETS = (("under 1 hour", 1), ("1-24 hours", 24), ("1-7 days", 24 * 7), ("over a week", None))


def numbers(desk: Desk) -> dict[str, Any]:
    """Everything the charts draw, as plain JSON (the page's twin)."""
    cases = Cases(desk.store).listing()
    at = now()
    ages: dict[str, int] = {name: 0 for name, _ in AGE_BUCKETS}
    for case in cases:
        if case.status is CaseStatus.CLOSED:
            continue
        hours = (at - case.opened_at).total_seconds() / 3600
        name = next(n for n, limit in AGE_BUCKETS if limit is None or hours < limit)
        ages[name] += 1
    touch: dict[str, list[float]] = {}
    for case in cases:
        if case.first_touch_at is not None:
            hours = (case.first_touch_at - case.opened_at).total_seconds() / 3600
            touch.setdefault(case.severity.value, []).append(hours)
    return {
        "messages": stats.message_total(desk.store),
        "volume_by_day": stats.volume_by_day(desk.store),
        "flags_by_day": stats.flags_by_day(desk.store),
        "open_cases_by_age": ages,
        "overdue_cases": sum(1 for c in cases if c.overdue(at)),
        "first_touch_hours": {
            s.value: {
                "cases": len(touch[s.value]),
                "median": round(statistics.median(touch[s.value]), 3),
                "max": round(max(touch[s.value]), 3),
            }
            for s in reversed(Severity)
            if s.value in touch
        },
    }


def _frame(ax: Any, title: str, empty: bool, integer: bool = True) -> None:
    """Counts start at zero on whole numbers; an empty chart says so instead of drawing bare axes."""
    from matplotlib.ticker import MaxNLocator

    ax.set_title(title)
    ax.set_ylim(bottom=0)
    if integer:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if empty:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, "nothing yet", transform=ax.transAxes, ha="center", va="center", color="#55565c")


def _stacked(ax: Any, by_day: dict[str, dict[str, int]], title: str) -> None:
    days = list(by_day)
    series = sorted({k for counts in by_day.values() for k in counts})
    bottom = [0] * len(days)
    for name in series:
        values = [by_day[d].get(name, 0) for d in days]
        ax.bar(days, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    _frame(ax, title, not series)
    if series:
        ax.legend(fontsize=7)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)


def _bars(ax: Any, values: dict[str, float], title: str, ylabel: str) -> None:
    ax.bar(list(values), list(values.values()), color="#7a0010")
    counts = ylabel == "cases"
    _frame(ax, title, not values or (counts and not any(values.values())), integer=counts)
    ax.set_ylabel(ylabel)


CHARTS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "volume": lambda ax, n: _stacked(ax, n["volume_by_day"], "Messages per day, by channel"),
    "flags": lambda ax, n: _stacked(ax, n["flags_by_day"], "Flags per day, by category"),
    "case-age": lambda ax, n: _bars(ax, n["open_cases_by_age"], "Open cases by age", "cases"),
    "first-touch": lambda ax, n: _bars(
        ax,
        {k: v["median"] for k, v in n["first_touch_hours"].items()},
        "Time to first touch (median), by severity",
        "hours",
    ),
}


def chart_svg(desk: Desk, name: str) -> bytes:
    """One chart as SVG (the Agg-free SVG backend: no display, no fonts downloaded)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    CHARTS[name](figure.subplots(), numbers(desk))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
