"""Metric values worked out by hand on tiny arrays, and the undefined cases that must read "–"."""

from __future__ import annotations

import pytest

from stagedoor.evaluation.metrics import (
    auprc,
    auroc,
    binary_report,
    ece,
    false_alarm_rate,
    precision_recall_f1,
    reliability,
)


def test_precision_recall_f1_by_hand() -> None:
    # tp = 2 (rows 0, 1), fp = 1 (row 3), fn = 1 (row 2): P = 2/3, R = 2/3, F1 = 2/3
    p, r, f1 = precision_recall_f1([1, 1, 1, 0, 0], [True, True, False, True, False])
    assert p == pytest.approx(2 / 3) and r == pytest.approx(2 / 3) and f1 == pytest.approx(2 / 3)
    # tp = 1, fp = 0, fn = 3: P = 1, R = 1/4, F1 = 2 * 1 * 0.25 / 1.25 = 0.4
    assert precision_recall_f1([1, 1, 1, 1, 0], [True, False, False, False, False]) == pytest.approx(
        (1.0, 0.25, 0.4)
    )


def test_undefined_figures_are_none_not_zero() -> None:
    assert precision_recall_f1([0, 0], [False, False]) == (None, None, None)  # no positives, no flags
    assert precision_recall_f1([1, 0], [False, False]) == (None, 0.0, 0.0)  # positives missed: F1 0
    assert auroc([0, 0, 0], [0.1, 0.5, 0.9]) is None and auprc([1, 1], [0.2, 0.3]) is None
    assert ece([], []) is None and false_alarm_rate([]) is None


def test_auroc_and_auprc_by_hand() -> None:
    # positives 0.8, 0.4; negatives 0.6, 0.2: pairs won 3 of 4 -> AUROC 0.75
    y, s = [1, 0, 1, 0], [0.8, 0.6, 0.4, 0.2]
    assert auroc(y, s) == pytest.approx(0.75)
    # ranked: 0.8 (P 1 at R .5), 0.6, 0.4 (P 2/3 at R 1): AP = 0.5 * 1 + 0.5 * 2/3
    assert auprc(y, s) == pytest.approx(0.5 + 1 / 3)
    assert auroc([1, 0, 0], [0.0, 0.0, 0.0]) == pytest.approx(0.5)  # all tied: chance


def test_ece_by_hand() -> None:
    # bin [0.0, 0.1): scores 0.05, 0.05, truth 0, 1 -> |0.05 - 0.5| = 0.45, weight 2/4
    # bin [0.9, 1.0]: scores 0.95, 1.0 (1.0 falls in the last bin), truth 1, 1 -> |0.975 - 1| = 0.025, weight 2/4
    y, s = [0, 1, 1, 1], [0.05, 0.05, 0.95, 1.0]
    assert ece(y, s) == pytest.approx(0.5 * 0.45 + 0.5 * 0.025)
    assert [n for _, _, n in reliability(y, s)] == [2, 2]
    assert ece([0, 1], [0.0, 1.0]) == pytest.approx(0.0)  # perfectly calibrated


def test_binary_report_counts() -> None:
    report = binary_report([1, 0, 0, 1], [0.9, 0.7, 0.1, 0.2], [True, True, False, False])
    assert report["n"] == 4 and report["positives"] == 2 and report["flagged"] == 2
    assert report["precision"] == pytest.approx(0.5) and report["recall"] == pytest.approx(0.5)
    assert false_alarm_rate([True, False, False, False]) == pytest.approx(0.25)
