"""Binary metrics on small arrays: counts at the routing threshold, ranking from scores, calibration.

Undefined figures (no positives, no flags, one class only) are None, shown as "–": a made-up 0 or 1
would read as a result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

ECE_BINS = 10


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else float(num / den)


def precision_recall_f1(
    y: Sequence[int], predicted: Sequence[bool]
) -> tuple[float | None, float | None, float | None]:
    """At the routing threshold; F1 is 0 when there are positives and none is caught."""
    truth, pred = np.asarray(y, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = int((truth & pred).sum())
    precision = _ratio(tp, int(pred.sum()))
    recall = _ratio(tp, int(truth.sum()))
    if recall is None:
        return precision, None, None
    if tp == 0:
        return precision, recall, 0.0
    assert precision is not None
    return precision, recall, 2 * precision * recall / (precision + recall)


def _two_classes(y: Sequence[int]) -> bool:
    return 0 < int(np.sum(y)) < len(y)


def auroc(y: Sequence[int], scores: Sequence[float]) -> float | None:
    return float(roc_auc_score(y, scores)) if _two_classes(y) else None


def auprc(y: Sequence[int], scores: Sequence[float]) -> float | None:
    return float(average_precision_score(y, scores)) if _two_classes(y) else None


def reliability(
    y: Sequence[int], scores: Sequence[float], bins: int = ECE_BINS
) -> list[tuple[float, float, int]]:
    """Per non-empty equal-width bin over [0, 1]: (mean score, share positive, count); 1.0 is in the last."""
    truth, s = np.asarray(y, dtype=float), np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
    which = np.minimum((s * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append((float(s[mask].mean()), float(truth[mask].mean()), int(mask.sum())))
    return out


def ece(y: Sequence[int], scores: Sequence[float], bins: int = ECE_BINS) -> float | None:
    """Expected calibration error: the count-weighted gap between mean score and share positive per bin."""
    if len(y) == 0:
        return None
    return sum(n * abs(conf - acc) for conf, acc, n in reliability(y, scores, bins)) / len(y)


def false_alarm_rate(flagged: Sequence[bool]) -> float | None:
    """Share of benign rows with a flag at the routing threshold."""
    return _ratio(int(np.sum(flagged)), len(flagged))


def binary_report(y: Sequence[int], scores: Sequence[float], predicted: Sequence[bool]) -> dict[str, object]:
    """Every figure for one category on one set of rows."""
    precision, recall, f1 = precision_recall_f1(y, predicted)
    return {
        "n": len(y),
        "positives": int(np.sum(y)),
        "flagged": int(np.sum(predicted)),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "auroc": auroc(y, scores),
        "auprc": auprc(y, scores),
        "ece": ece(y, scores),
    }
