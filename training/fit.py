"""Fit one calibrated logistic regression per category on hashed n-gram features."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from stagedoor.datasets.corpus import Example
from stagedoor.datasets.labelmap import field as lookup
from stagedoor.read.models.features import Featurizer
from stagedoor.read.models.linear import best_per_text, calibrate

C = 10.0  # weak regularisation: on dev, C=10 beat C=1 for threat, suicide and distress alike


@dataclass
class Features:
    """Whole-text and per-sentence features of every example, computed once."""

    docs: sp.csr_matrix
    sentences: sp.csr_matrix
    starts: np.ndarray

    @classmethod
    def of(cls, featurizer: Featurizer, examples: Sequence[Example]) -> Features:
        texts = [ex.text for ex in examples]
        sentences, starts = featurizer.transform_sentences(texts)
        return cls(featurizer.transform(texts), sentences, starts)


@dataclass
class CategoryFit:
    """Learned state for one category: linear weights plus a two-input logistic calibrator."""

    category: str
    coef: np.ndarray
    intercept: float
    calibration_coef: list[float]
    calibration_intercept: float
    summary: dict[str, Any]

    def scores(self, features: Features, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whole-text and best-sentence linear scores for the given example rows."""
        doc = features.docs[rows] @ self.coef + self.intercept
        spans = [np.arange(features.starts[i], features.starts[i + 1]) for i in rows]
        lengths = np.array([len(s) for s in spans])
        sent = features.sentences[np.concatenate(spans)] @ self.coef + self.intercept
        starts = np.concatenate([[0], np.cumsum(lengths)])
        return np.asarray(doc), best_per_text(np.asarray(sent)[:, None], starts).ravel()

    def proba(self, features: Features, rows: np.ndarray) -> np.ndarray:
        doc, sent = self.scores(features, rows)
        calibration = {"coef": [self.calibration_coef], "intercept": [self.calibration_intercept]}
        return calibrate(doc[:, None], sent[:, None], calibration).ravel()


def labelled(examples: Sequence[Example], category: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `split` with a 0/1 label for `category`, and those labels."""
    rows = [i for i, ex in enumerate(examples) if ex.split == split and ex.labels.get(category, -1) in (0, 1)]
    return np.array(rows, dtype=np.int64), np.array(
        [examples[i].labels[category] for i in rows], dtype=np.int64
    )


def sentence_units(
    examples: Sequence[Example], rows: np.ndarray, category: str, label_map: Mapping[str, Any]
) -> tuple[list[str], list[int], list[float]]:
    """Lines of training texts whose set labels each line for `category` (THREAT's per-sentence labels)."""
    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    for i in rows:
        ex = examples[i]
        for name, row in ex.rows.items():
            path = label_map["datasets"][name].get("sentence_labels", {}).get(category)
            lines = ex.text.split("\n")
            per_line = lookup(row, path) if path else None
            if per_line and len(per_line) == len(lines):
                texts += lines
                labels += [int(v) for v in per_line]
                weights += [ex.weights.get(category, 1.0)] * len(lines)
    return texts, labels, weights


def fit_category(
    category: str,
    examples: Sequence[Example],
    features: Features,
    featurizer: Featurizer,
    label_map: Mapping[str, Any],
) -> CategoryFit:
    """Train on the train split (plus labelled sentences), calibrate on the calibration split."""
    rows, y = labelled(examples, category, "train")
    weights = np.array([examples[i].weights.get(category, 1.0) for i in rows])
    s_texts, s_labels, s_weights = sentence_units(examples, rows, category, label_map)
    X = features.docs[rows]
    if s_texts:
        X = sp.vstack([X, featurizer.transform(s_texts)], format="csr")
        y = np.concatenate([y, s_labels])
        weights = np.concatenate([weights, s_weights])
    model = LogisticRegression(
        C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0
    )
    model.fit(X, y, sample_weight=weights)
    fit = CategoryFit(
        category, model.coef_.ravel().astype(np.float64), float(model.intercept_[0]), [1.0, 0.0], 0.0, {}
    )
    cal_rows, cal_y = labelled(examples, category, "calibration")
    doc, sent = fit.scores(features, cal_rows)
    calibrator = LogisticRegression(C=1e6, max_iter=1000).fit(np.c_[doc, sent], cal_y)
    fit.calibration_coef = [float(v) for v in calibrator.coef_.ravel()]
    fit.calibration_intercept = float(calibrator.intercept_[0])
    fit.summary = {
        "train_texts": len(rows),
        "train_sentences": len(s_texts),
        "train_positives": int(y.sum()),
        "calibration_texts": len(cal_rows),
        "calibration_positives": int(cal_y.sum()),
    }
    return fit
