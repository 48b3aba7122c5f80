"""Message text plus evidence spans -> plain and marked segments, which the template prints escaped.

Nothing here produces markup: a segment is text and the categories that cover it. Overlapping spans are
merged into one marked segment that carries every category and reason involved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stagedoor.domain import Evidence, Flag
from stagedoor.web.present import category_word


@dataclass(frozen=True)
class Span:
    """A stretch of the text to mark, by character offsets (end exclusive)."""

    start: int
    end: int
    category: str
    note: str


@dataclass(frozen=True)
class Segment:
    text: str
    categories: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.categories)

    @property
    def css_class(self) -> str:
        return " ".join(css_name(c) for c in self.categories)

    @property
    def title(self) -> str:
        return "; ".join(self.notes)


def css_name(category: str) -> str:
    """'writer.self_harm' -> 'cat-writer-self-harm' (dots and underscores are awkward in CSS)."""
    return "cat-" + category.replace(".", "-").replace("_", "-")


def locate(text: str, evidence: Evidence) -> tuple[int, int] | None:
    """The evidence's offsets when they match its text; else the occurrence of its text nearest to them."""
    start, end = max(0, evidence.start), min(len(text), evidence.end)
    if start < end and (not evidence.text or text[start:end] == evidence.text):
        return start, end
    if not evidence.text:
        return None
    found: list[int] = []
    at = text.find(evidence.text)
    while at != -1:
        found.append(at)
        at = text.find(evidence.text, at + 1)
    if not found:
        return None
    best = min(found, key=lambda i: abs(i - evidence.start))
    return best, best + len(evidence.text)


def spans_for(text: str, flags: Iterable[Flag]) -> list[Span]:
    """One span per piece of evidence that can be found in the text; evidence that cannot is left out."""
    spans: list[Span] = []
    for flag in flags:
        note = f"{category_word(flag.category)} ({flag.severity.value}): {flag.reason}"
        for evidence in flag.evidence:
            where = locate(text, evidence)
            if where:
                spans.append(Span(where[0], where[1], flag.category.value, note))
    return spans


def _merge(spans: Iterable[Span]) -> list[tuple[int, int, list[str], list[str]]]:
    groups: list[tuple[int, int, list[str], list[str]]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if groups and span.start < groups[-1][1]:
            start, end, categories, notes = groups[-1]
            groups[-1] = (start, max(end, span.end), categories, notes)
        else:
            groups.append((span.start, span.end, [], []))
            categories, notes = groups[-1][2], groups[-1][3]
        if span.category not in categories:
            categories.append(span.category)
        if span.note not in notes:
            notes.append(span.note)
    return groups


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """The whole text, in order, cut into unmarked and marked segments; bad offsets are clamped or dropped."""
    clamped = [
        Span(max(0, s.start), min(len(text), s.end), s.category, s.note)
        for s in spans
        if max(0, s.start) < min(len(text), s.end)
    ]
    out: list[Segment] = []
    pos = 0
    for start, end, categories, notes in _merge(clamped):
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], tuple(categories), tuple(notes)))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def highlight(text: str, flags: Iterable[Flag]) -> list[Segment]:
    return segments(text, spans_for(text, flags))
