"""Required literals of a regex: the prefilter that lets hundreds of lexicon patterns run in a millisecond.

Python's `re` has no multi-pattern engine, and trying 700 patterns at every position of every message is
far too slow (one big alternation is slower still). But nearly every lexicon pattern contains words that
any match must contain ("envie de mourir", "kill myself", "hotel"). We read those words off the parsed
regex, and the matcher runs a pattern only when one of them is a substring of the text: a C-speed `in`
test. A `\\s+` inside a needle is written as one space and tested against the text with its whitespace
squeezed. The extraction is conservative: when in doubt it returns nothing, and the pattern always runs.
"""

from __future__ import annotations

import importlib
from typing import Any

MIN_NEEDLE = 3
MAX_VARIANTS = 16
COMMON = frozenset(
    [
        "you",
        "your",
        "the",
        "and",
        "that",
        "this",
        "with",
        "for",
        "are",
        "was",
        "have",
        "not",
        "but",
        "all",
        "can",
        "just",
        "what",
        "when",
        "will",
        "would",
        "les",
        "des",
        "que",
        "qui",
        "pour",
        "pas",
        "mais",
        "tout",
        "avec",
        "dans",
        "sur",
        "une",
        "est",
        "toi",
        "moi",
        "ton",
        "ta",
        "tes",
        "mon",
        "mes",
        "elle",
        "suis",
    ]
)
"""Words in nearly every message: a needle among them filters nothing, so a rarer one is preferred."""

_parser: Any = importlib.import_module("re._parser")  # the stdlib's own regex parser (private, 3.11+)
_c: Any = importlib.import_module("re._constants")
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


def required_literals(pattern: str) -> tuple[str, ...]:
    """Strings one of which occurs in every match of `pattern` (whitespace squeezed); () if none is useful."""
    try:
        found = _required(_parser.parse(pattern))
    except Exception:  # an unfamiliar parse tree: never guess, just run the pattern
        return ()
    return tuple(sorted(found)) if found else ()


def squeeze(text: str) -> str:
    """The text as needles see it: every run of whitespace made one space."""
    return " ".join(text.split())


def _required(sequence: Any) -> set[str] | None:
    best: set[str] | None = None
    run: set[str] = {""}

    def offer(candidate: set[str] | None) -> None:
        nonlocal best
        useful = bool(candidate) and min(len(s.strip()) for s in candidate or ()) >= MIN_NEEDLE
        if useful and (best is None or _rank(candidate or set()) > _rank(best)):
            best = candidate

    for op, av in sequence:
        extended = _extend(run, op, av)
        if extended is not None:
            run = extended
            continue
        if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1 and av[2][0][0] is _c.LITERAL:
            offer({r + chr(av[2][0][1]) for r in run})  # "g+": one g is certain, what follows is not
            run = {""}
            continue
        offer(run)
        run = {""}
        if op is _c.SUBPATTERN:
            offer(_required(av[-1]))
        elif op is _c.BRANCH:
            alternatives = [_required(branch) for branch in av[1]]
            if all(alternatives):
                offer(set().union(*[a for a in alternatives if a]))
        elif op in _REPEATS and av[0] >= 1:
            offer(_required(av[2]))
    offer(run)
    return best


def _extend(run: set[str], op: Any, av: Any) -> set[str] | None:
    """The run with this item appended, or None when the item ends the run."""
    if op is _c.LITERAL:
        return {r + chr(av) for r in run}
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in av) and len(run) * len(av) <= MAX_VARIANTS:
        return {r + chr(ch) for r in run for _, ch in av}
    if op in _REPEATS and av[0] >= 1 and _is_whitespace(av[2]):
        return {r + " " for r in run}
    if op in _REPEATS and (av[0], av[1]) == (0, 1) and len(run) * 2 <= MAX_VARIANTS:
        item = list(av[2])
        if len(item) == 1 and item[0][0] is _c.LITERAL:
            return run | {r + chr(item[0][1]) for r in run}  # "i'?m": either "im" or "i'm"
    return None


def _is_whitespace(item: Any) -> bool:
    """`\\s` alone: one token, a class holding only the whitespace category."""
    return len(item) == 1 and item[0][0] is _c.IN and list(item[0][1]) == [(_c.CATEGORY, _c.CATEGORY_SPACE)]


def _rank(candidate: set[str]) -> tuple[int, int, int]:
    """Rarer first: no everyday word in the set, then a longer shortest member, then fewer members."""
    return -sum(s.strip() in COMMON for s in candidate), min(len(s) for s in candidate), -len(candidate)
