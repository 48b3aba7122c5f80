"""The Markdown report and metrics.json: targets first, then every figure, Stagedoor next to the baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stagedoor.evaluation.summary import ANY

DASH = "–"
COLUMNS = ("n", "positives", "flagged", "precision", "recall", "f1", "auroc", "auprc", "ece", "false_alarm")
HEADERS = (
    "category",
    "lang",
    "system",
    "n",
    "pos",
    "flagged",
    "P",
    "R",
    "F1",
    "AUROC",
    "AUPRC",
    "ECE",
    "false alarms",
)


def fmt(value: Any, percent: bool = False) -> str:
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


def goal_text(target: dict[str, Any]) -> str:
    if target["metric"] == "false_alarm":
        return f"false alarms ≤ {100 * target['goal']:g}%"
    text = f"{target['metric']} ≥ {target['goal']:g}"
    return text + (
        f" at precision ≥ {target['at_precision']:g}" if target.get("at_precision") is not None else ""
    )


def target_value(target: dict[str, Any], system: str) -> str:
    result = target.get(system)
    if result is None:
        return DASH
    if target["metric"] == "false_alarm":
        return fmt(result["value"], percent=True)
    text = fmt(result["value"])
    return text + (f" @ P {fmt(result.get('precision'))}" if "precision" in result else "")


def verdict(result: dict[str, Any] | None) -> str:
    if result is None or result["passed"] is None:
        return DASH
    return "PASS" if result["passed"] else "FAIL"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def targets_table(
    targets: Sequence[dict[str, Any]], systems: Sequence[str]
) -> tuple[list[str], list[list[str]]]:
    headers = [
        "target",
        "source",
        "units",
        "goal",
        "Stagedoor",
        "baseline",
        "Stagedoor result",
        "baseline result",
    ]
    rows = []
    for t in targets:
        has_base = "baseline" in systems
        rows.append(
            [
                t["name"],
                t["source"],
                str(t["units"]),
                goal_text(t),
                target_value(t, "stagedoor"),
                target_value(t, "baseline") if has_base else DASH,
                verdict(t.get("stagedoor")),
                verdict(t.get("baseline")) if has_base else DASH,
            ]
        )
    return headers, rows


def category_table(rows: Sequence[dict[str, Any]], systems: Sequence[str]) -> list[list[str]]:
    out = []
    for row in rows:
        for system in systems:
            figures = row.get(system)
            cells = [row["category"], row["lang"], system]
            if row["category"] == ANY:
                fa = figures["false_alarm"] if figures else None
                cells += [
                    str(row["n"]),
                    DASH,
                    DASH,
                    *[DASH] * 6,
                    f"{fmt(fa, percent=True)} of {row['benign']}",
                ]
            elif figures is None:
                cells += [str(row["n"]), str(row["positives"]), *[DASH] * 8]
            else:
                cells += [fmt(figures[c]) for c in COLUMNS[:-1]]
                fa = figures["false_alarm"]
                cells.append(f"{fmt(fa, percent=True)} of {row['benign']}" if row["benign"] else DASH)
            out.append(cells)
    return out


def markdown(metrics: dict[str, Any], systems: Sequence[str], plots: dict[str, dict[str, str]]) -> str:
    run = metrics["run"]
    parts = [
        "# Stagedoor evaluation",
        f"Reader `{run['reader_version']}`; mapping `{run['mapping']}`; routing threshold: a flag at "
        "`concern` or above (baseline: probability ≥ 0.5). Scores are the reading's per-category score (the "
        "calibrated probability where a model reads the category; else the highest flag score, 0 without one). Rows the shipped models (or the baseline) were trained on are left out"
        + (" — **not this run (--include-seen)**." if run["include_seen"] else "."),
        "## Targets",
        table(*targets_table(metrics["targets"], systems))
        if metrics["targets"]
        else "No target set was evaluated.",
    ]
    if "targets" in plots.get("", {}):
        parts.append(f"![targets]({plots['']['targets']})")
    parts += [
        "## Files",
        table(
            ["file", "rows", "left out (shipped models)", "left out (baseline training)", "evaluated"],
            [
                [
                    f["path"],
                    str(f["read"]),
                    str(f["left_out_seen"]),
                    str(f["left_out_training"]),
                    str(f["evaluated"]),
                ]
                for f in run["files"]
            ],
        ),
    ]
    if run.get("baseline"):
        trained = "; ".join(
            f"`{c}` {n} rows ({p} positive)" for c, (n, p) in run["baseline"]["trained"].items()
        )
        parts.append(f"Baseline: TF-IDF + logistic regression, library defaults, trained on {trained}.")
    parts += [
        "## All files, per category and language",
        table(HEADERS, category_table(metrics["overall"], systems)),
    ]
    for group in metrics["groups"]:
        parts += [
            f"## {group['name']}",
            f"Level: {group['level']}; {group['units']} units.",
            table(HEADERS, category_table(group["rows"], systems)),
        ]
        parts += [f"![{kind}]({name})" for kind, name in plots.get(group["name"], {}).items()]
    parts.append(
        "“–”: not defined here (one class only, nothing flagged, or no baseline model for the category)."
    )
    return "\n\n".join(parts) + "\n"


def write_json(path: Path, metrics: dict[str, Any]) -> None:
    path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
