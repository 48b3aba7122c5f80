"""Correspondent-level measures: the eRisk metrics by hand, the early-risk run on a tiny C-SSRS-shaped file,
and the labelled synthetic histories (format, coverage, and the report)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from stagedoor.domain import Severity
from stagedoor.evaluation import early_risk, histories
from stagedoor.people import early
from stagedoor.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HISTORIES = ROOT / "eval" / "histories"


def test_decide_alerts_at_the_first_post_that_meets_the_rule() -> None:
    posts = [early.Post(Severity.NONE, 0.1), early.Post(Severity.LOW, 0.6), early.Post(Severity.NONE, 0.7)]
    assert early.decide(posts) == early.Decision(True, 3)
    assert early.decide(posts[:2]) == early.Decision(False, 2)
    assert early.decide([early.Post(Severity.URGENT, 0.2)]) == early.Decision(True, 1)


def test_erde_and_f_latency_by_hand() -> None:
    decisions = [
        early.Decision(True, 1),
        early.Decision(True, 10),
        early.Decision(True, 3),
        early.Decision(False, 4),
    ]
    truth = [True, True, False, True]
    c_fp = 3 / 4
    lc5 = [1 - 1 / (1 + math.exp(k - 5)) for k in (1, 10)]
    assert early.erde(decisions, truth, 5) == pytest.approx((lc5[0] + lc5[1] + c_fp + 1) / 4)
    precision, recall, f1 = early.prf(decisions, truth)
    assert (precision, recall) == pytest.approx((2 / 3, 2 / 3))
    penalty = sorted(-1 + 2 / (1 + math.exp(-early.ERISK_P * (k - 1))) for k in (1, 10))
    assert early.f_latency(decisions, truth) == pytest.approx(f1 * (1 - sum(penalty) / 2))
    assert early.median_posts(decisions) == 3


def _cssrs(tmp_path: Path) -> Path:
    rows = []
    posts = {
        "user-a": (
            "Attempt",
            ["I had a normal day at work.", "I want to kill myself. I have the pills ready for tonight."],
        ),
        "user-b": (
            "Supportive",
            ["Hang in there, you are not alone, call a helpline.", "I love hiking with my dog."],
        ),
        "user-c": ("Ideation", ["I don't want to be alive anymore.", "Nothing matters."]),
    }
    for author, (label, texts) in posts.items():
        for i, text in enumerate(texts):
            rows.append(
                {
                    "id": f"{author}:{i}",
                    "text": text,
                    "lang": "en",
                    "author": author,
                    "source": "reddit_cssrs_500users_gaur2019",
                    "labels": {"Label": label, "post_index": i},
                }
            )
    path = tmp_path / "cssrs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_early_risk_reads_each_writer_in_order_and_writes_the_report(tmp_path: Path) -> None:
    result = early_risk.run(_cssrs(tmp_path), Settings(data_dir=tmp_path), include_train=True)
    assert result.writers == 3 and result.positives == 2 and result.posts_read == 6
    desk_rule = result.rows[0]
    assert 0 <= desk_rule["erde5"] <= 1 and 0 <= desk_rule["erde50"] <= desk_rule["erde5"] + 1e-9
    assert desk_rule["recall"] > 0
    report = early_risk.write(result, tmp_path / "out").read_text(encoding="utf-8")
    assert "ERDE5" in report and "baseline" in report and "all writers" in report


def test_the_training_split_is_left_out_by_default(tmp_path: Path) -> None:
    path = _cssrs(tmp_path)
    kept, splits = early_risk.load(path, include_train=False)
    assert sum(splits.values()) == 3
    assert len(kept) == 3 - splits.get("train", 0)


def test_the_histories_cover_what_the_issue_asks() -> None:
    loaded = histories.load(HISTORIES)
    assert len(loaded) >= 40
    assert {h.lang for h in loaded} == {"en", "fr"}
    assert {h.kind for h in loaded} >= {"escalating", "intense_harmless"}
    assert sum(len({i.sender.key for i in h.items}) > 1 for h in loaded) >= 10
    for h in loaded:
        assert h.escalates == (h.escalation_from is not None), h.id
        if h.escalation_from is not None:
            assert 0 <= h.escalation_from < len(h.items), h.id
        assert [i.received_at for i in h.items] == sorted(i.received_at for i in h.items if i.received_at), (
            h.id
        )
    texts = [i.text for h in loaded for i in h.items]
    assert len(set(texts)) == len(texts)  # written, not templated


def test_histories_report_linking_and_escalation(tmp_path: Path) -> None:
    result = histories.run(HISTORIES, Settings(data_dir=tmp_path))
    lk, es = result.linking, result.escalation
    assert lk["same_person_pairs"] > 0 and 0 <= lk["precision"] <= 1 and 0 <= lk["recall"] <= 1
    assert lk["correct_pairs"] <= lk["suggested_pairs"]
    assert es["true_positives"] + es["false_negatives"] == es["escalating"]
    assert "postal:41 orchard close york yo1 9zz" in lk["exact_key_collisions"]
    report = histories.write(result, tmp_path / "out").read_text(encoding="utf-8")
    assert "**precision**" in report and "| h01 |" in report


def test_a_broken_history_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"id": "x", "lang": "en"}', encoding="utf-8")
    with pytest.raises(histories.HistoryError, match=r"bad\.json"):
        histories.load(tmp_path)
