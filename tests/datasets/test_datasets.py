"""Training data: the label map, the writer-level split and dedup across sets, on synthetic JSONL."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from stagedoor.datasets.corpus import load_examples, normalise, read_set, split_of
from stagedoor.datasets.labelmap import load_label_map, merge_labels
from stagedoor.read.models import default_model_path

ROOT = Path(__file__).resolve().parents[2]
PROVENANCE = ROOT.parent / "shared" / "data" / "PROVENANCE.md"

# The `use` column of ../shared/data/PROVENANCE.md, copied so the tests run without the data.
TRAIN_AND_EVAL = {
    "counsel_chat_questions", "cssrs_reddit_500", "depression_severity_reddit_naseem2022", "depsign_ltedi2022",
    "dreaddit_stress", "sdcnl_reddit_suicide_vs_depression", "twitter_suicidal_ideation_kaggle",
    "ami_ibereval2018_en", "convabuse_cercascurry2021", "cyberagressionado_v2_fr", "davidson_hate_offensive", "ethos",
    "formspring_cyberbullying", "mlma_hate_speech", "olid_offenseval2019", "threat_youtube_hammer2019",
    "youtoxic_english_1000", "youtube_spam_collection_uci",
}  # fmt: skip
EVAL_ONLY = {"cams_causes_reddit_garg2022", "irf_interpersonal_risk_reddit_garg2023"}


def _entry(folder: str, source: str, group: list[str], categories: dict[str, Any]) -> dict[str, Any]:
    return {
        "folder": folder,
        "source": source,
        "use": "train and eval",
        "group": group,
        "why": "synthetic",
        "categories": categories,
        "negative_for": [],
    }


THREAT_RULE = {"artist.threat": {"rules": [{"field": "labels.threat", "in": [1], "label": 1}], "else": 0}}
SYNTHETIC_MAP: dict[str, Any] = {
    "version": "test",
    "modelled": ["artist.threat", "writer.suicide"],
    "not_modelled": {},
    "excluded": {"eval_set": "eval only"},
    "datasets": {
        "comments": _entry("a/comments", "synthetic comments", ["author"], THREAT_RULE),
        "tweets": _entry("w/tweets", "synthetic tweets", [], THREAT_RULE),
    },
}


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _row(i: int, text: str, source: str, author: str | None, threat: int) -> dict[str, Any]:
    labels = {"threat": threat}
    return {
        "id": str(i),
        "text": text,
        "lang": "en",
        "labels": labels,
        "author": author,
        "time": None,
        "source": source,
    }


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Synthetic: 60 commenters with 4 comments each, tweets, one text shared by both sets."""
    comments = [
        _row(i, f"comment {i} by writer {i % 60}", "synthetic comments", f"user{i % 60}", int(i % 7 == 0))
        for i in range(240)
    ]
    comments.append(_row(999, "You WILL regret this!!", "synthetic comments", "user1", 0))
    tweets = [_row(i, f"tweet number {i}", "synthetic tweets", None, 0) for i in range(50)]
    tweets.append(_row(1000, "you will regret this", "synthetic tweets", None, 1))
    _write(tmp_path / "a" / "comments" / "data.jsonl", comments)
    _write(tmp_path / "w" / "tweets" / "data.jsonl", tweets)
    _write(tmp_path / "e" / "eval_set" / "data.jsonl", [_row(0, "never read", "eval", None, 1)])
    return tmp_path


def test_no_author_is_on_both_sides_of_the_split(data_dir: Path) -> None:
    sides: dict[str, set[str]] = defaultdict(set)
    for ex in load_examples(data_dir, SYNTHETIC_MAP):
        for row in ex.rows.values():
            if row["author"]:
                sides[row["author"]].add(ex.split)
    assert len(sides) == 60
    assert all(len(s) == 1 for s in sides.values())
    assert {s for v in sides.values() for s in v} == {"train", "calibration", "dev"}


def test_the_split_is_a_stable_hash_near_70_10_20() -> None:
    splits = [split_of(f"group-{i}") for i in range(5000)]
    assert splits == [split_of(f"group-{i}") for i in range(5000)]
    assert 0.17 < splits.count("dev") / 5000 < 0.23
    assert 0.08 < splits.count("calibration") / 5000 < 0.12


def test_texts_shared_by_two_sets_are_merged_and_a_positive_wins(data_dir: Path) -> None:
    examples = load_examples(data_dir, SYNTHETIC_MAP)
    shared = [ex for ex in examples if ex.key == normalise("you will regret this")]
    assert len(shared) == 1
    assert set(shared[0].sets) == {"comments", "tweets"}
    assert shared[0].labels["artist.threat"] == 1
    assert shared[0].group == "comments:user1"
    assert len(examples) == 240 + 50 + 1


def test_eval_only_sets_are_never_read(data_dir: Path) -> None:
    examples = load_examples(data_dir, SYNTHETIC_MAP)
    assert all("eval_set" not in ex.sets for ex in examples)


def test_a_set_marked_eval_only_cannot_enter_the_label_map(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(SYNTHETIC_MAP))
    bad["datasets"]["tweets"]["use"] = "eval only"
    path = tmp_path / "label_map.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="only `train and eval`"):
        load_label_map(path)


def test_a_row_from_another_source_is_refused(data_dir: Path) -> None:
    entry = dict(SYNTHETIC_MAP["datasets"]["tweets"], source="something else")
    with pytest.raises(ValueError, match="source"):
        read_set(data_dir, "tweets", entry)


def test_merge_labels_prefers_positive_then_uncertain_then_negative() -> None:
    assert merge_labels({"a": 0}, {"a": 1}) == {"a": 1}
    assert merge_labels({"a": 0}, {"a": None}) == {"a": None}
    assert merge_labels({"a": None}, {"a": 1, "b": 0}) == {"a": 1, "b": 0}


def test_the_label_map_covers_every_train_and_eval_set_and_no_eval_only_set() -> None:
    label_map = load_label_map()
    assert set(label_map["datasets"]) == TRAIN_AND_EVAL
    assert set(label_map["excluded"]) >= EVAL_ONLY


@pytest.mark.skipif(not PROVENANCE.exists(), reason="../shared/data is not here")
def test_the_copied_use_column_matches_provenance() -> None:
    table = re.findall(
        r"^\| \w+ \| `(\w+)` \| \d+ \| \d+ \| (train and eval|eval only) \|$", PROVENANCE.read_text(), re.M
    )
    assert {name for name, use in table if use == "train and eval"} == TRAIN_AND_EVAL
    assert {name for name, use in table if use == "eval only"} == EVAL_ONLY


def test_the_shipped_model_was_trained_on_train_and_eval_sets_only() -> None:
    meta = json.loads(default_model_path().read_text(encoding="utf-8"))
    assert set(meta["training"]["sets"]) <= TRAIN_AND_EVAL
    assert not set(meta["training"]["sets"]) & EVAL_ONLY
