"""Suggested links between correspondents: same name, same postal address, same signature, close style.

Every result is a suggestion for a person to confirm or reject; nothing here merges anything. Style is
character n-gram stylometry (TF-IDF over 2-4 character grams within words, cosine similarity), kept only
when the two writers are each other's closest match and clear of the threshold: a common register is not
a shared identity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from stagedoor.domain.people import LinkCandidate, LinkKind
from stagedoor.people import identity
from stagedoor.people.history import HistoryItem

STYLE_THRESHOLD = 0.55
STYLE_MIN_CHARS = 400
MAX_SHARING = 6
"""Below this much text a style comparison says more about topic than about the writer."""


@dataclass
class Writer:
    """What the linker compares about one correspondent."""

    id: int
    names: dict[str, str] = field(default_factory=dict)
    """Folded name -> the name as written."""
    keys: set[str] = field(default_factory=set)
    postal: dict[str, str] = field(default_factory=dict)
    signatures: Counter[str] = field(default_factory=Counter)
    text: str = ""


def writer_of(correspondent_id: int, items: Iterable[HistoryItem]) -> Writer:
    w = Writer(correspondent_id)
    texts = []
    for item in items:
        s = item.sender
        if key := identity.name_key(s.name):
            w.names.setdefault(key, s.name.strip())
        w.keys |= identity.exact_keys(s)
        if s.postal_address and (key := identity.postal_key(s.postal_address)):
            w.postal.setdefault(key, s.postal_address.strip())
        if sig := identity.signature_line(item.text):
            w.signatures[sig] += 1
        texts.append(item.text)
    w.text = "\n".join(texts)
    return w


def suggest(writers: Sequence[Writer]) -> list[LinkCandidate]:
    """Every candidate link among these writers, strongest first."""
    found = [*_shared_fields(writers), *_style(writers)]
    return sorted(found, key=lambda c: (-c.score, c.a_id, c.b_id, c.kind.value))


def _pair(a: Writer, b: Writer) -> tuple[Writer, Writer]:
    return (a, b) if a.id < b.id else (b, a)


def _shared_fields(writers: Sequence[Writer]) -> Iterable[LinkCandidate]:
    yield from _by_index(writers, lambda w: w.names, LinkKind.SAME_NAME, 0.6, "Both sign with the name {}.")
    yield from _by_index(
        writers, _handles, LinkKind.SAME_NAME, 0.6, "Both write as {} (on different platforms)."
    )
    yield from _by_index(
        writers, lambda w: w.postal, LinkKind.SAME_POSTAL, 0.8, "Both wrote from the postal address {}."
    )
    yield from _by_index(
        writers,
        lambda w: {s: s for s in w.signatures},
        LinkKind.SAME_SIGNATURE,
        0.7,
        "Both sign off with the same line: “{}”.",
    )


def _handles(w: Writer) -> dict[str, str]:
    return {"@" + k.rsplit(":", 1)[1]: "@" + k.rsplit(":", 1)[1] for k in w.keys if k.startswith("handle:")}


def _by_index(
    writers: Sequence[Writer],
    values: Callable[[Writer], Mapping[str, str]],
    kind: LinkKind,
    score: float,
    reason: str,
) -> Iterable[LinkCandidate]:
    """Pairs of writers sharing a folded value (an inverted index, not all pairs)."""
    index: dict[str, list[tuple[Writer, str]]] = {}
    for w in writers:
        for folded, text in values(w).items():
            index.setdefault(folded, []).append((w, text))
    seen: set[tuple[int, int]] = set()
    for sharing in index.values():
        if (
            len(sharing) > MAX_SHARING
        ):  # shared by many (a fan club's address, "Love, Sam"): identifies no one
            continue
        for (a, text), (b, _) in combinations(sharing, 2):
            first, second = _pair(a, b)
            if first.id == second.id or (first.id, second.id) in seen:
                continue
            seen.add((first.id, second.id))
            yield LinkCandidate(first.id, second.id, kind, score, reason.format(text), (text,))


def _style(writers: Sequence[Writer]) -> list[LinkCandidate]:
    long_enough = [w for w in writers if len(w.text) >= STYLE_MIN_CHARS]
    if len(long_enough) < 2:
        return []
    similarity = style_similarity([w.text for w in long_enough])
    best = similarity.argmax(axis=1)
    out = []
    for i, j in enumerate(best):
        j = int(j)
        if i < j and int(best[j]) == i and similarity[i, j] >= STYLE_THRESHOLD:
            a, b = _pair(long_enough[i], long_enough[j])
            score = float(similarity[i, j])
            out.append(
                LinkCandidate(
                    a.id,
                    b.id,
                    LinkKind.STYLE,
                    round(score, 3),
                    f"Their writing is closest to each other's of everyone here (style similarity {score:.2f}).",
                    (f"{score:.2f}",),
                )
            )
    return out


def style_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of character n-gram profiles, with each text's similarity to itself set to -1."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=False, min_df=1
    ).fit_transform(texts)
    similarity = np.asarray((vectors @ vectors.T).toarray(), dtype=float)
    np.fill_diagonal(similarity, -1.0)
    return similarity
