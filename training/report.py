"""Plain-text tables of dev metrics for the training log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from training.metrics import TARGETS

_KEYS = ("auroc", "auprc", "f1", "best_f1")


def _cells(metrics: Mapping[str, Any], keys: tuple[str, ...] = _KEYS) -> str:
    return "  ".join(f"{k}={metrics[k]:.3f}" if k in metrics else f"{k}=  -  " for k in keys)


def print_categories(title: str, table: Mapping[str, Mapping[str, Any]]) -> None:
    print(f"\n{title}")
    for category, m in table.items():
        print(f"  {category:20s} n={m['n']:6d} pos={m['positives']:5d}  {_cells(m)}")


def print_per_dataset(table: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
    print("\nDev metrics per dataset (merged labels)")
    for name, per in table.items():
        for category, m in per.items():
            cells = (
                _cells(m)
                if 0 < m["positives"] < m["n"]
                else f"one class only; {m['flagged']:.1%} flagged at 0.5"
            )
            print(f"  {name:38s} {category:18s} n={m['n']:5d} pos={m['positives']:5d}  {cells}")


def _target_line(m: Mapping[str, Any]) -> str:
    if "false_alarm_rate" in m:
        return f"false alarms {m['false_alarm_rate']:.3%} of {m['n']} ham comments"
    extra = ("recall_at_p50", "f1_at_that_threshold", "auroc_mean_of_posts")
    return _cells(m, ("auroc", "f1", "best_f1", *[k for k in extra if k in m]))


def print_targets(ours: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> None:
    print("\nTargets on dev (ours | baseline TF-IDF + LR)")
    for target in TARGETS:
        print(f"  {target.name} [{target.dataset}, {target.category}] goal: {target.goal}")
        print(f"      ours:     {_target_line(ours[target.name])}")
        if baseline is not None:
            print(f"      baseline: {_target_line(baseline[target.name])}")
