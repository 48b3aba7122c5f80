"""Undo the disguises writers use, keeping a map from every normalised character back to the original text.

Harassers write "k.i.l.l", "su1c1de" or Cyrillic lookalikes to slip past filters; people in crisis write
"diiiie" or "j'ai plus envie". Every later stage matches on `Normalised.text` (casefolded and accent-folded,
so lexicons are written once without accents), and turns what it finds back into offsets of the original
message with `Normalised.span`: the evidence an analyst sees is exactly what the writer wrote.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from stagedoor.domain import Evidence

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")

# Lookalikes met in obfuscated abuse, after casefolding: Cyrillic and Greek letters that read as Latin.
HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "һ": "h",
    "ԛ": "q", "ԝ": "w", "ь": "b", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y", "ı": "i", "ɑ": "a", "ɡ": "g",
}  # fmt: skip

# Typographic variants folded to one ASCII form, so patterns need one apostrophe and one quote mark.
PUNCTUATION = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "œ": "oe", "æ": "ae",
}  # fmt: skip

# Leetspeak, applied only to symbols inside words: "k1ll" becomes "kill", "le 12 mars" stays a date.
LEET_INSIDE = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
}
LEET_END = {"0": "o", "1": "i", "3": "e", "$": "s"}

_LEET_HINT = re.compile(r"[a-z][0-9@$!|]|\$[a-z]")
_TOKEN = re.compile(r"[a-z0-9@$!|]+")
_NON_LETTERS = re.compile(r"[^a-z]+")
_SPACED_HINT = re.compile(r"(?<![a-z0-9@$])[a-z0-9@$]([ .\-*_·/])[a-z0-9@$]\1[a-z0-9@$](?![a-z0-9@$])")
_SPACED = re.compile(r"(?<![a-z0-9@$])[a-z0-9@$]([ .\-*_·/])[a-z0-9@$](?:\1[a-z0-9@$])+(?![a-z0-9@$])")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_SENTENCE_END = re.compile(r"[.!?;…\n]+")
_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


@dataclass(frozen=True)
class Normalised:
    """The matching view of a text. `starts[i]`/`ends[i]` give the original span of normalised char `i`."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets covering normalised `text[start:end]` (end exclusive)."""
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def evidence(self, start: int, end: int) -> Evidence:
        a, b = self.span(start, end)
        return Evidence(a, b, self.original[a:b])

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Sentence spans of `text`: context cues and plans only count within a sentence of a hit."""
        spans, at = [], 0
        for m in _SENTENCE_END.finditer(self.text):
            if m.start() > at:
                spans.append((at, m.start()))
            at = m.end()
        if at < len(self.text):
            spans.append((at, len(self.text)))
        return tuple(spans) or ((0, 0),)

    @cached_property
    def _sentence_starts(self) -> tuple[int, ...]:
        return tuple(start for start, _ in self.sentences)

    def sentence_index(self, offset: int) -> int:
        """The sentence holding normalised `offset` (the one before, when it falls on punctuation)."""
        return max(0, bisect_right(self._sentence_starts, offset) - 1)


def normalise(text: str) -> Normalised:
    """NFKC, casefold, strip invisible characters, fold lookalikes and accents, undo spacing and leetspeak."""
    chars, starts, ends = _fold_characters(text)
    s = "".join(chars)
    if _SPACED_HINT.search(s):
        s, starts, ends = _join_spaced(s, starts, ends)
    if _LEET_HINT.search(s):
        s = _undo_leet(s)
    if _ELONGATED.search(s):
        s, starts, ends = _shorten_elongations(s, starts, ends)
    return Normalised(text, s, tuple(starts), tuple(ends))


def fold(text: str) -> str:
    """The normalised text alone, for lexicon patterns, cue lists and lyrics."""
    return normalise(text).text


def fold_pattern(pattern: str) -> str:
    """Fold a regex the way texts are folded, touching only non-ASCII characters so `\\W` stays `\\W`."""
    return "".join(c if c.isascii() else _fold_char(c) for c in pattern)


def _fold_characters(text: str) -> tuple[list[str], list[int], list[int]]:
    if text.isascii():
        lowered = text.lower().replace("`", "'")
        return list(lowered), list(range(len(text))), list(range(1, len(text) + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if not folded:
            if ends and unicodedata.combining(ch):
                ends[-1] = i + 1  # a combining accent belongs to the letter before it
            continue
        for c in folded:
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    return chars, starts, ends


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in ZERO_WIDTH:
        return ""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = PUNCTUATION.get(c, c)
        c = HOMOGLYPHS.get(c, c)
        out.append("".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d)))
    return "".join(out)


def _join_spaced(s: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """ "k i l l" -> "kill", "s.u.i.c.i.d.e" -> "suicide": single characters joined by one repeated separator."""
    drop: set[int] = set()
    for m in _SPACED.finditer(s):
        letters = m.group()[::2]
        if sum(c.isalpha() for c in letters) < 2:
            continue
        if m.group(1) == " " and not _CONSONANTS.intersection(letters):
            continue  # "il y a a" is French, not a spelled-out word
        start = m.start()
        if m.group(1) == " " and len(letters) >= 4 and letters[0] in "ia":
            start += 2  # "I k i l l": the first letter is the word "I"
        drop.update(range(start + 1, m.end(), 2))
    return _drop(s, starts, ends, drop)


def _undo_leet(s: str) -> str:
    out = list(s)
    for m in _TOKEN.finditer(s):
        token = m.group()
        if token.isalpha() or token[0].isdigit() or not any(c.isalpha() for c in token):
            continue  # words, and numbers with units ("8pm", "3rd", "10h30"), stay as written
        if "@" in token and (token[0] == "@" or s[m.end() : m.end() + 1] == "."):
            continue  # a handle or an e-mail address
        for run in _NON_LETTERS.finditer(token):
            table = LEET_INSIDE if run.start() > 0 and run.end() < len(token) else None
            if run.start() > 0 and run.end() == len(token):
                table = LEET_END
            elif run.start() == 0 and set(run.group()) == {"$"}:
                table = LEET_INSIDE
            if table is None or not all(c in table for c in run.group()):
                continue
            for k, c in enumerate(run.group()):
                out[m.start() + run.start() + k] = table[c]
    return "".join(out)


def _shorten_elongations(s: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """ "diiiie" -> "die", "nooon" -> "non": three or more of a letter become one."""
    drop: set[int] = set()
    ends = list(ends)
    for m in _ELONGATED.finditer(s):
        drop.update(range(m.start() + 1, m.end()))
        ends[m.start()] = ends[m.end() - 1]
    return _drop(s, starts, ends, drop)


def _drop(s: str, starts: list[int], ends: list[int], drop: set[int]) -> tuple[str, list[int], list[int]]:
    keep = [i for i in range(len(s)) if i not in drop]
    return "".join(s[i] for i in keep), [starts[i] for i in keep], [ends[i] for i in keep]
