"""The label map (training/label_map.json): each dataset's own labels -> Stagedoor categories.

The rules are data, not code, so the mapping can be read and reviewed without Python; this module only
applies them. Its grammar is described in the file's own `about` entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LABEL_MAP = Path(__file__).resolve().parent / "label_map.json"
UNCERTAIN = None  # an explicit "not used for this category" from a rule

Labels = dict[str, int | None]


def load_label_map(path: Path = LABEL_MAP) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in spec["datasets"].items():
        if entry["use"] != "train and eval":
            raise ValueError(
                f"{name}: only `train and eval` sets may train shipped models, not {entry['use']!r}"
            )
        if name in spec["excluded"]:
            raise ValueError(f"{name} is both mapped and excluded")
        named = set(entry["categories"]) | set(entry["negative_for"]) | set(entry.get("weights", {}))
        unknown = (named | set(entry.get("sentence_labels", {}))) - set(spec["modelled"])
        if unknown:
            raise ValueError(f"{name}: categories {sorted(unknown)} are not modelled")
    return spec


def field(row: Mapping[str, Any], path: str) -> Any:
    """A dotted path into a JSONL row ('labels.annotations.C1.HATE'); None when any step is missing."""
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _matches(rule: Mapping[str, Any], value: Any) -> bool:
    if value is None:
        return False
    if "in" in rule:
        return bool(value in rule["in"])
    if "any_of" in rule:
        return bool(set(value) & set(rule["any_of"]))
    if "min" in rule:
        return bool(float(value) >= rule["min"])
    if "below" in rule:
        return bool(float(value) < rule["below"])
    raise ValueError(f"rule without a test: {rule}")


def apply_category(row: Mapping[str, Any], spec: Mapping[str, Any]) -> int | None:
    for rule in spec.get("rules", []):
        if _matches(rule, field(row, rule["field"])):
            label: int | None = rule["label"]
            return label
    default: int | None = spec.get("else")
    return default


def label_row(row: Mapping[str, Any], entry: Mapping[str, Any]) -> Labels:
    """Category -> 1, 0 or None (uncertain) for one row; categories the set does not inform are absent."""
    labels: Labels = dict.fromkeys(entry["negative_for"], 0)
    for category, spec in entry["categories"].items():
        labels[category] = apply_category(row, spec)
    return labels


def merge_labels(a: Labels, b: Labels) -> Labels:
    """Combine the labels two sets give one text: a positive wins, then an explicit uncertain, then 0."""
    merged = dict(a)
    for category, value in b.items():
        if category not in merged:
            merged[category] = value
        elif merged[category] == 1 or value == 1:
            merged[category] = 1
        elif merged[category] is None or value is None:
            merged[category] = None
    return merged
