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
from sklearn.feature_extraction.text import HashingVectorizer, strip_accents_unicode
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
        self._caches: list[dict[str, Any]] = [{} for _ in self.blocks]

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
        """Raw n-gram counts per block (before normalisation): exactly what HashingVectorizer would give.

        sklearn analyses every n-gram of every text in Python; here each distinct word's columns are hashed
        once and remembered, since fan mail repeats its words far more than its sentences. A test holds
        the two to the same matrices on real data.
        """
        prepared = [_fold(preprocess(t)) for t in texts]
        return [self._block_counts(b, prepared) for b in range(len(self.blocks))]

    def reference_counts(self, texts: Sequence[str]) -> list[sp.csr_matrix]:
        """The same counts straight from sklearn's HashingVectorizer: the definition `counts` must match."""
        cleaned = [preprocess(t) for t in texts]
        return [sp.csr_matrix(v.transform(cleaned)) for v in self.blocks]

    def _block_counts(self, b: int, prepared: Sequence[str]) -> sp.csr_matrix:
        vec = self.blocks[b]
        if vec.analyzer not in ("word", "char_wb") or vec.token_pattern != _TOKEN_PATTERN:
            return sp.csr_matrix(vec.transform(prepared))
        columns = self._word_columns if vec.analyzer == "word" else self._char_wb_columns
        indices: list[int] = []
        indptr = [0]
        for text in prepared:
            indices.extend(columns(b, text))
            indptr.append(len(indices))
        size = int(self.offsets[b + 1] - self.offsets[b])
        matrix = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(prepared), size),
        )
        matrix.sum_duplicates()
        return matrix

    def _char_wb_columns(self, b: int, text: str) -> list[int]:
        cache = self._caches[b]
        out: list[int] = []
        for token in text.split():
            cols = cache.get(token)
            if cols is None:
                cols = [self._hash(b, g) for g in _char_wb_grams(token, *self.blocks[b].ngram_range)]
                cols = _remember(cache, token, cols)
            out.extend(cols)
        return out

    def _word_columns(self, b: int, text: str) -> list[int]:
        cache = self._caches[b]
        tokens = _TOKEN.findall(text)
        low, high = self.blocks[b].ngram_range
        out: list[int] = []
        for n in range(low, min(high, len(tokens)) + 1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i] if n == 1 else " ".join(tokens[i : i + n])
                col = cache.get(gram)
                if col is None:
                    col = _remember(cache, gram, self._hash(b, gram))
                out.append(col)
        return out

    def _hash(self, b: int, gram: str) -> int:
        """Where HashingVectorizer puts one n-gram inside its block: sklearn's murmurhash3 rule."""
        size = int(self.offsets[b + 1] - self.offsets[b])
        h = murmurhash3_32(gram, seed=0)
        return (2147483647 - (size - 1)) % size if h == -2147483648 else abs(h) % size

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The model input: each block L2-normalised, then side by side."""
        return _side_by_side(self.counts(texts))

    def transform_sentences(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Features of every sentence of every text, and the row where each text's sentences start."""
        split = [sentences(t) for t in texts]
        starts = np.concatenate([[0], np.cumsum([len(s) for s in split])]).astype(np.int64)
        return self.transform([s for parts in split for s in parts]), starts

    def transform_both(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        """`transform(texts)` and `transform_sentences(texts)` at once, for less than the price of both.

        Character n-grams never cross a space and sentences split only at spaces, so a text's character
        counts are the sum of its sentences' counts: they are analysed once, at the sentence level.
        """
        split = [sentences(t) for t in texts]
        lengths = np.fromiter((len(s) for s in split), dtype=np.int64, count=len(split))
        starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = [_fold(preprocess(s)) for parts in split for s in parts]
        owner = sp.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), np.arange(len(flat)), starts),
            shape=(len(texts), len(flat)),
        )
        whole: list[str] | None = None
        docs, sents = [], []
        for b, vec in enumerate(self.blocks):
            sent = self._block_counts(b, flat)
            if vec.analyzer == "char_wb":
                doc = sp.csr_matrix(owner @ sent)
            else:
                whole = whole if whole is not None else [_fold(preprocess(t)) for t in texts]
                doc = self._block_counts(b, whole)
            docs.append(doc)
            sents.append(sent)
        return _side_by_side(docs), _side_by_side(sents), starts

    def column(self, block: int, gram: str) -> int:
        """Where HashingVectorizer puts one n-gram: sklearn's murmurhash3 rule, plus the block offset."""
        return int(self.offsets[block]) + self._hash(block, gram)

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


_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_TOKEN = re.compile(_TOKEN_PATTERN)
_CACHE_LIMIT = 400_000
"""Distinct words (or n-grams) remembered per block; past it the cache starts again, bounding memory."""


def _fold(text: str) -> str:
    """sklearn's preprocessing for these vectorizers: lowercase, then strip accents (unicode)."""
    return strip_accents_unicode(text.lower())


def _char_wb_grams(token: str, low: int, high: int) -> list[str]:
    """sklearn's `char_wb` n-grams of one whitespace-free token, padded with a space each side."""
    w = f" {token} "
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(w[i : i + n] for i in range(max(1, len(w) - n + 1)))
        if len(w) <= n:  # a short word counts once, at its shortest size that covers it
            break
    return grams


def _side_by_side(blocks: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """Each block's rows scaled to unit length, then the blocks side by side (float32, as trained)."""
    parts = []
    for block in blocks:
        m = sp.csr_matrix(block, dtype=np.float64, copy=True)
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(rows, weights=m.data * m.data, minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data /= norms[rows]
        parts.append(m)
    return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)


def _remember(cache: dict[str, Any], key: str, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _counts(columns: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for c in columns:
        counts[c] = counts.get(c, 0) + 1
    return counts


def _display(token: str) -> str:
    return token.strip(".,;:!?\"'()[]{}«»“”‘’…*-_") or token
