"""The comparison every figure gets: TF-IDF + logistic regression with library defaults, per category.

It trains on the same rows as the shipped models (label map `train and eval` sets, every split but dev),
in memory only. A model we ship that cannot beat this is not worth its complexity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from stagedoor.datasets.corpus import DEFAULT_DATA, Example, load_examples
from stagedoor.datasets.labelmap import load_label_map

THRESHOLD = 0.5


@dataclass
class Baseline:
    """One pipeline per modelled category; `train_keys_` are the dedup keys of every training text."""

    models_: dict[str, Pipeline] = field(default_factory=dict)
    train_keys_: set[str] = field(default_factory=set)
    train_counts_: dict[str, tuple[int, int]] = field(default_factory=dict)

    def fit(self, examples: Sequence[Example], categories: Sequence[str]) -> Baseline:
        train = [ex for ex in examples if ex.split != "dev"]
        self.train_keys_ = {ex.key for ex in train}
        for category in categories:
            rows = [ex for ex in train if ex.labels.get(category) in (0, 1)]
            y = np.asarray([int(ex.labels[category] or 0) for ex in rows])
            if not 0 < y.sum() < len(y):
                continue  # one class: nothing to learn, the category shows "–"
            model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
            self.models_[category] = model.fit([ex.text for ex in rows], y)
            self.train_counts_[category] = (len(rows), int(y.sum()))
        return self

    def scores(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """P(positive) per modelled category, one value per text."""
        if not texts:
            return {c: np.zeros(0) for c in self.models_}
        return {c: np.asarray(m.predict_proba(list(texts))[:, 1]) for c, m in self.models_.items()}


def train_baseline(data_dir: Path | None = None) -> Baseline:
    spec = load_label_map()
    examples = load_examples(data_dir or DEFAULT_DATA, spec)
    return Baseline().fit(examples, spec["modelled"])
