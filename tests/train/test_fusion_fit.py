"""The fusion layer's fit and threshold choice (training/fusion.py), on small synthetic rows."""

from __future__ import annotations

import numpy as np
from training.fusion import (
    MODEL_ONLY_FLOOR,
    benign_floor,
    best_threshold,
    fit_category,
    floor_of,
    precision_threshold,
)

from stagedoor.datasets.corpus import Example


def _example(label: int | None, sets: tuple[str, ...] = ("some_set",), ham: bool = False) -> Example:
    rows = {name: {"labels": {"CLASS": 0 if ham else 1}} for name in sets}
    return Example("t", "k", "en", "g", {"writer.suicide": label, "artist.threat": label}, rows, {})


def test_best_threshold_is_where_f_beta_peaks_and_beta_moves_it_towards_recall() -> None:
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.4, 0.6, 0.7, 0.9])
    w = np.ones(len(y))
    f1_at, f1 = best_threshold(y, p, 1.0, w)
    f2_at, _ = best_threshold(y, p, 2.0, w)
    # at 0.35: 4 of 5 flagged are positive, every positive flagged: F1 = 2 * 0.8 * 1 / 1.8
    assert f1_at == 0.35 and round(f1, 4) == round(1.6 / 1.8, 4)
    assert f2_at <= f1_at
    heavy = np.where(
        y == 1, 1.0, 5.0
    )  # negatives weigh more: the threshold climbs to shed the false positive
    assert best_threshold(y, p, 1.0, heavy)[0] > f1_at


def test_precision_threshold_is_the_lowest_score_reaching_the_precision() -> None:
    y = np.array([0, 1, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    assert precision_threshold(y, p, 0.9, np.ones(5)) == 0.8
    assert precision_threshold(np.zeros(3, dtype=int), np.array([0.1, 0.2, 0.3]), 0.9, np.ones(3)) == 1.0


def test_the_benign_floor_reads_only_ham_fan_comments_without_a_rule_flag() -> None:
    examples = [_example(0, ("youtube_spam_collection_uci",), ham=True) for _ in range(200)]
    examples += [_example(1)]
    fused = np.concatenate([np.linspace(0, 0.3, 200), [0.99]])
    no_rule = np.ones(len(examples), dtype=bool)
    floor = benign_floor(examples, fused, no_rule)
    assert 0.29 < floor <= 0.3  # the 99.5th percentile of ham, untouched by the positive at 0.99
    no_rule[:] = False
    assert benign_floor(examples, fused, no_rule) == 0.0


def test_a_fitted_category_learns_that_rules_and_model_both_count_and_keeps_the_floor() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    model_p = np.clip(0.2 + 0.5 * y + rng.normal(0, 0.15, 400), 0.01, 0.99)
    rules = np.c_[np.where(y == 1, rng.integers(0, 4, 400), 0), np.zeros(400)]
    examples = [_example(int(v)) for v in y]
    spec, summary = fit_category("writer.suicide", examples, model_p, rules)
    assert spec.coef[0] > 0 and spec.coef[1] > 0
    assert spec.threshold >= MODEL_ONLY_FLOOR and spec.urgent_threshold >= spec.threshold
    assert summary["objective"] == "F2" and summary["rows"] == 400
    threat, _ = fit_category("artist.threat", examples, model_p, rules)
    assert threat.threshold >= floor_of("artist.threat") and threat.urgent_threshold >= MODEL_ONLY_FLOOR
    assert spec.probability(0.9, 3, False) > spec.probability(0.2, 0, False)


def test_each_category_keeps_its_own_floor_when_f_beta_would_go_lower() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.05).astype(int)  # rare and overlapping: F-beta peaks at a low probability
    model_p = np.clip(0.05 + 0.15 * y + rng.normal(0, 0.1, 2000), 0.001, 0.99)
    rules = np.zeros((2000, 2))
    examples = [_example(int(v)) for v in y]
    threat, summary = fit_category("artist.threat", examples, model_p, rules)
    suicide, _ = fit_category("writer.suicide", examples, model_p, rules)
    assert summary["threshold_best_f"] < floor_of("artist.threat") < MODEL_ONLY_FLOOR
    assert threat.threshold == floor_of("artist.threat")
    assert suicide.threshold == MODEL_ONLY_FLOOR
