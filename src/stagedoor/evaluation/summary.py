"""Units -> the figures: per category and language, per group, and the issue's targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stagedoor.evaluation.collect import Unit
from stagedoor.evaluation.mapping import CATEGORIES, Target
from stagedoor.evaluation.metrics import binary_report, false_alarm_rate

ANY = "any category"
ALL_LANGS = "all"


def _system_report(
    units: Sequence[Unit], category: str, system: str, benign: Sequence[Unit]
) -> dict[str, Any] | None:
    if any(category not in u.systems[system].score for u in [*units, *benign]):
        return None  # this system has no model for the category: "–"
    y = [int(u.truth[category] or 0) for u in units]
    report = binary_report(
        y,
        [u.systems[system].score[category] for u in units],
        [u.systems[system].flagged[category] for u in units],
    )
    report["false_alarm"] = false_alarm_rate([u.systems[system].flagged[category] for u in benign])
    return report


def _any_report(benign: Sequence[Unit], system: str) -> dict[str, Any]:
    return {"n": len(benign), "false_alarm": false_alarm_rate([u.systems[system].any_flag for u in benign])}


def category_rows(units: Sequence[Unit], systems: Sequence[str]) -> list[dict[str, Any]]:
    """One row per category with truth (and per language when there are several), then the benign row."""
    langs = sorted({u.lang for u in units})
    out = []
    for category in CATEGORIES:
        scored = [u for u in units if u.truth.get(category) is not None]
        if not scored:
            continue
        for lang in [ALL_LANGS, *langs] if len(langs) > 1 else langs:
            part = [u for u in scored if lang in (ALL_LANGS, u.lang)]
            benign = [u for u in units if u.benign and lang in (ALL_LANGS, u.lang)]
            if not part:
                continue
            row: dict[str, Any] = {"category": category, "lang": lang, "n": len(part), "benign": len(benign)}
            row["positives"] = sum(int(u.truth[category] or 0) for u in part)
            for system in systems:
                row[system] = _system_report(part, category, system, benign)
            out.append(row)
    for lang in [ALL_LANGS, *langs] if len(langs) > 1 else langs:
        benign = [u for u in units if u.benign and lang in (ALL_LANGS, u.lang)]
        if benign:
            row = {"category": ANY, "lang": lang, "n": len(benign), "benign": len(benign), "positives": 0}
            row.update({system: _any_report(benign, system) for system in systems})
            out.append(row)
    return out


def _target_value(target: Target, units: Sequence[Unit], system: str) -> dict[str, Any]:
    if target.category in ("*", ANY):
        fa = false_alarm_rate([u.systems[system].any_flag for u in units if u.benign])
        return {"value": fa, "passed": None if fa is None else fa <= target.goal}
    scored = [u for u in units if u.truth.get(target.category) is not None]
    report = _system_report(scored, target.category, system, [])
    value = None if report is None else report[target.metric]
    if value is None:
        return {"value": None, "passed": None}
    passed = value >= target.goal
    out: dict[str, Any] = {"value": value, "passed": passed}
    if target.at_precision is not None:
        assert report is not None
        precision = report["precision"]
        out["precision"] = precision
        out["passed"] = passed and precision is not None and precision >= target.at_precision
    return out


def target_rows(
    targets: Sequence[tuple[str, Target]], units: Sequence[Unit], systems: Sequence[str]
) -> list[dict[str, Any]]:
    """Each target on every unit of its source (all files, all languages)."""
    out = []
    for source, target in targets:
        mine = [u for u in units if u.source == source]
        if not mine:
            continue
        row: dict[str, Any] = {
            "name": target.name,
            "source": source,
            "category": target.category,
            "metric": target.metric,
            "goal": target.goal,
            "at_precision": target.at_precision,
            "units": len(mine),
        }
        row.update({system: _target_value(target, mine, system) for system in systems})
        out.append(row)
    return out
