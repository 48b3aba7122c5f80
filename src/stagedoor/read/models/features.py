"""Stateless text features for the linear models: hashed word and character n-grams.

Nothing here is learned, so the runtime rebuilds the exact training features from the parameters stored
in the model's JSON metadata; no pickled vectorizer is ever needed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

PREPROCESS = "stagedoor.preprocess.v1"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_SENTENCE_END = re.compile(r"\n+|(?<=[.!?])\s+")

DEFAULT_BLOCKS: tuple[dict[str, Any], ...] = (
    {"name": "word", "analyzer": "word", "ngram_range": [1, 3], "n_features": 2**18},
    {"name": "char", "analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**18},
)


def default_params() -> dict[str, Any]:
    """The vectorizer parameters written to the metadata, as JSON-ready data."""
    return {
        "preprocess": PREPROCESS,
        "lowercase": True,
        "strip_accents": "unicode",
        "alternate_sign": False,
        "norm": "l2 per block",
        "blocks": [dict(b) for b in DEFAULT_BLOCKS],
    }


def preprocess(text: str) -> str:
    """Unescape HTML entities and mask links and @handles: they name people and sites, not risk."""
    return _MENTION.sub(" @user ", _URL.sub(" http ", html.unescape(text)))


def sentences(text: str) -> list[str]:
    """Lines and sentences: a threat is often one sentence inside a long, otherwise warm letter."""
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return parts or [text]


class Featurizer:
    """Concatenated, separately L2-normalised hashed n-gram blocks, rebuilt from metadata parameters."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        if params.get("preprocess") != PREPROCESS:
            raise ValueError(f"unknown preprocessing {params.get('preprocess')!r}")
        self.params = dict(params)
        self.blocks = [self._vectorizer(block) for block in params["blocks"]]
        self.names = [str(block["name"]) for block in params["blocks"]]
        sizes = [int(block["n_features"]) for block in params["blocks"]]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    @property
    def n_features(self) -> int:
        return int(self.offsets[-1])

    def _vectorizer(self, block: Mapping[str, Any]) -> HashingVectorizer:
        return HashingVectorizer(
            analyzer=block["analyzer"],
            ngram_range=tuple(block["ngram_range"]),
            n_features=int(block["n_features"]),
            alternate_sign=bool(self.params["alternate_sign"]),
            lowercase=bool(self.params["lowercase"]),
            strip_accents=self.params["strip_accents"],
            norm=None,
            dtype=np.float32,
        )

    def counts(self, texts: Sequence[str]) -> list[sp.csr_matrix]:
        """Raw n-gram counts per block (before normalisation)."""
        cleaned = [preprocess(t) for t in texts]
        return [sp.csr_matrix(v.transform(cleaned)) for v in self.blocks]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The model input: each block L2-normalised, then side by side."""
        parts = []
        for block in self.counts(texts):
            norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            parts.append(sp.csr_matrix(sp.diags(1.0 / norms) @ block))
        return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)

    def transform_sentences(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Features of every sentence of every text, and the row where each text's sentences start."""
        split = [sentences(t) for t in texts]
        starts = np.concatenate([[0], np.cumsum([len(s) for s in split])]).astype(np.int64)
        return self.transform([s for parts in split for s in parts]), starts

    def column(self, block: int, gram: str) -> int:
        """Where HashingVectorizer puts one n-gram: sklearn's murmurhash3 rule, plus the block offset."""
        size = int(self.offsets[block + 1] - self.offsets[block])
        h = murmurhash3_32(gram, seed=0)
        index = (2147483647 - (size - 1)) % size if h == -2147483648 else abs(h) % size
        return int(self.offsets[block]) + index

    def attribute(self, text: str, weights: np.ndarray) -> dict[str, float]:
        """Split a linear score over the words of `text`.

        Each word gets its char-gram and unigram contributions, each run of words its n-gram contribution, so
        the values sum (with the intercept) to the model's decision value. Keys are words as written.
        """
        surface = preprocess(text).split()
        scores: dict[str, float] = {}
        for b, vec in enumerate(self.blocks):
            per_token = [self._grams(vec, token) for token in surface]
            grams: list[tuple[tuple[int, ...], str]] = [
                ((i,), g) for i, gs in enumerate(per_token) for g in gs
            ]
            if vec.analyzer == "word":
                grams = self._word_ngrams(vec, grams)
            columns = [self.column(b, g) for _, g in grams]
            norm = float(np.sqrt(sum(c * c for c in _counts(columns).values()))) or 1.0
            for (owner, _), col in zip(grams, columns, strict=True):
                key = " ".join(dict.fromkeys(_display(surface[i]) for i in owner))
                scores[key] = scores.get(key, 0.0) + float(weights[col]) / norm
        return scores

    @staticmethod
    def _grams(vec: HashingVectorizer, token: str) -> list[str]:
        if vec.analyzer == "word":
            return list(vec.build_tokenizer()(vec.build_preprocessor()(token)))
        return list(vec.build_analyzer()(token))

    @staticmethod
    def _word_ngrams(
        vec: HashingVectorizer, grams: list[tuple[tuple[int, ...], str]]
    ) -> list[tuple[tuple[int, ...], str]]:
        low, high = vec.ngram_range
        out: list[tuple[tuple[int, ...], str]] = []
        for n in range(low, high + 1):
            for start in range(len(grams) - n + 1):
                window = grams[start : start + n]
                out.append((tuple(i for owner, _ in window for i in owner), " ".join(g for _, g in window)))
        return out


def _counts(columns: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for c in columns:
        counts[c] = counts.get(c, 0) + 1
    return counts


def _display(token: str) -> str:
    return token.strip(".,;:!?\"'()[]{}«»“”‘’…*-_") or token
