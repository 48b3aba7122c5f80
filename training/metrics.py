"""Dev metrics: per category, and the issue's per-dataset targets (read from each set's own labels)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, f1_score, precision_recall_curve, roc_auc_score

from stagedoor.datasets.corpus import Example

THRESHOLD = 0.5


@dataclass(frozen=True)
class Target:
    name: str
    dataset: str
    category: str
    goal: str
    truth: Callable[[dict[str, Any]], int]


TARGETS = (
    Target("threat_comments", "threat_youtube_hammer2019", "artist.threat", "F1 >= 0.75, AUROC >= 0.93",
           lambda row: int(row["labels"]["threat"] == 1)),
    Target("suicide_tweets", "twitter_suicidal_ideation_kaggle", "writer.suicide", "F1 >= 0.90",
           lambda row: int(row["labels"]["Sem"] == 1)),
    Target("cssrs_writers", "cssrs_reddit_500", "writer.suicide", "writer-level AUROC >= 0.80 (max over posts)",
           lambda row: int(row["labels"]["Label"] in ("Ideation", "Behavior", "Attempt"))),
    Target("benign_fan_comments", "youtube_spam_collection_uci", "*", "false alarms <= 1%",
           lambda row: int(row["labels"]["CLASS"] == 0)),
    Target("french_threats", "cyberagressionado_v2_fr", "artist.threat", "recall >= 0.70 at precision >= 0.50",
           lambda row: int(row["labels"]["VERBAL_ABUSE_majority"] == "THR")),
)  # fmt: skip


def binary_metrics(y: npt.ArrayLike, p: npt.ArrayLike, threshold: float = THRESHOLD) -> dict[str, float]:
    y_arr, p_arr = np.asarray(y), np.asarray(p)
    out: dict[str, float] = {"n": len(y_arr), "positives": int(y_arr.sum())}
    out["flagged"] = round(float((p_arr >= threshold).mean()), 4) if len(p_arr) else 0.0
    if not 0 < y_arr.sum() < len(y_arr):
        return out  # one class only: the flag rate is all there is to say
    out["auroc"] = round(float(roc_auc_score(y_arr, p_arr)), 4)
    out["auprc"] = round(float(average_precision_score(y_arr, p_arr)), 4)
    out["f1"] = round(float(f1_score(y_arr, p_arr >= threshold, zero_division=0)), 4)
    out["best_f1"] = round(_best_f1(y_arr, p_arr), 4)
    return out


def _best_f1(y: np.ndarray, p: np.ndarray) -> float:
    if y.sum() == 0:
        return 0.0
    precision, recall, _ = precision_recall_curve(y, p)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(f1.max())


def recall_at_precision(y: np.ndarray, p: np.ndarray, min_precision: float) -> float:
    if y.sum() == 0:
        return 0.0
    precision, recall, _ = precision_recall_curve(y, p)
    ok = recall[precision >= min_precision]
    return float(ok.max()) if len(ok) else 0.0


def category_metrics(dev: Sequence[Example], probs: np.ndarray, categories: Sequence[str]) -> dict[str, Any]:
    """Per category, over the dev rows whose merged label for it is 0 or 1."""
    out = {}
    for j, category in enumerate(categories):
        rows = [i for i, ex in enumerate(dev) if ex.labels.get(category, -1) in (0, 1)]
        y = [int(dev[i].labels[category] or 0) for i in rows]
        out[category] = binary_metrics(y, probs[rows, j])
    return out


def per_dataset(dev: Sequence[Example], probs: np.ndarray, categories: Sequence[str]) -> dict[str, Any]:
    """Per set and category, over the set's dev rows labelled 0/1 (merged labels)."""
    out: dict[str, Any] = {}
    for name in sorted({n for ex in dev for n in ex.sets}):
        for j, category in enumerate(categories):
            rows = [
                i for i, ex in enumerate(dev) if name in ex.sets and ex.labels.get(category, -1) in (0, 1)
            ]
            if rows:
                y = [int(dev[i].labels[category] or 0) for i in rows]
                out.setdefault(name, {})[category] = binary_metrics(y, probs[rows, j])
    return out


def _target_rows(
    target: Target, examples: Sequence[Example], probs: np.ndarray, categories: Sequence[str]
) -> Any:
    rows = [i for i, ex in enumerate(examples) if target.dataset in ex.sets]
    y = np.array([target.truth(examples[i].rows[target.dataset]) for i in rows], dtype=np.int64)
    if target.category == "*":
        return rows, y, probs[rows].max(axis=1)
    return rows, y, probs[rows, list(categories).index(target.category)]


def target_metrics(
    dev: Sequence[Example],
    probs: np.ndarray,
    categories: Sequence[str],
    calibration: tuple[Sequence[Example], np.ndarray] | None = None,
) -> dict[str, Any]:
    """The issue's targets on the dev rows of each target set, against that set's own labels.

    With `calibration` rows, also F1 on dev at the threshold that maximised F1 on the set's calibration rows.
    """
    out: dict[str, Any] = {}
    for target in TARGETS:
        rows, y, p = _target_rows(target, dev, probs, categories)
        if target.category == "*":
            rate = float((p[y == 1] >= THRESHOLD).mean())
            out[target.name] = {"n": int(y.sum()), "false_alarm_rate": round(rate, 4)}
            continue
        if target.name == "cssrs_writers":
            result = binary_metrics(*_per_writer(dev, rows, y, p, np.max))
            result["auroc_mean_of_posts"] = binary_metrics(*_per_writer(dev, rows, y, p, np.mean)).get(
                "auroc", 0.0
            )
        else:
            result = binary_metrics(y, p)
            result["recall_at_p50"] = round(recall_at_precision(y, p, 0.5), 4)
            if calibration is not None:
                _, cal_y, cal_p = _target_rows(target, calibration[0], calibration[1], categories)
                threshold = _best_threshold(cal_y, cal_p)
                result["threshold_from_calibration"] = round(threshold, 4)
                result["f1_at_that_threshold"] = round(float(f1_score(y, p >= threshold, zero_division=0)), 4)
        out[target.name] = result
    return out


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    if y.sum() == 0:
        return THRESHOLD
    precision, recall, thresholds = precision_recall_curve(y, p)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])


def _per_writer(
    dev: Sequence[Example], rows: list[int], y: np.ndarray, p: np.ndarray, combine: Callable[[Any], Any]
) -> tuple[Any, Any]:
    """One score per C-SSRS user (the label is per user): `combine` (max, mean) of their posts' scores."""
    scores: dict[str, list[float]] = defaultdict(list)
    truth: dict[str, int] = {}
    for i, yi, pi in zip(rows, y, p, strict=True):
        author = dev[i].rows["cssrs_reddit_500"]["author"]
        scores[author].append(float(pi))
        truth[author] = int(yi)
    users = sorted(scores)
    return [truth[u] for u in users], [float(combine(scores[u])) for u in users]
