"""eRisk-style early risk on the C-SSRS Reddit writers: each writer's posts read one at a time with the
shipped reader, a decision after each post from the posts so far (people.early), scored with ERDE5, ERDE50,
F1, F-latency and the median number of posts read before an alert.

Writers are labelled as `stagedoor eval` maps the set (eval/mapping.json): Ideation, Behavior and Attempt
at risk; Supportive and Indicator not. By default only writers outside the training split
(`stagedoor.datasets.corpus.split_of`) are scored, and the report says so.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagedoor import services
from stagedoor.datasets.corpus import read_jsonl, split_of
from stagedoor.domain import Category, Severity
from stagedoor.people import early
from stagedoor.settings import Settings

POSITIVE = {"Ideation", "Behavior", "Attempt"}
NEGATIVE = {"Supportive", "Indicator"}
GROUP_PREFIX = "cssrs_reddit_500:"
"""The training corpus groups this set's rows by author under this name (datasets/label_map.json)."""


@dataclass
class Writer:
    author: str
    label: str
    posts: list[tuple[int, str]] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return self.label in POSITIVE


@dataclass
class EarlyResult:
    source: str
    include_train: bool
    writers: int
    positives: int
    posts_read: int
    splits: dict[str, int]
    rows: list[dict[str, Any]]
    """One per rule: its name and figures."""
    posts_per_writer_median: float


def load(path: Path, include_train: bool) -> tuple[list[Writer], dict[str, int]]:
    writers: dict[str, Writer] = {}
    for row in read_jsonl(path):
        label = (row.get("labels") or {}).get("Label")
        author = row.get("author")
        if not author or label not in POSITIVE | NEGATIVE:
            continue
        w = writers.setdefault(author, Writer(author, label))
        w.posts.append((int(row["labels"].get("post_index", len(w.posts))), row.get("text") or ""))
    splits: dict[str, int] = {}
    kept = []
    for w in writers.values():
        split = split_of(GROUP_PREFIX + w.author)
        splits[split] = splits.get(split, 0) + 1
        if include_train or split != "train":
            w.posts.sort()
            kept.append(w)
    return sorted(kept, key=lambda w: w.author), splits


def run(
    path: Path,
    settings: Settings,
    include_train: bool = False,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[], None] | None = None,
) -> EarlyResult:
    writers, splits = load(path, include_train)
    if not writers:
        raise ValueError(f"{path}: no C-SSRS writers with a label")
    if on_total:
        on_total(len(writers))
    reader = services.build_reader(settings)
    streams: list[list[early.Post]] = []
    for w in writers:
        stream = []
        for index, text in w.posts:
            reading = reader.read_text(text, f"{w.author}:{index}")
            flags = [f.severity for f in reading.flags if f.category == Category.WRITER_SUICIDE]
            score = dict(reading.scores).get(Category.WRITER_SUICIDE, 0.0)
            stream.append(early.Post(max(flags, default=Severity.NONE, key=lambda s: s.rank), score))
        streams.append(stream)
        if progress:
            progress()
    truth = [w.at_risk for w in writers]
    rows = []
    baselines = {
        "baseline: alert every writer after the first post": [early.Decision(True, 1) for _ in streams],
        "baseline: alert every writer after the last post": [early.Decision(True, len(s)) for s in streams],
    }
    candidates = [(rule.name, [early.decide(s, rule) for s in streams]) for rule in early.RULES]
    for name, decisions in [*candidates, *baselines.items()]:
        precision, recall, f1 = early.prf(decisions, truth)
        rows.append(
            {
                "rule": name,
                "erde5": early.erde(decisions, truth, 5),
                "erde50": early.erde(decisions, truth, 50),
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "f_latency": early.f_latency(decisions, truth),
                "median_posts_to_alert": early.median_posts(decisions),
                "alerts": sum(d.at_risk for d in decisions),
            }
        )
    return EarlyResult(
        source=str(path),
        include_train=include_train,
        writers=len(writers),
        positives=sum(truth),
        posts_read=sum(len(s) for s in streams),
        splits=splits,
        rows=rows,
        posts_per_writer_median=float(statistics.median(len(w.posts) for w in writers)),
    )


def summary(r: EarlyResult) -> str:
    best = r.rows[0]
    return (
        f"C-SSRS early risk on {r.writers} writers ({r.positives} at risk){'' if r.include_train else ', training split left out'}: "
        f"ERDE5 {best['erde5']:.3f}, ERDE50 {best['erde50']:.3f}, F1 {best['f1']:.3f}, "
        f"F-latency {best['f_latency']:.3f}, median {best['median_posts_to_alert']:g} posts to alert"
    )


def write(r: EarlyResult, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "early-risk.json").write_text(json.dumps(r.__dict__, indent=2) + "\n", encoding="utf-8")
    who = (
        "all writers"
        if r.include_train
        else "writers outside the training split only (calibration and dev splits of `split_of`)"
    )
    lines = [
        "# Early risk on C-SSRS writers (eRisk-style)",
        "",
        f"Data: `{r.source}`. Scored: {who}: {r.writers} writers, {r.positives} at risk "
        f"(Ideation, Behavior, Attempt), {r.writers - r.positives} not (Supportive, Indicator); "
        f"{r.posts_read} posts read one at a time, median {r.posts_per_writer_median:g} posts per writer. "
        f"Writers per split in the file: {', '.join(f'{k} {v}' for k, v in sorted(r.splits.items()))}.",
        "",
        "Each writer's posts are read in order with the shipped reader; after each post the rule decides "
        "from the posts so far. A writer never alerted is decided not at risk after the last post. "
        "ERDE_o (Losada & Crestani 2016; c_fp = share of at-risk writers, c_fn = 1, lower is better); "
        f"F-latency = F1 x (1 - median penalty of true alerts), penalty p = {early.ERISK_P} (Sadeque et al. 2018; eRisk).",
        "",
        "| rule | ERDE5 | ERDE50 | precision | recall | F1 | F-latency | median posts to alert | alerts |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in r.rows:
        lines.append(
            f"| {row['rule']} | {row['erde5']:.3f} | {row['erde50']:.3f} | {row['precision']:.3f} | "
            f"{row['recall']:.3f} | {row['f1']:.3f} | {row['f_latency']:.3f} | {row['median_posts_to_alert']:g} | {row['alerts']} |"
        )
    lines += [
        "",
        "The first rule is the one the desk uses; the baselines say what the figures mean on this set, where "
        "most writers are at risk. Reproduce: `make eval-people`.",
    ]
    path = out_dir / "early-risk.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
