"""The shipped linear models: hashed n-grams, one calibrated logistic regression per category.

Files: `linear.npz` (weights as a float16 CSR matrix, one row per category; plain arrays, never pickled) and
`linear.json` (format version, categories, vectorizer parameters, calibration, training data summary,
dev metrics and the npz's sha256). `training/train.py` writes both; `make models` rebuilds them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from stagedoor.domain import Category
from stagedoor.read.models.features import Featurizer

FORMAT_VERSION = 1
NPZ_KEYS = ("coef_data", "coef_indices", "coef_indptr", "intercept")
_REBUILD = "run `make models` to rebuild it"


class ModelError(Exception):
    """A model file is missing, corrupt or incompatible with this code."""


def default_model_path() -> Path:
    return Path(__file__).resolve().parent / "linear.json"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class LinearModel:
    """Calibrated one-vs-rest linear scores. Learned state lives in attributes ending in `_`."""

    def __init__(
        self,
        categories: Sequence[str],
        coef: sp.csr_matrix,
        intercept: np.ndarray,
        calibration: dict[str, Any],
        vectorizer: dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.categories_ = tuple(categories)
        self.coef_ = sp.csr_matrix(coef, dtype=np.float32)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        self.calibration_ = calibration
        self.featurizer_ = Featurizer(vectorizer)
        self.metadata_ = metadata or {}
        if self.coef_.shape != (len(self.categories_), self.featurizer_.n_features):
            raise ModelError(f"model weights have shape {self.coef_.shape}; {_REBUILD}")
        # Dense (features x categories) once: a sparse X times a dense matrix is one pass over X's nonzeros,
        # where X @ coef.T re-transposed the sparse weights on every call (13 ms a message).
        self.weights_ = np.ascontiguousarray(self.coef_.T.toarray(), dtype=np.float32)
        if np.shape(calibration["coef"]) != (len(self.categories_), 2) or self.intercept_.shape != (
            len(self.categories_),
        ):
            raise ModelError(f"model calibration or intercepts do not match its categories; {_REBUILD}")

    @property
    def categories(self) -> tuple[str, ...]:
        return self.categories_

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read `linear.json` (or the `.npz` beside it), refusing anything this code cannot trust."""
        meta_path = path.with_suffix(".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read model metadata {meta_path}: {exc}; {_REBUILD}") from None
        _check_metadata(meta, meta_path)
        npz_path = meta_path.with_name(meta["weights_file"])
        try:
            digest = sha256_of(npz_path)
        except OSError as exc:
            raise ModelError(f"cannot read model weights {npz_path}: {exc}; {_REBUILD}") from None
        if digest != meta["weights_sha256"]:
            raise ModelError(f"model weights {npz_path.name} fail their sha256 check; {_REBUILD}")
        try:
            with np.load(npz_path, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in NPZ_KEYS}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot read model weights {npz_path.name}: {exc}; {_REBUILD}") from None
        n_features = sum(int(b["n_features"]) for b in meta["vectorizer"]["blocks"])
        try:
            coef = sp.csr_matrix(
                (arrays["coef_data"].astype(np.float32), arrays["coef_indices"], arrays["coef_indptr"]),
                shape=(len(meta["categories"]), n_features),
            )
            return cls(
                meta["categories"], coef, arrays["intercept"], meta["calibration"], meta["vectorizer"], meta
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise ModelError(f"model {meta_path.name} is inconsistent: {exc}; {_REBUILD}") from None

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated linear scores of whole texts, shape (n, len(categories))."""
        return self._linear(self.featurizer_.transform(list(texts)))

    def sentence_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The best single sentence's linear score per text, shape (n, len(categories))."""
        X, starts = self.featurizer_.transform_sentences(list(texts))
        return best_per_text(self._linear(X), starts)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (n, len(categories)).

        Per category, a logistic calibrator fitted on a held-out split (Platt scaling with two inputs) reads
        the whole-text score and the best sentence's score.
        """
        if len(texts) == 0:
            return np.zeros((0, len(self.categories_)))
        X_doc, X_sent, starts = self.featurizer_.transform_both(list(texts))
        return calibrate(self._linear(X_doc), best_per_text(self._linear(X_sent), starts), self.calibration_)

    def _linear(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_, dtype=np.float64) + self.intercept_

    def top_features(self, text: str, category: str, k: int = 5) -> list[tuple[str, float]]:
        """The words (and word pairs) of `text` that pushed hardest towards `category`, strongest first."""
        if category not in self.categories_:
            raise KeyError(f"no model for {category!r}; this model has {', '.join(self.categories_)}")
        row = self.categories_.index(category)
        weights = self.weights_[:, row].astype(np.float64)
        scores = self.featurizer_.attribute(text, weights)
        ranked = sorted(((w, s) for w, s in scores.items() if s > 0), key=lambda ws: (-ws[1], ws[0]))
        return [(w, round(s, 4)) for w, s in ranked[:k]]


def best_per_text(scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Row-wise maximum over each text's block of sentence rows (`starts` has one more entry than texts)."""
    return np.asarray(np.maximum.reduceat(scores, starts[:-1], axis=0))


def calibrate(doc: np.ndarray, sent: np.ndarray, calibration: dict[str, Any]) -> np.ndarray:
    """Probabilities from the two linear scores: sigmoid(w_doc * doc + w_sent * sent + b), per category."""
    w = np.asarray(calibration["coef"], dtype=np.float64)
    b = np.asarray(calibration["intercept"], dtype=np.float64)
    z = doc * w[:, 0] + sent * w[:, 1] + b
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def _check_metadata(meta: Any, path: Path) -> None:
    if not isinstance(meta, dict):
        raise ModelError(f"model metadata {path.name} is not a JSON object; {_REBUILD}")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"model {path.name} has format version {version!r}, this code reads {FORMAT_VERSION}; {_REBUILD}"
        )
    missing = [
        k
        for k in ("categories", "calibration", "vectorizer", "weights_file", "weights_sha256")
        if k not in meta
    ]
    if missing:
        raise ModelError(f"model metadata {path.name} lacks {', '.join(missing)}; {_REBUILD}")
    known = {c.value for c in Category}
    unknown = [c for c in meta["categories"] if c not in known]
    if unknown or len(set(meta["categories"])) != len(meta["categories"]):
        raise ModelError(
            f"model {path.name} has an unknown or repeated label set {meta['categories']}; {_REBUILD}"
        )
    try:
        Featurizer(meta["vectorizer"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"model {path.name} has unusable vectorizer parameters ({exc}); {_REBUILD}"
        ) from None
