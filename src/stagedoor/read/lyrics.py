"""The artist's lyrics, and the passages of a message that quote them back.

Fans quote the songs that moved them, and those songs are often about wanting to disappear. A lyric quoted
back is not a self-report, so a hit inside a quoted lyric is set aside (and kept, with that reason, for
the analyst). Matching is fuzzy because fans quote from memory: a stretch of the message about as long as
a lyric line (four words or more) at `lyric_similarity` or above counts, and so does a passage in
quotation marks (three words or more) found inside a lyric line.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from stagedoor.read.normalise import Normalised, fold

MIN_LINE_WORDS = 4
MIN_QUOTE_WORDS = 3
COMPARISONS = 10_000
"""Fuzzy comparisons per message at most (none of 3,000 C-SSRS posts and YouTube comments made 600): past it,
no more passages count as quoted, so their hits stand; no text buys minutes of reading with lyric-like lines."""
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_QUOTE = re.compile(r"\"([^\"]+)\"|(?<!\w)'([^'\n]+?)'(?!\w)")


def load_lyrics(path: Path) -> tuple[str, ...]:
    """One lyric line per line of a UTF-8 text file; blank lines and '#' comments are ignored."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@dataclass(frozen=True)
class LyricIndex:
    lines: tuple[tuple[str, ...], ...]
    """Each lyric line as normalised words."""
    by_word: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, lyrics: Iterable[str]) -> LyricIndex:
        lines = tuple(w for w in (tuple(_WORD.findall(fold(line))) for line in lyrics) if w)
        by_word: dict[str, list[int]] = {}
        for i, words in enumerate(lines):
            for word in set(words):
                by_word.setdefault(word, []).append(i)
        return cls(lines, {w: tuple(ids) for w, ids in by_word.items()})

    def candidates(self, words: Iterable[str]) -> list[int]:
        """Lyric lines sharing words with a passage, the most shared first."""
        counts = Counter(i for w in set(words) for i in self.by_word.get(w, ()))
        return [i for i, _ in counts.most_common(12)]


def quoted_spans(
    norm: Normalised, hit_spans: Iterable[tuple[int, int]], index: LyricIndex, similarity: float
) -> tuple[tuple[int, int], ...]:
    """Normalised spans, around the given hits, that quote a lyric line."""
    if not index.lines:
        return ()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm.text)]
    starts, ends = [w[0] for w in words], [w[1] for w in words]
    found: set[tuple[int, int]] = set()
    like = Likeness(similarity)
    for start, end in hit_spans:
        first, last = bisect_right(ends, start), bisect_left(starts, end)  # the words the span touches
        if like.spent:
            break
        if last <= first:
            continue
        found.update(_line_quotes(words, first, last, index, like))
    found.update(_marked_quotes(norm.text, index, like))
    return tuple(sorted(found))


class Likeness:
    """One message's fuzzy comparisons: COMPARISONS at most, and difflib runs once per distinct pair."""

    def __init__(self, threshold: float) -> None:
        self.threshold, self.calls = threshold, 0
        self.seen: dict[tuple[str, str], bool] = {}

    @property
    def spent(self) -> bool:
        return self.calls >= COMPARISONS

    def __call__(self, a: str, b: str) -> bool:
        self.calls += 1
        if self.calls > COMPARISONS:
            return False
        if (a, b) not in self.seen:
            self.seen[(a, b)] = _similar(a, b, self.threshold)
        return self.seen[(a, b)]


def _line_quotes(
    words: list[tuple[int, int, str]], first: int, last: int, index: LyricIndex, like: Likeness
) -> Iterable[tuple[int, int]]:
    """Windows of the message covering words[first:last] that read like a whole lyric line."""
    around = [w[2] for w in words[max(0, first - 12) : last + 12]]
    for line_id in index.candidates(w[2] for w in words[first:last]):
        line = index.lines[line_id]
        if len(line) < MIN_LINE_WORDS:
            continue
        target = " ".join(line)
        if sum(w in line for w in around) < len(line) * like.threshold * 0.8:
            continue
        for size in (len(line) - 1, len(line), len(line) + 1):
            if size < last - first:
                continue
            for at in range(max(0, last - size), min(first, len(words) - size) + 1):
                window = " ".join(w[2] for w in words[at : at + size])
                if like(window, target):
                    yield words[at][0], words[at + size - 1][1]


def _marked_quotes(text: str, index: LyricIndex, like: Likeness) -> Iterable[tuple[int, int]]:
    """Passages in quotation marks that appear, near enough, inside a lyric line."""
    for m in _QUOTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        quoted = _WORD.findall(m.group(group))
        if len(quoted) < MIN_QUOTE_WORDS:
            continue
        target = " ".join(quoted)
        for line_id in index.candidates(quoted):
            line = index.lines[line_id]
            sizes = {max(1, len(quoted) - 1), len(quoted), len(quoted) + 1}
            if any(
                like(" ".join(line[at : at + size]), target)
                for size in sizes
                for at in range(0, max(1, len(line) - size + 1))
            ):
                yield m.start(group), m.end(group)
                break


def _similar(a: str, b: str, threshold: float) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )
