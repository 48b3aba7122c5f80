"""PNG plots a person would rather look at than read: precision-recall, reliability, targets.

matplotlib is imported and switched to the Agg backend inside each function, never when the package is
imported, so the CLI and the web start fast and never need a display.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_curve

from stagedoor.evaluation.collect import Unit
from stagedoor.evaluation.mapping import CATEGORIES
from stagedoor.evaluation.metrics import reliability

COLOURS = {"stagedoor": "#1f5fa8", "baseline": "#d9822b"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plottable(units: Sequence[Unit]) -> list[tuple[str, list[Unit]]]:
    """Categories with both classes among the units: a curve needs positives and negatives."""
    out = []
    for category in CATEGORIES:
        scored = [u for u in units if u.truth.get(category) is not None]
        positives = sum(int(u.truth[category] or 0) for u in scored)
        if 0 < positives < len(scored):
            out.append((category, scored))
    return out


def _grid(plt: Any, count: int) -> tuple[Any, list[Any]]:
    cols = min(count, 3)
    rows = (count + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 4.0 * rows), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[count:]:
        ax.set_visible(False)
    return fig, flat


Panel = Callable[[Any, str, list[Unit]], None]
"""Draws one category's panel: (axes, category, the units that have a truth for it)."""


def _panels(units: Sequence[Unit], path: Path, suptitle: str, draw: Panel) -> Path | None:
    """One panel per category with truth, three to a row, saved as one PNG (None when nothing to plot)."""
    panels = _plottable(units)
    if not panels:
        return None
    plt = _pyplot()
    fig, axes = _grid(plt, len(panels))
    for ax, (category, scored) in zip(axes, panels, strict=False):
        draw(ax, category, scored)
    fig.suptitle(suptitle)
    _save(plt, fig, path)
    return path


def _save(plt: Any, fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def pr_curves(units: Sequence[Unit], systems: Sequence[str], title: str, path: Path) -> Path | None:
    """Precision against recall per category, every system on the same axes; the dot is the routing point."""

    def draw(ax: Any, category: str, scored: list[Unit]) -> None:
        y = np.asarray([int(u.truth[category] or 0) for u in scored])
        ax.axhline(y.mean(), color="#999999", lw=0.8, ls=":", label=f"base rate {y.mean():.2f}")
        for system in systems:
            if category not in scored[0].systems[system].score:
                continue
            s = np.asarray([u.systems[system].score[category] for u in scored])
            flagged = np.asarray([u.systems[system].flagged[category] for u in scored])
            precision, recall, _ = precision_recall_curve(y, s)
            ax.step(recall, precision, where="post", color=COLOURS.get(system), label=system)
            tp = int((flagged & (y == 1)).sum())
            if flagged.any():
                ax.plot(tp / y.sum(), tp / flagged.sum(), "o", color=COLOURS.get(system))
        ax.set(title=category, xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.05))
        ax.legend(loc="lower left", fontsize=8)

    return _panels(units, path, f"{title}: precision-recall (dot = routing threshold)", draw)


def calibration(units: Sequence[Unit], systems: Sequence[str], title: str, path: Path) -> Path | None:
    """Reliability diagram per category: share positive against mean score in 10 bins (dot size = rows)."""

    def draw(ax: Any, category: str, scored: list[Unit]) -> None:
        ax.plot([0, 1], [0, 1], color="#999999", lw=0.8, ls=":", label="perfect")
        y = [int(u.truth[category] or 0) for u in scored]
        for system in systems:
            if category not in scored[0].systems[system].score:
                continue
            bins = reliability(y, [u.systems[system].score[category] for u in scored])
            xs, ys, ns = zip(*bins, strict=True)
            ax.plot(xs, ys, "-", color=COLOURS.get(system), label=system)
            ax.scatter(xs, ys, s=[12 + 60 * n / len(y) for n in ns], color=COLOURS.get(system))
        ax.set(title=category, xlabel="mean score", ylabel="share positive", xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(loc="upper left", fontsize=8)

    return _panels(units, path, f"{title}: calibration", draw)


def targets_chart(targets: Sequence[dict[str, Any]], systems: Sequence[str], path: Path) -> Path | None:
    """One bar per target and system, the goal as a black tick: pass or fail at a glance."""
    if not targets:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.75 * len(targets) * len(systems) + 1.2))
    height = 0.8 / len(systems)
    for i, target in enumerate(targets):
        for j, system in enumerate(systems):
            value = target[system]["value"]
            y = i + j * height
            ax.barh(
                y,
                value or 0.0,
                height=height * 0.9,
                color=COLOURS.get(system),
                label=system if i == 0 else None,
            )
            ax.text(
                (value or 0.0) + 0.01, y, "–" if value is None else f"{value:.3f}", va="center", fontsize=8
            )
        ax.plot([target["goal"]] * 2, [i - height / 2, i + 0.8 - height / 2], color="black", lw=2)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(targets))])
    ax.set_yticklabels(
        [
            f"{t['name']}\n({t['metric']} {'≤' if t['metric'] == 'false_alarm' else '≥'} {t['goal']:g})"
            for t in targets
        ],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Targets (black tick = goal)")
    _save(plt, fig, path)
    return path
