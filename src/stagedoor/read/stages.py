"""The reader's stages, each a small pure function of (document so far, environment), and the default order.

Read DEFAULT_PIPELINE at the bottom top to bottom: that is everything the rules-based reader does.
"""

from __future__ import annotations

from dataclasses import replace

from stagedoor.read import language as lang
from stagedoor.read.context import Cues, judge
from stagedoor.read.lyrics import quoted_spans
from stagedoor.read.normalise import normalise
from stagedoor.read.pipeline import Doc, Env, Stage, stage
from stagedoor.read.plans import PLAN_KINDS, find_plans
from stagedoor.read.severity import build_flags


@stage(requires=("text",), provides=("norm",))
def normalise_stage(doc: Doc, env: Env) -> Doc:
    """Casefold, fold accents and lookalikes, undo "k i l l" and "su1c1de"; keep offsets to the original."""
    return replace(doc, norm=normalise(doc.text))


@stage(requires=("text",), provides=("language", "languages"))
def language_stage(doc: Doc, env: Env) -> Doc:
    """English or French (lingua; a stopword count for scraps). Both lexicons run: fans switch mid-letter."""
    return replace(doc, language=lang.detect(doc.text), languages=lang.LANGUAGES)


@stage(requires=("norm", "languages"), provides=("candidates",))
def patterns_stage(doc: Doc, env: Env) -> Doc:
    """Run the English and French lexicons (a needle prefilter picks the patterns): each match is a candidate."""
    return replace(doc, candidates=env.matcher.hits(doc.normalised.text))


@stage(requires=("norm", "candidates"), provides=("quoted",))
def lyrics_stage(doc: Doc, env: Env) -> Doc:
    """Find passages around the hits that quote the artist's lyrics (fuzzy, from the reader context)."""
    if not doc.candidates or not env.lyrics.lines:
        return doc
    spans = ((h.start, h.end) for h in doc.candidates)
    return replace(doc, quoted=quoted_spans(doc.normalised, spans, env.lyrics, env.context.lyric_similarity))


@stage(requires=("norm", "languages", "candidates", "quoted"), provides=("judged",))
def context_stage(doc: Doc, env: Env) -> Doc:
    """Set aside lyric quotes, hyperbole, negations, other people's stories; soften hypotheticals and the past."""
    if not doc.candidates:
        return doc
    cues = Cues(doc.normalised, env.lexicon, doc.languages)
    return replace(doc, judged=judge(doc.candidates, cues, doc.quoted))


@stage(requires=("norm", "languages", "judged"), provides=("plans",))
def plans_stage(doc: Doc, env: Env) -> Doc:
    """Find a time, place, means or weapon where a hit could make a plan of it."""
    if not any(not h.dismissed and h.entry.category in PLAN_KINDS for h in doc.judged):
        return doc
    return replace(doc, plans=find_plans(doc.normalised, env.lexicon.cue_set("plans", doc.languages)))


@stage(requires=("norm", "judged", "plans"), provides=("flags", "suppressed"))
def severity_stage(doc: Doc, env: Env) -> Doc:
    """One flag per category: severity (imminent with a plan), score, evidence spans, a plain reason."""
    if not doc.judged:
        return doc
    flags, suppressed = build_flags(doc.normalised, doc.judged, doc.plans)
    return replace(doc, flags=flags, suppressed=suppressed)


DEFAULT_PIPELINE: tuple[Stage, ...] = (
    normalise_stage,
    language_stage,
    patterns_stage,
    lyrics_stage,
    context_stage,
    plans_stage,
    severity_stage,
)
