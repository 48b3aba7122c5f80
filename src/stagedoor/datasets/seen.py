"""The texts the shipped models were fitted or calibrated on, as 64-bit hashes of their dedup keys.

Evaluation leaves these rows out, so a figure measured on ../shared/data is a figure on unseen text, and
the same command on a sealed set leaves out nothing. Hashes, not texts: the file ships no one's words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from stagedoor.datasets.corpus import normalise

SEEN_FILE = "seen.npz"


def text_hash(text: str) -> int:
    """blake2b-64 of the normalised text (the same key training deduplicates on)."""
    digest = hashlib.blake2b(normalise(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class SeenTexts:
    """Membership test over a sorted array of hashes."""

    def __init__(self, hashes: Iterable[int]) -> None:
        self.hashes_ = np.unique(np.fromiter(hashes, dtype=np.uint64))

    def __len__(self) -> int:
        return int(self.hashes_.size)

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str) or not self.hashes_.size:
            return False
        h = np.uint64(text_hash(text))
        i = int(np.searchsorted(self.hashes_, h))
        return i < self.hashes_.size and self.hashes_[i] == h

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, hashes=self.hashes_)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> SeenTexts:
        with np.load(path, allow_pickle=False) as npz:
            seen = cls(())
            seen.hashes_ = np.asarray(npz["hashes"], dtype=np.uint64)
            return seen


def default_seen_path() -> Path:
    """Shipped beside the model files it describes."""
    return Path(__file__).resolve().parents[1] / "read" / "models" / SEEN_FILE


def load_seen(path: Path | None = None) -> SeenTexts:
    """The shipped list; empty when no model has been trained yet (then nothing is left out)."""
    path = path or default_seen_path()
    return SeenTexts.load(path) if path.exists() else SeenTexts(())
