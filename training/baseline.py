"""The plain baseline each model must beat: TF-IDF unigrams + logistic regression, library defaults.

In memory only, never shipped. The evaluation command reuses `fit_baseline` and `baseline_scores`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from stagedoor.datasets.corpus import Example


def fit_baseline(train_texts: Sequence[str], train_labels: Sequence[int]) -> Pipeline:
    """TfidfVectorizer() + LogisticRegression(): defaults, no class weights, no tuning."""
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    return pipeline.fit(list(train_texts), np.asarray(train_labels))


def baseline_scores(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """P(positive) per text."""
    return np.asarray(pipeline.predict_proba(list(texts))[:, 1])


def baseline_probs(examples: Sequence[Example], categories: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """One baseline per category, trained on every train and calibration row labelled 0/1 for it (the same
    rows our models use for fitting and calibrating), scored on `rows`."""
    texts = [examples[i].text for i in rows]
    out = np.zeros((len(rows), len(categories)))
    for j, category in enumerate(categories):
        train = [ex for ex in examples if ex.split != "dev" and ex.labels.get(category, -1) in (0, 1)]
        pipeline = fit_baseline([ex.text for ex in train], [int(ex.labels[category] or 0) for ex in train])
        out[:, j] = baseline_scores(pipeline, texts)
    return out
