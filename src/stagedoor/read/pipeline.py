"""The contract between the reader's stages: what a stage gets, what it must give, and the order check.

A stage is a pure function of (the document so far, a frozen environment). It declares the document fields
it requires and the fields it provides; `check_order` refuses a pipeline where a stage runs before what it
needs, once, when the Reader is built. `stagedoor stages` prints the same declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from stagedoor.domain import Category, Evidence, Flag
from stagedoor.read.context import Cues
from stagedoor.read.fusion import Fusion
from stagedoor.read.lexicon import Lexicon
from stagedoor.read.lyrics import LyricIndex
from stagedoor.read.models import LinearModel
from stagedoor.read.normalise import Normalised
from stagedoor.read.patterns import Hit, Matcher
from stagedoor.read.plans import Plan


@dataclass(frozen=True)
class ReaderContext:
    """What the reader knows about the artist. Frozen: stages read it, never change it."""

    lyrics: tuple[str, ...] = ()
    """The artist's lyric lines: a fan quoting them back raises no flag."""
    lyric_similarity: float = 0.85
    """How close (0..1, difflib ratio) a passage must be to a lyric line to count as quoting it."""
    use_model: bool = True
    """Fuse the shipped trained model with the rules; False reads with the rules alone."""


@dataclass(frozen=True)
class Env:
    """Everything prepared once per Reader from the context and the data files."""

    context: ReaderContext
    lexicon: Lexicon
    matcher: Matcher
    lyrics: LyricIndex
    model: LinearModel | None = None
    fusion: Fusion | None = None


@dataclass(frozen=True)
class Doc:
    """One message as the stages see it: each stage returns a copy with its own fields filled in."""

    message_id: str
    text: str
    norm: Normalised | None = None
    language: str = ""
    languages: tuple[str, ...] = ()
    """Every language whose lexicons and cues apply: both, since one letter may switch between them."""
    candidates: tuple[Hit, ...] = ()
    quoted: tuple[tuple[int, int], ...] = ()
    judged: tuple[Hit, ...] = ()
    aside: tuple[Evidence, ...] = ()
    """Passages context reads as not meant (hyperbole idioms, quoted lyrics), with or without a hit."""
    cues: Cues | None = None
    """The context cues found so far (a memo): fusion vets the model's words with the same searches."""
    plans: tuple[Plan, ...] = ()
    rule_flags: tuple[Flag, ...] = ()
    suppressed: tuple[Flag, ...] = ()
    model_probs: tuple[tuple[str, float], ...] = ()
    """The trained model's calibrated probability per modelled category (empty when it is off)."""
    flags: tuple[Flag, ...] = ()
    scores: tuple[tuple[Category, float], ...] = ()
    """A probability-like score for every category, flagged or not: what evaluation ranks by."""

    @property
    def normalised(self) -> Normalised:
        if self.norm is None:
            raise PipelineError("a stage needs `norm` but the normalise stage has not run")
        return self.norm


DOC_FIELDS = frozenset(f.name for f in fields(Doc))
INPUT_FIELDS = frozenset({"message_id", "text"})


@dataclass(frozen=True)
class StageInfo:
    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    doc: str


@dataclass(frozen=True)
class Stage:
    info: StageInfo
    run: Callable[[Doc, Env], Doc]
    run_many: Callable[[list[Doc], Env], list[Doc]] | None = None
    """The same work over many documents at once, where that is cheaper (a model's matrix product)."""

    def over(self, docs: list[Doc], env: Env) -> list[Doc]:
        return self.run_many(docs, env) if self.run_many is not None else [self.run(d, env) for d in docs]


class PipelineError(ValueError):
    """The stages are in an order where one needs a field that nothing before it provides."""


def stage(
    requires: tuple[str, ...],
    provides: tuple[str, ...],
    many: Callable[[list[Doc], Env], list[Doc]] | None = None,
) -> Callable[[Callable[[Doc, Env], Doc]], Stage]:
    """Declare a stage; its docstring's first line is what `stagedoor stages` prints.

    `many`, when given, must give the same documents as running the stage on each one in turn.
    """

    def wrap(fn: Callable[[Doc, Env], Doc]) -> Stage:
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        return Stage(StageInfo(fn.__name__.removesuffix("_stage"), requires, provides, doc), fn, many)

    return wrap


def check_order(stages: tuple[Stage, ...] | list[Stage]) -> None:
    """Every requirement is provided earlier; every field is provided once and exists on Doc."""
    available = set(INPUT_FIELDS)
    for s in stages:
        unknown = (set(s.info.requires) | set(s.info.provides)) - DOC_FIELDS
        if unknown:
            raise PipelineError(f"stage {s.info.name!r} names unknown fields {sorted(unknown)}")
        missing = set(s.info.requires) - available
        if missing:
            raise PipelineError(
                f"stage {s.info.name!r} requires {sorted(missing)}, which no earlier stage provides"
            )
        again = set(s.info.provides) & available
        if again:
            raise PipelineError(f"stage {s.info.name!r} provides {sorted(again)} a second time")
        available |= set(s.info.provides)
        if not s.info.doc:
            raise PipelineError(f"stage {s.info.name!r} needs a docstring saying what it is for")
