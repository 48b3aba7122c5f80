"""Stage 5: read each candidate hit in its context, and set aside or soften the ones that are not what they seem.

Fan mail is full of deadly words used lovingly: "this song is killing me", "je suis morte de rire", a lyric
about disappearing quoted back, "I would never hurt you", "my friend wants to die and your music helps her".
Each check below names its reason; a set-aside hit is kept so the desk can say "not flagged: hyperbole".
Checks lean towards keeping a hit: a missed cry for help costs more than a second look at a love letter.

Set aside (dismissed): quoted lyric (unless the writer owns it: "that's exactly how I feel"), hyperbole,
negated, about someone else.
Kept at `low` (downgraded), writer-side only: hypothetical and fan raptures (hits at concern or below), in the
past (urgent or below). An imminent hit, or an urgent one said in jest, stands: better a second look.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from stagedoor.domain import Category, Evidence, Severity, Side
from stagedoor.read.language import ENGLISH_WORDS, FRENCH_WORDS
from stagedoor.read.lexicon import Cue, Entry, Lexicon
from stagedoor.read.normalise import Normalised
from stagedoor.read.patterns import Hit

QUOTED, HYPERBOLE, NEGATED, SOMEONE_ELSE = "quoted lyric", "hyperbole", "negated", "about someone else"
HYPOTHETICAL, PAST, JOKING = "hypothetical", "in the past", "sounds like fan hyperbole"
NEGATION_GAP = 4
"""At most this many (transparent) words between a negation and the hit it governs."""
SUBJECT_WORDS = 12
CONTEXT_CHARS = 1000
"""Context is read at most this far either side of a hit, even in a sentence that never ends: with the budget
of hits per category (patterns.HITS_PER_CATEGORY), the work per message stays linear in its length."""
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s-\s|\b(?:but|and|so|because|cause|cuz|then|when|while|which|who|here'?s|here is"
    r"|mais|et|donc|parce que|car|puis|alors|quand|sinon|voici|voila)\b"
)
_WORD = re.compile(r"\S+")
_GAP_WORD = re.compile(r"[^\W\d_]+'?|\d+")
_CONDITION = re.compile(r"\b(?:if|unless|si|sauf si|a moins que)\b")
"""A negation inside a condition ("if you don't answer, you'll regret it") does not negate the threat."""


@dataclass
class Cues:
    """The context cue sets of one message's languages, each searched at most once per message."""

    norm: Normalised
    lexicon: Lexicon
    languages: tuple[str, ...]
    _found: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    _index: dict[str, tuple[list[int], list[int], int]] = field(default_factory=dict)
    """Per cue set: match starts in order, the match behind each, the longest match (so lookups bisect)."""

    def matches(self, name: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every cue of data file `name` in the text."""
        if name not in self._found:
            cues: tuple[Cue, ...] = self.lexicon.cue_set(name, self.languages)
            self._found[name] = [
                (m.start(), m.end(), c.kind) for c in cues for m in c.regex.finditer(self.norm.text)
            ]
        return self._found[name]

    @property
    def transparent(self) -> list[Cue]:
        return [c for c in self.lexicon.cue_set("negation", self.languages) if c.kind == "transparent"]

    def within(self, name: str, start: int, end: int, kind: str | None = None) -> list[tuple[int, int, str]]:
        """The matches inside [start, end], in the order `matches` gives them."""
        starts, order, _ = self._indexed(name)
        found = self.matches(name)
        picked = (found[i] for i in sorted(order[bisect_left(starts, start) : bisect_right(starts, end)]))
        return [m for m in picked if m[1] <= end and (kind is None or m[2] == kind)]

    def overlaps(self, name: str, start: int, end: int, kind: str) -> bool:
        """Whether a match of `kind` overlaps [start, end)."""
        starts, order, longest = self._indexed(name)
        found = self.matches(name)
        near = order[bisect_left(starts, start - longest + 1) : bisect_left(starts, end)]
        return any(found[i][1] > start and found[i][2] == kind for i in near)

    def _indexed(self, name: str) -> tuple[list[int], list[int], int]:
        if name not in self._index:
            found = self.matches(name)
            order = sorted(range(len(found)), key=lambda i: found[i][0])
            longest = max((e - s for s, e, _ in found), default=0)
            self._index[name] = ([found[i][0] for i in order], order, longest)
        return self._index[name]


def hyperbole_spans(cues: Cues) -> list[tuple[int, int]]:
    """Every fan-hyperbole idiom in the text, hit or not: the trained model must not flag these words either."""
    return [(s, e) for s, e, kind in cues.matches("hyperbole") if kind == "hyperbole"]


def vet_model_evidence(
    category: Category,
    words: Sequence[Evidence],
    aside: Sequence[Evidence],
    norm: Normalised,
    cues: Cues,
) -> tuple[Evidence, ...]:
    """The model's words (heaviest first) that context lets stand, each read as if it were a lexicon hit.

    Function words ("to the", "my") are no evidence. A content word inside a passage set aside (hyperbole,
    a quoted lyric), negated ("never hurt") or about someone else ("my friend wants to die") falls as a rule
    hit would; when the heaviest content word falls, so does the flag: "I'd kill for tickets" rests on "kill".
    """
    kept: list[Evidence] = []
    for e in words:
        if not content_words(e.text):
            continue
        stands = not any(e.start < a.end and a.start < e.end for a in aside) and _stands(
            category, e, norm, cues
        )
        if not stands and not kept:
            return ()
        if stands:
            kept.append(e)
    return tuple(kept)


def _stands(category: Category, e: Evidence, norm: Normalised, cues: Cues) -> bool:
    start, end = bisect_left(norm.starts, e.start), bisect_right(norm.ends, e.end)
    verdict = _judge(Hit(_model_entry(category), start, max(end, start + 1)), cues, ())
    return not verdict.dismissed and not verdict.downgraded


def content_words(text: str) -> list[str]:
    """The words of `text` that are not English or French function words."""
    words = _GAP_WORD.findall(text.casefold())
    function = ENGLISH_WORDS | FRENCH_WORDS | _FUNCTION_WORDS
    return [w for w in words if w not in function and not w.isdigit()]


_FUNCTION_WORDS = frozenset(
    [
        "about",
        "all",
        "also",
        "any",
        "anyone",
        "anything",
        "as",
        "at",
        "be",
        "been",
        "being",
        "both",
        "by",
        "can",
        "cant",
        "car",
        "ces",
        "cet",
        "could",
        "did",
        "do",
        "does",
        "donc",
        "done",
        "dont",
        "each",
        "even",
        "ever",
        "every",
        "everybody",
        "everyone",
        "everything",
        "from",
        "get",
        "going",
        "gonna",
        "got",
        "had",
        "has",
        "have",
        "here",
        "hers",
        "him",
        "into",
        "just",
        "leur",
        "lui",
        "mine",
        "myself",
        "never",
        "nobody",
        "nothing",
        "of",
        "only",
        "se",
        "shall",
        "should",
        "some",
        "somebody",
        "someone",
        "something",
        "still",
        "te",
        "than",
        "their",
        "them",
        "then",
        "there",
        "these",
        "those",
        "to",
        "us",
        "wanna",
        "will",
        "won't",
        "wont",
        "would",
        "yours",
        "yourself",
    ]
)
"""Words too common to be the reason for a flag that the language detector's stopword lists lack."""


def _model_entry(category: Category) -> Entry:
    return Entry(
        id=f"model:{category.value}",
        language="",
        category=category,
        severity=Severity.CONCERN,
        reason="",
        first_person=True,
        pattern="",
        regex=re.compile(""),
        needles=(),
        examples=(),
    )


def judge(hits: tuple[Hit, ...], cues: Cues, quoted: tuple[tuple[int, int], ...]) -> tuple[Hit, ...]:
    """Every hit, some marked `dismissed` or `downgraded` with the reason; the one standing for hits past the
    budget is not read, so it stands as written."""
    return tuple(hit if hit.unread else _judge(hit, cues, quoted) for hit in hits)


def _judge(hit: Hit, cues: Cues, quoted: tuple[tuple[int, int], ...]) -> Hit:
    if any(start <= hit.start and hit.end <= end for start, end in quoted) and not _owned(hit, cues):
        return replace(hit, dismissed=QUOTED)
    if cues.overlaps("hyperbole", hit.start, hit.end, "hyperbole"):
        return replace(hit, dismissed=HYPERBOLE)
    if _negated(hit, cues):
        return replace(hit, dismissed=NEGATED)
    if hit.entry.first_person and _about_someone_else(hit, cues):
        return replace(hit, dismissed=SOMEONE_ELSE)
    if hit.entry.category.side is Side.WRITER:
        why = _softener(hit, cues)
        if why:
            return replace(hit, downgraded=why)
    return hit


def _owned(hit: Hit, cues: Cues) -> bool:
    """The writer makes a quoted lyric their own ("that's exactly how I feel"): it is a self-report after all."""
    return any(cues.within("owning", a, b) for a, b in _sentences(cues.norm, hit.start, after=1))


def _negated(hit: Hit, cues: Cues) -> bool:
    """A negation word before the hit, in its clause, with only auxiliaries and adverbs in between.

    "I'm not going to kill myself" is negated; "she won't answer anyone here's her number" is not, and
    neither is "I can't stop" (an unnegation) nor "if you don't answer, you'll regret it" (a condition).
    """
    norm = cues.norm
    start = _clause_start(norm, hit.start)
    sentence_start = _sentences(norm, hit.start)[0][0]
    lifted = cues.within("negation", sentence_start, hit.end, "unnegation")
    for ns, ne, _ in cues.within("negation", start, hit.start, "negation"):
        if any(ls <= ns and ne <= le for ls, le, _ in lifted) or _CONDITION.search(norm.text, start, ns):
            continue
        gap = _GAP_WORD.findall(norm.text, ne, hit.start)
        if len(gap) <= NEGATION_GAP and all(_transparent(word, cues) for word in gap):
            return True
    return False


def _transparent(word: str, cues: Cues) -> bool:
    """An auxiliary, adverb or pronoun that lets a negation reach past it ("not *going to* kill myself")."""
    return any(c.regex.fullmatch(word) for c in cues.transparent)


def _about_someone_else(hit: Hit, cues: Cues) -> bool:
    """The nearest subject before the hit is a third person ("my friend", "elle"), not the writer."""
    if cues.within("perspective", hit.start, hit.end, "first"):
        return False
    start = _window_start(cues.norm, hit.start, SUBJECT_WORDS)
    subjects = cues.within("perspective", start, hit.start)
    return bool(subjects) and max(subjects, key=lambda m: m[1])[2] == "third"


def _softener(hit: Hit, cues: Cues) -> str:
    """Why a writer-side hit stands at `low` only, or "" when it stands as written."""
    norm = cues.norm
    [(s_start, s_end)] = _sentences(norm, hit.start)
    severity = hit.entry.severity
    if severity <= Severity.CONCERN and cues.within(
        "hypothetical", _window_start(norm, hit.start, SUBJECT_WORDS), hit.start
    ):
        return HYPOTHETICAL
    near = _sentences(norm, hit.start, before=1, after=1)
    recovered = [m for a, b in near for m in cues.within("past", a, b, "recovered")]
    present = [
        p
        for p in cues.within("past", s_start, s_end, "present")
        if not any(_overlap(p, r) for r in recovered)
    ]
    if (
        severity <= Severity.URGENT
        and not present
        and (recovered or cues.within("past", s_start, s_end, "past"))
    ):
        return PAST
    if severity <= Severity.CONCERN and cues.within("hyperbole", s_start, s_end, "glee"):
        return JOKING
    return ""


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sentences(norm: Normalised, offset: int, before: int = 0, after: int = 0) -> list[tuple[int, int]]:
    """The sentence holding `offset` (with `before` and `after` more), each cut to CONTEXT_CHARS around it."""
    here = norm.sentence_index(offset)
    low, high = offset - CONTEXT_CHARS, offset + CONTEXT_CHARS
    return [(max(a, low), min(b, high)) for a, b in norm.sentences[max(0, here - before) : here + after + 1]]


def _clause_start(norm: Normalised, offset: int) -> int:
    start = _sentences(norm, offset)[0][0]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(norm.text, start, offset)]
    return max([start, *breaks])


def _window_start(norm: Normalised, offset: int, words: int) -> int:
    """Where the `words` words before `offset`, within its sentence, begin."""
    start = _sentences(norm, offset)[0][0]
    tail = list(_WORD.finditer(norm.text, start, offset))
    return tail[-words].start() if len(tail) >= words else start
