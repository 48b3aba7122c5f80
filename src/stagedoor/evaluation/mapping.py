"""The evaluation mapping (eval/mapping.json): each dataset `source` -> truth for our categories.

Truth is data, not code: the rules use the label map's grammar (`stagedoor.datasets.labelmap`), so a
reviewer can check what counts as a positive without reading Python. The file's `about` entry says how.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagedoor.datasets.labelmap import apply_category, label_row
from stagedoor.datasets.labelmap import field as lookup
from stagedoor.domain import Category

CATEGORIES = tuple(c.value for c in Category)
LEVELS = ("message", "writer")
KINDS = ("rules", "categories")
TARGET_METRICS = ("f1", "auroc", "recall", "precision", "false_alarm")
# The own-set entry (kind "categories") marks its benign rows with labels.trap, as eval/README.md describes.
TRAP_FIELD = "labels.trap"


class EvaluationError(ValueError):
    """Something the user can fix (a bad file, an unknown source); shown as one line."""


def default_mapping_path() -> Path:
    """eval/mapping.json of the checkout: src/stagedoor/evaluation/ -> the project root."""
    return Path(__file__).resolve().parents[3] / "eval" / "mapping.json"


@dataclass(frozen=True)
class Target:
    """A goal from the issue: `metric` of `category` on this source must reach `goal` (`max` for false alarms)."""

    name: str
    category: str
    metric: str
    goal: float
    at_precision: float | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.metric == "false_alarm"


@dataclass(frozen=True)
class Entry:
    """How one dataset's rows become truth: categories, benign rows, level."""

    source: str
    kind: str
    level: str
    spec: Mapping[str, Any]
    group_by: str | None = None
    targets: tuple[Target, ...] = field(default_factory=tuple)

    @property
    def categories(self) -> tuple[str, ...]:
        if self.kind == "categories":
            return CATEGORIES
        named = set(self.spec.get("categories", {})) | set(self.spec.get("negative_for", []))
        return tuple(c for c in CATEGORIES if c in named)

    def truth(self, row: Mapping[str, Any]) -> dict[str, int | None]:
        """Category -> 1, 0 or None (not scored) for one row."""
        if self.kind == "categories":
            present = lookup(row, "labels." + self.spec.get("field", "categories")) or []
            return {c: int(c in present) for c in CATEGORIES}
        return label_row(row, {"negative_for": [], "categories": {}, **self.spec})

    def benign(self, row: Mapping[str, Any]) -> bool:
        """A row of plain, harmless mail: any flag at concern or above on it is a false alarm."""
        if self.kind == "categories" and "benign" not in self.spec:
            return lookup(row, TRAP_FIELD) not in (None, "")
        rule = self.spec.get("benign")
        return isinstance(rule, Mapping) and apply_category(row, rule) == 1

    def writer(self, row: Mapping[str, Any]) -> str | None:
        value = lookup(row, self.group_by) if self.group_by else None
        return None if value in (None, "") else str(value)


def _target(source: str, raw: Mapping[str, Any]) -> Target:
    metric = raw.get("metric")
    if metric not in TARGET_METRICS:
        raise EvaluationError(f"{source}: target metric {metric!r} is not one of {', '.join(TARGET_METRICS)}")
    goal = raw.get("max") if metric == "false_alarm" else raw.get("min")
    if not isinstance(goal, int | float):
        raise EvaluationError(
            f"{source}: target {metric} needs a number in {'max' if metric == 'false_alarm' else 'min'}"
        )
    category = raw.get("category", "*")
    return Target(
        raw.get("name", f"{source} {category} {metric}"),
        category,
        metric,
        float(goal),
        raw.get("at_precision"),
    )


def _entry(source: str, raw: Mapping[str, Any]) -> Entry:
    kind = raw.get("kind", "rules")
    level = raw.get("level", "message")
    if kind not in KINDS or level not in LEVELS:
        raise EvaluationError(f"{source}: kind must be one of {KINDS} and level one of {LEVELS}")
    if level == "writer" and not raw.get("group_by"):
        raise EvaluationError(f'{source}: a writer-level entry needs `group_by` (e.g. "author")')
    unknown = (set(raw.get("categories", {})) | set(raw.get("negative_for", []))) - set(CATEGORIES)
    if unknown:
        raise EvaluationError(f"{source}: unknown categories {sorted(unknown)}")
    targets = tuple(_target(source, t) for t in raw.get("targets", []))
    return Entry(source, kind, level, raw, raw.get("group_by"), targets)


@dataclass(frozen=True)
class EvalMapping:
    path: Path
    entries: Mapping[str, Entry]

    def entry(self, source: object) -> Entry:
        if not isinstance(source, str) or source not in self.entries:
            raise EvaluationError(
                f"source {source!r} has no entry in the mapping file {self.path}; add one (see its `about`)"
            )
        return self.entries[source]


def load_mapping(path: Path | None = None) -> EvalMapping:
    """Read and check the mapping; every problem is one EvaluationError line."""
    path = path or default_mapping_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationError(f"mapping file {path} not found (pass --mapping PATH)") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"mapping file {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise EvaluationError(f"mapping file {path}: expected a JSON object of source -> entry")
    entries = {k: _entry(k, v) for k, v in raw.items() if k != "about"}
    return EvalMapping(path, entries)
