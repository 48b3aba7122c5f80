"""`stagedoor eval` end to end: one-line errors, and report.md, metrics.json and PNGs from a tiny JSONL."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stagedoor import cli, services
from stagedoor.datasets.corpus import Example, normalise, split_of
from stagedoor.evaluation import run
from stagedoor.evaluation.baseline import Baseline

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
PNG = b"\x89PNG\r\n\x1a\n"

# Synthetic rows, written for this test. "ouch" messages are threats, and so are "THREAT" ones.
ROWS = [
    {"id": "t1", "text": "THREAT one", "lang": "en", "labels": {"threat": 1}, "author": "a", "source": "toy"},
    {"id": "t2", "text": "THREAT two", "lang": "en", "labels": {"threat": 1}, "author": "b", "source": "toy"},
    {"id": "t3", "text": "ouch quiet threat", "lang": "en", "labels": {"threat": 1}, "author": "c", "source": "toy"},
    {"id": "n1", "text": "lovely show", "lang": "en", "labels": {"threat": 0}, "author": "d", "source": "toy"},
    {"id": "n2", "text": "THREAT of rain, lol", "lang": "en", "labels": {"threat": 0}, "author": "e", "source": "toy"},
    {"id": "f1", "text": "merci pour le concert", "lang": "fr", "labels": {"threat": 0, "fan": 1}, "author": "f", "source": "toy"},
    {"id": "w1", "text": "SAD post", "lang": "en", "labels": {"user": "risk"}, "author": "u1", "source": "users"},
    {"id": "w2", "text": "a mundane post", "lang": "en", "labels": {"user": "risk"}, "author": "u1", "source": "users"},
    {"id": "w3", "text": "another mundane post", "lang": "en", "labels": {"user": "fine"}, "author": "u2", "source": "users"},
]  # fmt: skip
MAPPING = {
    "toy": {
        "categories": {
            "artist.threat": {"rules": [{"field": "labels.threat", "in": [1], "label": 1}], "else": 0}
        },
        "benign": {"rules": [{"field": "labels.fan", "in": [1], "label": 1}], "else": 0},
        "targets": [
            {"name": "toy F1", "category": "artist.threat", "metric": "f1", "min": 0.75},
            {"name": "toy false alarms", "category": "*", "metric": "false_alarm", "max": 0.01},
        ],
    },
    "users": {
        "level": "writer",
        "group_by": "author",
        "categories": {
            "writer.suicide": {"rules": [{"field": "labels.user", "in": ["risk"], "label": 1}], "else": 0}
        },
        "targets": [{"name": "users AUROC", "category": "writer.suicide", "metric": "auroc", "min": 0.8}],
    },
}


class FakeReader:
    version = "fake.v1"


def fake_read_batch(reader: object, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """A stand-in reader with known answers: THREAT -> urgent threat 0.9, SAD -> concern suicide 0.6."""
    for line in lines:
        row = json.loads(line)
        flags = []
        if "THREAT" in row["text"]:
            flags.append({"category": "artist.threat", "severity": "urgent", "score": 0.9})
        if "ouch" in row["text"]:
            flags.append({"category": "artist.threat", "severity": "low", "score": 0.3})
        if "SAD" in row["text"]:
            flags.append({"category": "writer.suicide", "severity": "concern", "score": 0.6})
        yield {"id": row["id"], "lang": "en", "severity": "none", "routes": [], "flags": flags}


@pytest.fixture
def toy(tmp_path: Path) -> tuple[Path, Path]:
    data, mapping = tmp_path / "toy.jsonl", tmp_path / "mapping.json"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    return data, mapping


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["stagedoor", "eval", *args])
    with pytest.raises(SystemExit) as done:
        cli.main()
    return int(done.value.code or 0)


def test_unknown_source_is_one_line_and_exit_2(
    toy: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, mapping = toy
    with data.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "x", "text": "hi", "source": "a dataset nobody mapped"}) + "\n")
    code = _main(monkeypatch, str(data), "--mapping", str(mapping), "--out", str(tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "a dataset nobody mapped" in err and str(mapping) in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_missing_file_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(monkeypatch, str(tmp_path / "nope.jsonl")) == 2
    assert capsys.readouterr().err.strip().endswith("nope.jsonl: no such file")


def _fake_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "build_reader", lambda settings: FakeReader())
    monkeypatch.setattr(services, "read_batch", fake_read_batch)


def test_figures_report_and_plots_from_known_readings(
    toy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_reader(monkeypatch)
    data, mapping = toy
    out = tmp_path / "out"
    result = run.evaluate(run.EvalOptions([data], out=out, mapping=mapping, include_seen=True))
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    toy_rows = metrics["groups"][0]["rows"]
    threat = next(r for r in toy_rows if r["category"] == "artist.threat" and r["lang"] == "all")
    # flagged: t1, t2, n2 (urgent); t3 only at low: tp 2, fp 1, fn 1
    assert (threat["n"], threat["positives"], threat["benign"]) == (6, 3, 1)
    assert threat["stagedoor"]["precision"] == pytest.approx(2 / 3)
    assert threat["stagedoor"]["recall"] == pytest.approx(2 / 3)
    # scores 0.9, 0.9, 0.3 for positives against 0.0, 0.9, 0.0: won 7 of 9 pairs, ties count half
    assert threat["stagedoor"]["auroc"] == pytest.approx((2 * 2.5 + 2) / 9)
    users = metrics["groups"][1]
    assert users["level"] == "writer" and users["units"] == 2  # u1 (two posts) and u2
    targets = {t["name"]: t["stagedoor"] for t in metrics["targets"]}
    assert targets["toy F1"] == {"value": pytest.approx(2 / 3), "passed": False}
    assert targets["toy false alarms"] == {"value": 0.0, "passed": True}
    assert targets["users AUROC"] == {"value": 1.0, "passed": True}
    report = result.report.read_text(encoding="utf-8")
    assert report.index("## Targets") < report.index("## Files") and "| toy F1 |" in report
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert (
        "targets.png" in pngs
        and any(p.startswith("pr-toy") for p in pngs)
        and any(p.startswith("calibration-users") for p in pngs)
    )
    assert all((out / p).read_bytes().startswith(PNG) and f"({p})" in report for p in pngs)


def test_baseline_sits_beside_stagedoor_and_its_training_rows_are_left_out(
    toy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_reader(monkeypatch)
    texts = ["I will hurt you badly", "hurt you tonight", "lovely show", "great song", "THREAT one"]
    groups = [g for g in (f"group-{i}" for i in range(100)) if split_of(g) != "dev"]
    examples = [
        Example(t, normalise(t), "en", g, {"artist.threat": int("hurt" in t or "THREAT" in t)})
        for t, g in zip(texts, groups, strict=False)
    ]
    monkeypatch.setattr(
        run, "train_baseline", lambda data_dir: Baseline().fit(examples, ["artist.threat", "writer.suicide"])
    )
    data, mapping = toy
    result = run.evaluate(run.EvalOptions([data], out=tmp_path / "out", mapping=mapping, baseline=True))
    assert result.metrics["run"]["files"][0]["left_out_training"] == 2  # "lovely show" and "THREAT one"
    threat = next(r for r in result.metrics["groups"][0]["rows"] if r["category"] == "artist.threat")
    assert threat["n"] == 4 and threat["baseline"]["n"] == 4  # the same rows for both systems
    suicide = next(r for r in result.metrics["groups"][-1]["rows"] if r["category"] == "writer.suicide")
    assert suicide["baseline"] is None  # one class in training: no model, shown as "–"
    assert "| baseline |" in result.report.read_text(encoding="utf-8")


def test_baseline_trains_only_outside_dev_and_skips_one_class_categories() -> None:
    texts = [f"kill you {i}" for i in range(20)] + [f"nice song {i}" for i in range(20)]
    examples = [
        Example(t, normalise(t), "en", t, {"artist.threat": int("kill" in t), "writer.suicide": 0})
        for t in texts
    ]
    baseline = Baseline().fit(examples, ["artist.threat", "writer.suicide"])
    assert set(baseline.models_) == {"artist.threat"}
    assert baseline.train_keys_ == {ex.key for ex in examples if ex.split != "dev"}
    assert len(baseline.train_keys_) < len(examples)  # some groups hash to dev
    scores = baseline.scores(["kill you now", "nice song"])["artist.threat"]
    assert scores[0] > 0.5 > scores[1]


def test_real_reader_through_the_cli(
    toy: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, mapping = toy
    out = tmp_path / "out"
    code = _main(monkeypatch, str(data), "--mapping", str(mapping), "--out", str(out), "--limit", "4")
    assert code == 0
    printed = capsys.readouterr().out
    assert "Targets" in printed and f"report: {out / 'report.md'}" in printed.replace("\n", "")
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert [f["evaluated"] for f in metrics["run"]["files"]] == [4]  # --limit counts rows per file


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not in this checkout")
def test_smoke_on_shared_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = SHARED / "artist_risk" / "youtube_spam_collection_uci" / "data.jsonl"
    assert _main(monkeypatch, str(path), "--limit", "20", "--out", str(tmp_path)) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["targets"][0]["name"] == "Benign fan comments: false alarms"
