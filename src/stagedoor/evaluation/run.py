"""The `stagedoor eval` use-case: files + mapping -> report.md, metrics.json and PNG plots in one folder."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagedoor import services
from stagedoor.datasets.corpus import normalise
from stagedoor.evaluation import plots
from stagedoor.evaluation.baseline import THRESHOLD, Baseline, train_baseline
from stagedoor.evaluation.collect import (
    BASELINE,
    STAGEDOOR,
    FileRows,
    Scores,
    Unit,
    message_unit,
    parse_file,
    select,
    to_units,
)
from stagedoor.evaluation.mapping import EvalMapping, EvaluationError, load_mapping
from stagedoor.evaluation.report import markdown, write_json
from stagedoor.evaluation.summary import category_rows, target_rows
from stagedoor.settings import Settings

Progress = Callable[[int], None]


@dataclass(frozen=True)
class EvalOptions:
    files: Sequence[Path]
    out: Path = Path("eval-results")
    mapping: Path | None = None
    baseline: bool = False
    train_data: Path | None = None
    include_seen: bool = False
    lyrics: Path | None = None
    limit: int | None = None


@dataclass
class EvalResult:
    report: Path
    metrics: dict[str, Any]
    systems: list[str] = field(default_factory=list)


def _seen(include_seen: bool) -> Callable[[str], bool]:
    if include_seen:
        return lambda text: False
    from stagedoor.datasets.seen import load_seen

    seen = load_seen()
    return seen.__contains__


def _baseline(options: EvalOptions) -> Baseline | None:
    if not options.baseline:
        return None
    try:
        return train_baseline(options.train_data)
    except (FileNotFoundError, ValueError) as exc:
        raise EvaluationError(f"baseline training data: {exc}") from None


def _read(
    selected: Sequence[FileRows], mapping: EvalMapping, settings: Settings, progress: Progress | None
) -> tuple[str, list[list[Unit]]]:
    """Through the stable batch interface only, so any reader the team ships is measured the same way."""
    reader = services.build_reader(settings)
    out = []
    for file in selected:
        lines = (json.dumps({"id": str(r.get("id", i)), "text": r["text"]}) for i, r in enumerate(file.rows))
        units = []
        for row, reading in zip(file.rows, services.read_batch(reader, lines), strict=True):
            entry = mapping.entry(row["source"])
            units.append(message_unit(f"{entry.source} ({_short(file.path)})", row, entry, reading))
            if progress:
                progress(1)
        out.append(units)
    return reader.version, out


def _score_baseline(baseline: Baseline, selected: Sequence[FileRows], per_file: list[list[Unit]]) -> None:
    for file, units in zip(selected, per_file, strict=True):
        probs = baseline.scores([r["text"] for r in file.rows])
        for i, unit in enumerate(units):
            score = {c: float(p[i]) for c, p in probs.items()}
            unit.systems[BASELINE] = Scores(score, {c: s >= THRESHOLD for c, s in score.items()})


def _short(path: Path) -> str:
    """`threat_youtube_hammer2019/data.jsonl`: the shared sets are all called data.jsonl."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _plots(
    units: list[Unit], targets: list[dict[str, Any]], systems: list[str], out: Path
) -> dict[str, dict[str, str]]:
    made: dict[str, dict[str, str]] = {"": {}}
    if plots.targets_chart(targets, systems, out / "targets.png"):
        made[""]["targets"] = "targets.png"
    for group in dict.fromkeys(u.group for u in units):
        mine = [u for u in units if u.group == group]
        slug, made[group] = _slug(group), {}
        if plots.pr_curves(mine, systems, group, out / f"pr-{slug}.png"):
            made[group]["precision-recall"] = f"pr-{slug}.png"
        if plots.calibration(mine, systems, group, out / f"calibration-{slug}.png"):
            made[group]["calibration"] = f"calibration-{slug}.png"
    return made


def _units(selected: Sequence[FileRows], per_file: list[list[Unit]], mapping: EvalMapping) -> list[Unit]:
    """Message units as they are; writer-level sets merged per writer, within each file."""
    units: list[Unit] = []
    for file, file_units in zip(selected, per_file, strict=True):
        keys = []
        for row in file.rows:
            entry = mapping.entry(row["source"])
            keys.append(entry.writer(row) if entry.level == "writer" else None)
        units += to_units(zip(keys, file_units, strict=True))
    return units


def _groups(units: list[Unit], mapping: EvalMapping, systems: list[str]) -> list[dict[str, Any]]:
    out = []
    for group in dict.fromkeys(u.group for u in units):
        mine = [u for u in units if u.group == group]
        source = mine[0].source
        out.append(
            {
                "name": group,
                "source": source,
                "level": mapping.entries[source].level,
                "units": len(mine),
                "rows": category_rows(mine, systems),
            }
        )
    return out


def _file_counts(selected: Sequence[FileRows]) -> list[dict[str, Any]]:
    return [
        {
            "path": str(f.path),
            "read": f.read,
            "left_out_seen": f.left_out_seen,
            "left_out_training": f.left_out_training,
            "evaluated": len(f.rows),
        }
        for f in selected
    ]


def _settings(options: EvalOptions, settings: Settings | None) -> Settings:
    settings = settings or Settings()
    if options.lyrics is None:
        return settings
    if not options.lyrics.is_file():
        raise EvaluationError(f"{options.lyrics}: no such lyrics file")
    return settings.model_copy(update={"lyrics_file": options.lyrics})


def _trained(baseline: Baseline | None, include_seen: bool) -> Callable[[str], bool]:
    """Rows the baseline trained on are left out too, or it would be measured on its own training rows."""
    if baseline is None or include_seen:
        return lambda text: False
    keys = baseline.train_keys_
    return lambda text: normalise(text) in keys


def evaluate(
    options: EvalOptions,
    settings: Settings | None = None,
    on_total: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> EvalResult:
    """Read every evaluated row once, score it, and write report.md, metrics.json and the plots."""
    settings = _settings(options, settings)
    mapping = load_mapping(options.mapping)
    parsed = [(path, parse_file(path, mapping)) for path in options.files]  # bad input fails before training
    baseline = _baseline(options)
    seen, trained = _seen(options.include_seen), _trained(baseline, options.include_seen)
    selected = [select(path, rows, seen, trained, options.limit) for path, rows in parsed]
    if on_total:
        on_total(sum(len(f.rows) for f in selected))
    version, per_file = _read(selected, mapping, settings, progress)
    systems = [STAGEDOOR]
    if baseline is not None:
        _score_baseline(baseline, selected, per_file)
        systems.append(BASELINE)
    units = _units(selected, per_file, mapping)
    sources = dict.fromkeys(u.source for u in units)
    targets = target_rows([(s, t) for s in sources for t in mapping.entries[s].targets], units, systems)
    run = {
        "reader_version": version,
        "mapping": str(mapping.path),
        "include_seen": options.include_seen,
        "limit": options.limit,
        "lyrics": str(options.lyrics) if options.lyrics else None,
        "files": _file_counts(selected),
        "baseline": {"trained": baseline.train_counts_} if baseline else None,
    }
    metrics: dict[str, Any] = {
        "run": run,
        "targets": targets,
        "overall": category_rows(units, systems),
        "groups": _groups(units, mapping, systems),
    }
    options.out.mkdir(parents=True, exist_ok=True)
    metrics["plots"] = made = _plots(units, targets, systems, options.out)
    write_json(options.out / "metrics.json", metrics)
    report = options.out / "report.md"
    report.write_text(markdown(metrics, systems, made), encoding="utf-8")
    return EvalResult(report, metrics, systems)
