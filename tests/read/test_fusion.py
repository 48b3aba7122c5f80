"""Fusion of rules and the trained model: rule flags stand, model-only flags show their words, context wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stagedoor.domain import Category, Evidence, Flag, Severity
from stagedoor.read.fusion import CategoryFusion, Fusion, FusionError, flag_scores, fuse, word_spans

SPEC = CategoryFusion(coef=(1.0, 1.5, -3.0), intercept=0.0, threshold=0.6, urgent_threshold=0.9)
FUSION = Fusion("test.fusion.v1", {"artist.threat": SPEC, "writer.suicide": SPEC})


def _flag(category: Category, severity: Severity = Severity.CONCERN, text: str = "hurt") -> Flag:
    return Flag(category, severity, 0.55, (Evidence(0, len(text), text),), "A rule said so.", "rule.x")


def _fuse(*args: object) -> tuple[Flag, ...]:
    return fuse(*args)[0]  # type: ignore[arg-type]


def _words(category: str) -> list[str]:
    return {"artist.threat": ["watch your back", "nowhere"]}.get(category, [])


def test_probability_rises_with_the_model_and_the_rule_and_falls_with_a_dismissal() -> None:
    assert SPEC.probability(0.9, 0, False) > SPEC.probability(0.2, 0, False)
    assert SPEC.probability(0.5, 3, False) > SPEC.probability(0.5, 0, False)
    assert SPEC.probability(0.5, 0, True) < SPEC.probability(0.5, 0, False)


def test_a_rule_flag_stands_and_is_rescored_even_when_the_model_disagrees() -> None:
    flags = _fuse(
        "hurt you", [_flag(Category.ARTIST_THREAT)], [], [], {"artist.threat": 0.01}, _words, FUSION
    )
    assert [f.category for f in flags] == [Category.ARTIST_THREAT]
    assert flags[0].severity is Severity.CONCERN and flags[0].rule == "rule.x"
    expected = SPEC.probability(0.01, Severity.CONCERN.rank, False)
    assert flags[0].score == pytest.approx(expected, abs=1e-4)


def test_a_model_only_flag_carries_the_heaviest_words_as_evidence() -> None:
    text = "You should Watch  your back. There is nowhere to hide."
    flags = _fuse(text, [], [], [], {"artist.threat": 0.8, "writer.suicide": 0.01}, _words, FUSION)
    assert [f.category for f in flags] == [Category.ARTIST_THREAT]
    flag = flags[0]
    assert flag.rule == "model:artist.threat" and flag.severity is Severity.CONCERN
    assert [text[e.start : e.end] for e in flag.evidence] == ["Watch  your back", "nowhere"]
    assert "probability 0.80" in flag.reason and "\u201cnowhere\u201d" in flag.reason


def test_the_model_raises_no_flag_of_its_own_in_a_language_it_was_not_trusted_with() -> None:
    flags, probs = fuse("nowhere", [], [], [], {"artist.threat": 0.99}, _words, FUSION, "fr")
    assert flags == ()
    assert probs[Category.ARTIST_THREAT] < SPEC.threshold  # it still ranks, just under a flag
    low = fuse("nowhere", [], [], [], {"artist.threat": 0.2}, _words, FUSION, "fr")[1]
    assert low[Category.ARTIST_THREAT] == pytest.approx(0.2)
    rule = _flag(Category.ARTIST_THREAT)
    kept, probs = fuse("hurt", [rule], [], [], {"artist.threat": 0.001}, _words, FUSION, "fr")
    assert kept == (rule,) and Category.ARTIST_THREAT not in probs  # a French rule flag keeps its own score
    assert dict(flag_scores(kept, probs))[Category.ARTIST_THREAT] == rule.score


def test_a_very_likely_model_only_flag_is_urgent_when_two_of_its_words_stand() -> None:
    flags = _fuse("watch your back, nowhere", [], [], [], {"artist.threat": 0.99}, _words, FUSION)
    assert flags[0].severity is Severity.URGENT and len(flags[0].evidence) == 2


def test_a_model_only_flag_on_one_word_stays_at_concern() -> None:
    flags = _fuse("nowhere", [], [], [], {"artist.threat": 0.99}, _words, FUSION)
    assert flags[0].severity is Severity.CONCERN and len(flags[0].evidence) == 1


def test_no_model_only_flag_below_the_threshold_or_where_context_dismissed_a_hit() -> None:
    assert _fuse("x", [], [], [], {"artist.threat": 0.3}, _words, FUSION) == ()
    text = "watch your back, nowhere"
    assert _fuse(text, [], [], [], {"artist.threat": 0.95}, _words, FUSION) != ()
    aside = (Evidence(0, 15, "watch your back"), Evidence(17, 24, "nowhere"))  # a dismissed hit's words
    assert _fuse(text, [], [], aside, {"artist.threat": 0.95}, _words, FUSION) == ()


def test_no_model_only_flag_on_words_context_set_aside_for_another_category() -> None:
    text = "nowhere to go, watch your back"
    hyperbole = Flag(
        Category.WRITER_SUICIDE, Severity.URGENT, 0.0, (Evidence(0, 7, "nowhere"),), "Not flagged"
    )
    flags = _fuse(text, [], [], hyperbole.evidence, {"artist.threat": 0.8}, _words, FUSION)
    assert [e.text for e in flags[0].evidence] == ["watch your back"]
    only_aside = Flag(Category.WRITER_SUICIDE, Severity.URGENT, 0.0, (Evidence(0, 30, text),), "Not flagged")
    assert _fuse(text, [], [], only_aside.evidence, {"artist.threat": 0.8}, _words, FUSION) == ()


def test_categories_without_a_model_keep_their_rule_flags_untouched() -> None:
    approach = _flag(Category.ARTIST_APPROACH, Severity.IMMINENT)
    assert _fuse("hurt", [approach], [], [], {"artist.threat": 0.1}, _words, FUSION) == (approach,)


def test_word_spans_skip_words_not_in_the_text_and_never_overlap() -> None:
    spans = word_spans("I will find you. Find you!", ["find you", "you", "@user"])
    assert [(e.start, e.end, e.text) for e in spans] == [(7, 15, "find you")]


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


GOOD = {
    "coef": [1, 1, -1],
    "intercept": 0,
    "threshold": 0.5,
    "urgent_threshold": 0.9,
    "model_only_languages": ["en"],
}


def test_a_fusion_config_that_fits_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, {"format_version": 1, "version": "v", "categories": {"artist.threat": GOOD}})
    assert Fusion.load(path, ["artist.threat"]).categories["artist.threat"].threshold == 0.5


@pytest.mark.parametrize(
    ("data", "categories", "message"),
    [
        ({"format_version": 9, "version": "v", "categories": {}}, [], "not format 1"),
        ({"format_version": 1, "version": "v", "categories": {"artist.threat": GOOD}}, ["writer.suicide"], "covers"),
        ({"format_version": 1, "version": "v", "categories": {"artist.threat": {"coef": [1]}}}, ["artist.threat"], "unusable"),
    ],
)  # fmt: skip
def test_a_fusion_config_that_does_not_fit_is_refused_clearly(
    tmp_path: Path, data: object, categories: list[str], message: str
) -> None:
    with pytest.raises(FusionError, match=message):
        Fusion.load(_write(tmp_path, data), categories)


def test_a_missing_fusion_config_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(FusionError, match="make models"):
        Fusion.load(tmp_path / "nope.json", ["artist.threat"])


def test_every_category_gets_a_score_flagged_or_not() -> None:
    flags, probs = fuse("nowhere", [], [], [], {"artist.threat": 0.2, "writer.suicide": 0.9}, _words, FUSION)
    scores = dict(flag_scores(flags, probs))
    assert set(scores) == set(Category)
    assert scores[Category.ARTIST_THREAT] == pytest.approx(SPEC.probability(0.2, 0, False), abs=1e-4)
    assert scores[Category.ARTIST_APPROACH] == 0.0
