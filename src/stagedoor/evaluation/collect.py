"""Rows in, scored units out: parse the files, leave out trained rows, read, and group writers.

A unit is what one figure counts: a message, or a writer (all their rows, score = max over them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagedoor import jsonview
from stagedoor.domain import Severity
from stagedoor.evaluation.mapping import CATEGORIES, EvalMapping, EvaluationError
from stagedoor.evaluation.mapping import Entry as MappingEntry

ROUTING = Severity.CONCERN  # a flag at concern or above routes the message: the predicted positive
STAGEDOOR, BASELINE = "stagedoor", "baseline"


@dataclass
class Scores:
    """One system's view of a unit: score and routed flag per category (absent = no model for it)."""

    score: dict[str, float]
    flagged: dict[str, bool]

    @property
    def any_flag(self) -> bool:
        return any(self.flagged.values())

    def merge(self, other: Scores) -> Scores:
        keys = self.score.keys() | other.score.keys()
        return Scores(
            {k: max(self.score.get(k, 0.0), other.score.get(k, 0.0)) for k in keys},
            {k: self.flagged.get(k, False) or other.flagged.get(k, False) for k in keys},
        )


@dataclass
class Unit:
    group: str
    source: str
    lang: str
    truth: dict[str, int | None]
    benign: bool
    systems: dict[str, Scores] = field(default_factory=dict)

    def merge(self, other: Unit) -> Unit:
        truth = {}
        for c in self.truth.keys() | other.truth.keys():
            known = [v for v in (self.truth.get(c), other.truth.get(c)) if v is not None]
            truth[c] = max(known) if known else None
        systems = {k: s.merge(other.systems[k]) for k, s in self.systems.items() if k in other.systems}
        return Unit(self.group, self.source, self.lang, truth, self.benign and other.benign, systems)


@dataclass
class FileRows:
    """One input file after leaving out trained rows: what is read, and what was left out and why."""

    path: Path
    rows: list[dict[str, Any]]
    read: int = 0
    left_out_seen: int = 0
    left_out_training: int = 0


def parse_file(path: Path, mapping: EvalMapping) -> list[dict[str, Any]]:
    """Every row, with its source checked against the mapping before anything slow starts."""
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = jsonview.text_row(line)
            except ValueError as exc:
                raise EvaluationError(f"{path}:{number}: {exc}") from None
            mapping.entry(row.get("source"))
            rows.append(row)
    return rows


def select(
    path: Path,
    rows: list[dict[str, Any]],
    seen: Callable[[str], bool],
    trained: Callable[[str], bool],
    limit: int | None,
) -> FileRows:
    """Leave out rows the shipped models (or the baseline) were trained on, then keep the first `limit`."""
    out = FileRows(path, [], read=len(rows))
    for row in rows:
        if seen(row["text"]):
            out.left_out_seen += 1
        elif trained(row["text"]):
            out.left_out_training += 1
        elif limit is None or len(out.rows) < limit:
            out.rows.append(row)
    return out


def stagedoor_scores(reading: Mapping[str, Any]) -> Scores:
    """Score = the reading's score for the category (its calibrated probability, flagged or not), else the
    max score of its flags; routed = a flag at concern or above."""
    scores = Scores(dict.fromkeys(CATEGORIES, 0.0), dict.fromkeys(CATEGORIES, False))
    for category, value in (reading.get("scores") or {}).items():
        scores.score[category] = float(value)
    for flag in reading.get("flags", []):
        category = flag["category"]
        scores.score[category] = max(scores.score.get(category, 0.0), float(flag["score"]))
        routed = Severity(flag["severity"]) >= ROUTING
        scores.flagged[category] = scores.flagged.get(category, False) or routed
    return scores


def message_unit(group: str, row: Mapping[str, Any], entry: MappingEntry, reading: Mapping[str, Any]) -> Unit:
    lang = row.get("lang") or reading.get("lang") or "?"
    unit = Unit(group, entry.source, str(lang), entry.truth(row), entry.benign(row))
    unit.systems[STAGEDOOR] = stagedoor_scores(reading)
    return unit


def to_units(keyed: Iterable[tuple[str | None, Unit]]) -> list[Unit]:
    """Message units stay as they are; units sharing a writer key merge into one, in first-seen order."""
    out: list[Unit] = []
    writers: dict[tuple[str, str], int] = {}
    for writer, unit in keyed:
        if writer is None:
            out.append(unit)
            continue
        key = (unit.group, writer)
        if key in writers:
            out[writers[key]] = out[writers[key]].merge(unit)
        else:
            writers[key] = len(out)
            out.append(unit)
    return out
