"""The mapping file: truth from rules, benign rows, writer grouping, and the checked-in eval/mapping.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stagedoor.evaluation.collect import Scores, Unit, stagedoor_scores, to_units
from stagedoor.evaluation.mapping import CATEGORIES, EvaluationError, load_mapping

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def _mapping(tmp_path: Path, entries: dict[str, object]) -> Path:
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"about": ["test"], **entries}), encoding="utf-8")
    return path


def test_rules_give_one_zero_or_unscored(tmp_path: Path) -> None:
    rules = {
        "rules": [
            {"field": "labels.v", "in": ["THR"], "label": 1},
            {"field": "labels.c1", "in": ["THR"], "label": None},
        ],
        "else": 0,
    }
    mapping = load_mapping(
        _mapping(
            tmp_path, {"chat": {"categories": {"artist.threat": rules}, "negative_for": ["writer.suicide"]}}
        )
    )
    entry = mapping.entry("chat")
    assert entry.truth({"labels": {"v": "THR"}}) == {"artist.threat": 1, "writer.suicide": 0}
    assert (
        entry.truth({"labels": {"v": "OTH", "c1": "THR"}})["artist.threat"] is None
    )  # one annotator: unsure
    assert entry.truth({"labels": {"v": "OTH"}})["artist.threat"] == 0
    assert entry.categories == ("artist.threat", "writer.suicide")
    assert not entry.benign({"labels": {"v": "OTH"}})


def test_benign_rule_and_own_set_traps(tmp_path: Path) -> None:
    mapping = load_mapping(
        _mapping(
            tmp_path,
            {
                "fans": {
                    "categories": {},
                    "benign": {"rules": [{"field": "labels.CLASS", "in": [0], "label": 1}], "else": 0},
                },
                "ours": {"kind": "categories", "field": "categories"},
            },
        )
    )
    fans, ours = mapping.entry("fans"), mapping.entry("ours")
    assert fans.benign({"labels": {"CLASS": 0}}) and not fans.benign({"labels": {"CLASS": 1}})
    trap = {"labels": {"categories": [], "trap": "hyperbole"}}
    risky = {"labels": {"categories": ["writer.suicide", "artist.threat"], "trap": None}}
    assert ours.benign(trap) and not ours.benign(risky)
    truth = ours.truth(risky)
    assert set(truth) == set(CATEGORIES) and truth["writer.suicide"] == 1 and truth["artist.approach"] == 0


def test_writer_level_takes_the_max_over_a_writers_rows(tmp_path: Path) -> None:
    entry = load_mapping(
        _mapping(tmp_path, {"users": {"level": "writer", "group_by": "author", "categories": {}}})
    ).entry("users")
    rows = [{"author": "u1"}, {"author": "u2"}, {"author": "u1"}, {"author": None}]

    def unit(truth: int | None, score: float, flagged: bool) -> Unit:
        scores = Scores({"writer.suicide": score}, {"writer.suicide": flagged})
        return Unit("g", "users", "en", {"writer.suicide": truth}, False, {"stagedoor": scores})

    units = [unit(None, 0.2, False), unit(0, 0.1, False), unit(1, 0.9, True), unit(0, 0.5, False)]
    merged = to_units(zip([entry.writer(r) for r in rows], units, strict=True))
    assert len(merged) == 3  # u1 (two posts), u2, and the row without an author on its own
    u1 = merged[0]
    assert u1.truth["writer.suicide"] == 1 and u1.systems["stagedoor"].score["writer.suicide"] == 0.9
    assert u1.systems["stagedoor"].flagged["writer.suicide"]


def test_routing_threshold_is_concern() -> None:
    reading = {"flags": [
        {"category": "artist.threat", "severity": "low", "score": 0.4},
        {"category": "writer.suicide", "severity": "concern", "score": 0.3},
        {"category": "writer.suicide", "severity": "urgent", "score": 0.7},
    ]}  # fmt: skip
    scores = stagedoor_scores(reading)
    assert scores.score["artist.threat"] == 0.4 and not scores.flagged["artist.threat"]
    assert scores.score["writer.suicide"] == 0.7 and scores.flagged["writer.suicide"]
    assert scores.score["artist.approach"] == 0.0 and scores.any_flag


def test_unknown_source_names_the_source_and_the_file(tmp_path: Path) -> None:
    mapping = load_mapping(_mapping(tmp_path, {"known": {"categories": {}}}))
    with pytest.raises(EvaluationError, match=r"'mystery'.*mapping\.json"):
        mapping.entry("mystery")


@pytest.mark.parametrize(
    "entry",
    [{"level": "writer", "categories": {}}, {"categories": {"artist.stalking": {}}}, {"kind": "other"}],
)
def test_bad_entries_are_refused(tmp_path: Path, entry: dict[str, object]) -> None:
    with pytest.raises(EvaluationError):
        load_mapping(_mapping(tmp_path, {"bad": entry}))


def test_checked_in_mapping_covers_the_targets() -> None:
    mapping = load_mapping()
    assert mapping.entries["stagedoor_fr_eval_v1"].kind == "categories"
    cssrs = mapping.entry("reddit_cssrs_500users_gaur2019")
    assert cssrs.level == "writer" and cssrs.group_by == "author"
    assert cssrs.truth({"labels": {"Label": "Behavior"}}) == {"writer.suicide": 1}
    assert cssrs.truth({"labels": {"Label": "Supportive"}}) == {"writer.suicide": 0}
    uci = mapping.entry("UCI YouTube Spam Collection (Alberto et al. 2015)")
    assert uci.benign({"labels": {"CLASS": 0}}) and [t.metric for t in uci.targets] == ["false_alarm"]
    named = [t.name for e in mapping.entries.values() for t in e.targets]
    assert len(named) == 6 and all(
        e.spec.get("why") for k, e in mapping.entries.items() if k != "stagedoor_fr_eval_v1"
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not in this checkout")
def test_every_shared_source_has_an_entry() -> None:
    mapping = load_mapping()
    for path in SHARED.glob("*/*/data.jsonl"):
        with path.open(encoding="utf-8") as handle:
            mapping.entry(json.loads(handle.readline())["source"])
