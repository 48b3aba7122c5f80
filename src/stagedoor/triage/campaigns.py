"""Near-duplicates: copy-paste campaigns and chain letters, found with MinHash/LSH (`datasketch`).

Shingles are word 3-grams after normalisation (NFKC, case and accents folded, quoted reply lines and
links dropped), so edits, changed signatures and reordered lines keep most shingles, while two different
letters that share a fan-club footer share only the footer's few. Two messages join one group when their
estimated Jaccard similarity is at least THRESHOLD. Texts too short to judge (under MIN_SHINGLES shingles:
"love you!!") are never grouped: short messages look alike without being one campaign.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SCHEME = "minhash.word3.p128.affine64.v1"
"""Names the shingling and permutations; stored with each signature so a change re-sketches."""
NUM_PERM = 128
THRESHOLD = 0.5
MIN_SHINGLES = 12
SEED = 1
MAX_MATCHES = 8
"""Verified matches kept per new message: enough to bridge groups, and a campaign of thousands of copies
costs each new copy a handful of comparisons that succeed, not thousands of group updates."""
PERMUTATIONS = "affine64"
"""datasketch's 2.0 scheme, named explicitly so stored signatures are read back the way they were made."""

_QUOTED = re.compile(r"^\s*>.*$", re.MULTILINE)
_LINK = re.compile(r"https?://\S+|www\.\S+")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    text = _LINK.sub(" ", _QUOTED.sub(" ", text))
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def shingles(text: str, n: int = 3) -> set[str]:
    w = words(text)
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def sketch(text: str) -> MinHash | None:
    """The text's MinHash, or None when it is too short to compare fairly."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=PERMUTATIONS)
    m.update_batch([g.encode("utf-8") for g in grams])
    return m


def to_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype="<u8").tobytes()


def from_bytes(data: bytes) -> MinHash:
    """A frozen sketch (LeanMinHash: no permutations to regenerate, so loading thousands is cheap)."""
    values = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=PERMUTATIONS)


@dataclass(frozen=True)
class Match:
    message_id: str
    other_id: str
    similarity: float


class NearDuplicates:
    """An LSH index over sketches; `add` returns the earlier messages a new one nearly duplicates."""

    def __init__(self, known: Iterable[tuple[str, MinHash]] = ()) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._sketches: dict[str, MinHash] = {}
        self.catch_up(known)

    @property
    def ids(self) -> set[str]:
        return set(self._sketches)

    def catch_up(self, known: Iterable[tuple[str, MinHash]]) -> None:
        """Index sketches stored since this index was built (by another process, say)."""
        with self._lsh.insertion_session() as session:
            for message_id, m in known:
                if message_id not in self._sketches:
                    session.insert(message_id, m)
                    self._sketches[message_id] = m

    def add(self, message_id: str, m: MinHash) -> list[Match]:
        """LSH candidates checked against the threshold (LSH alone lets some dissimilar pairs through).

        Up to MAX_MATCHES, in id order so the result does not depend on set iteration order.
        """
        if message_id in self._sketches:
            return []
        found = []
        for other in sorted(self._lsh.query(m)):
            similarity = float(m.jaccard(self._sketches[other]))
            if similarity >= THRESHOLD:
                found.append(Match(message_id, str(other), similarity))
                if len(found) == MAX_MATCHES:
                    break
        self._lsh.insert(message_id, m)
        self._sketches[message_id] = m
        return sorted(found, key=lambda x: (-x.similarity, x.other_id))
