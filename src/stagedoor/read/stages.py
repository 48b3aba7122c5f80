"""The reader's stages, each a small pure function of (document so far, environment), and the default order.

Read DEFAULT_PIPELINE at the bottom top to bottom: that is everything the rules-based reader does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from stagedoor.domain import Category, Evidence
from stagedoor.read import language as lang
from stagedoor.read.context import Cues, hyperbole_spans, judge, vet_model_evidence
from stagedoor.read.fusion import flag_scores, fuse
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
    """Find passages that quote the artist's lyrics (fuzzy): around the hits, and anywhere once models read."""
    if not env.lyrics.lines or not (doc.candidates or env.model is not None):
        return doc
    spans = [(h.start, h.end) for h in doc.candidates]
    if env.model is not None:  # a model-only flag may rest on a quoted line that no lexicon entry matched
        spans += list(doc.normalised.sentences)
    return replace(doc, quoted=quoted_spans(doc.normalised, spans, env.lyrics, env.context.lyric_similarity))


@stage(requires=("norm", "languages", "candidates", "quoted"), provides=("judged", "aside", "cues"))
def context_stage(doc: Doc, env: Env) -> Doc:
    """Set aside lyric quotes, hyperbole, negations, other people's stories; soften hypotheticals and the past."""
    cues = Cues(doc.normalised, env.lexicon, doc.languages)
    aside = tuple(doc.normalised.evidence(a, b) for a, b in (*hyperbole_spans(cues), *doc.quoted))
    if not doc.candidates:
        return replace(doc, aside=aside, cues=cues)
    return replace(doc, judged=judge(doc.candidates, cues, doc.quoted), aside=aside, cues=cues)


@stage(requires=("norm", "languages", "judged"), provides=("plans",))
def plans_stage(doc: Doc, env: Env) -> Doc:
    """Find a time, place, means or weapon where a hit could make a plan of it."""
    if not any(not h.dismissed and h.entry.category in PLAN_KINDS for h in doc.judged):
        return doc
    return replace(doc, plans=find_plans(doc.normalised, env.lexicon.cue_set("plans", doc.languages)))


@stage(requires=("norm", "judged", "plans"), provides=("rule_flags", "suppressed"))
def severity_stage(doc: Doc, env: Env) -> Doc:
    """One rule flag per category: severity (imminent with a plan), evidence spans, a plain reason."""
    if not doc.judged:
        return doc
    flags, suppressed = build_flags(doc.normalised, doc.judged, doc.plans)
    return replace(doc, rule_flags=flags, suppressed=suppressed)


def _model_many(docs: list[Doc], env: Env) -> list[Doc]:
    if env.model is None or not docs:
        return docs
    categories = env.model.categories
    probs = env.model.predict_proba([d.text for d in docs])
    return [
        replace(d, model_probs=tuple(zip(categories, map(float, row), strict=True)))
        for d, row in zip(docs, probs, strict=True)
    ]


@stage(requires=("text",), provides=("model_probs",), many=_model_many)
def model_stage(doc: Doc, env: Env) -> Doc:
    """The trained linear model (hashed word and character n-grams): a calibrated probability per category."""
    return _model_many([doc], env)[0]


@stage(
    requires=("text", "language", "rule_flags", "suppressed", "aside", "cues", "model_probs"),
    provides=("flags", "scores"),
)
def fusion_stage(doc: Doc, env: Env) -> Doc:
    """Rules and model into one calibrated score per category; a model-only flag shows its heaviest words."""
    if env.model is None or env.fusion is None or not doc.model_probs:
        return replace(doc, flags=doc.rule_flags, scores=flag_scores(doc.rule_flags, {}))
    model = env.model

    def top_words(category: str) -> list[str]:
        return [word for word, _ in model.top_features(doc.text, category, k=4)]

    aside = (*doc.aside, *(e for f in doc.suppressed for e in f.evidence))
    cues = doc.cues or Cues(doc.normalised, env.lexicon, doc.languages)

    def vet(category: Category, words: Sequence[Evidence], aside: Sequence[Evidence]) -> tuple[Evidence, ...]:
        return vet_model_evidence(category, words, aside, doc.normalised, cues)

    flags, probs = fuse(
        doc.text,
        doc.rule_flags,
        doc.suppressed,
        aside,
        dict(doc.model_probs),
        top_words,
        env.fusion,
        doc.language,
        vet,
    )
    return replace(doc, flags=flags, scores=flag_scores(flags, probs))


DEFAULT_PIPELINE: tuple[Stage, ...] = (
    normalise_stage,
    language_stage,
    patterns_stage,
    lyrics_stage,
    context_stage,
    plans_stage,
    severity_stage,
    model_stage,
    fusion_stage,
)
