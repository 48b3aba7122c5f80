"""Load the `train and eval` sets, label them, deduplicate across sets and split by writer.

Every folder under the data dir holds `data.jsonl` (see ../shared/data/PROVENANCE.md). Only sets named in the
label map are read, so `eval only` sets never reach training. The split is a hash of the writer (or
conversation) so no writer is on both sides, and it does not depend on row order or on the other sets.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagedoor.datasets.labelmap import Labels, label_row, load_label_map, merge_labels
from stagedoor.datasets.labelmap import field as lookup

# In a checkout, the team's shared data lies beside the project root: src/stagedoor/datasets/ -> ../shared/data.
DEFAULT_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
SPLITS = ("train", "calibration", "dev")
DEV_PERCENT, CALIBRATION_PERCENT = 20, 10

_NON_WORD = re.compile(r"[\W_]+")


@dataclass
class Example:
    """One distinct text with its merged labels and every set (and original row) it came from."""

    text: str
    key: str
    lang: str
    group: str
    labels: Labels
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(self.rows)

    @property
    def split(self) -> str:
        return split_of(self.group)


def normalise(text: str) -> str:
    """The dedup key: entities unescaped, accents and case folded, punctuation and spacing collapsed."""
    decomposed = unicodedata.normalize("NFKD", html.unescape(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NON_WORD.sub(" ", bare).strip() or text.strip()


def split_of(group: str) -> str:
    """A stable 70/10/20 train/calibration/dev assignment from the group's sha256."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % 100
    if bucket < DEV_PERCENT:
        return "dev"
    return "calibration" if bucket < DEV_PERCENT + CALIBRATION_PERCENT else "train"


def group_of(name: str, row: Mapping[str, Any], fields: Iterable[str], key: str) -> str:
    parts = [lookup(row, f) for f in fields]
    if parts and all(p not in (None, "") for p in parts):
        return f"{name}:" + "/".join(str(p) for p in parts)
    return f"text:{key}"


def read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_set(data_dir: Path, name: str, entry: Mapping[str, Any]) -> list[Example]:
    """One dataset's rows as labelled examples (not yet deduplicated)."""
    path = data_dir / entry["folder"] / "data.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{name}: {path} is missing (pass --data DIR)")
    out = []
    for row in read_jsonl(path):
        if row.get("source") != entry["source"]:
            raise ValueError(
                f"{name}: row {row.get('id')} has source {row.get('source')!r}, not {entry['source']!r}"
            )
        text = (row.get("text") or "").strip()
        if not text:
            continue
        key = normalise(text)
        group = group_of(name, row, entry["group"], key)
        labels = label_row(row, entry)
        out.append(
            Example(
                text, key, row.get("lang") or "en", group, labels, {name: row}, dict(entry.get("weights", {}))
            )
        )
    return out


def deduplicate(examples: Iterable[Example]) -> list[Example]:
    """Merge examples with the same normalised text; the first one seen keeps its text and group."""
    merged: dict[str, Example] = {}
    for ex in examples:
        first = merged.get(ex.key)
        if first is None:
            merged[ex.key] = Example(
                ex.text, ex.key, ex.lang, ex.group, dict(ex.labels), dict(ex.rows), dict(ex.weights)
            )
            continue
        first.labels = merge_labels(first.labels, ex.labels)
        for category, weight in ex.weights.items():
            first.weights[category] = max(weight, first.weights.get(category, 1.0))
        for name, row in ex.rows.items():
            first.rows.setdefault(name, row)
        if first.group.startswith("text:") and not ex.group.startswith("text:"):
            first.group = ex.group
    return list(merged.values())


def load_examples(data_dir: Path = DEFAULT_DATA, label_map: Mapping[str, Any] | None = None) -> list[Example]:
    """Every mapped set, labelled, deduplicated; sets are read in name order so the result is stable."""
    spec = label_map if label_map is not None else load_label_map()
    rows: list[Example] = []
    for name in sorted(spec["datasets"]):
        rows.extend(read_set(data_dir, name, spec["datasets"][name]))
    return deduplicate(rows)


def counts(examples: Iterable[Example]) -> dict[str, dict[str, int]]:
    """Rows per set and split (a merged text counts for each set it came from)."""
    table: dict[str, dict[str, int]] = {}
    for ex in examples:
        for name in ex.sets:
            per = table.setdefault(name, dict.fromkeys(SPLITS, 0))
            per[ex.split] += 1
    return {name: table[name] for name in sorted(table)}
