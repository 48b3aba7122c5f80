"""What `stagedoor eval` prints at the end: the targets, a per-category summary, and where the report is."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from stagedoor.evaluation.report import DASH, category_table, targets_table
from stagedoor.evaluation.run import EvalResult
from stagedoor.evaluation.summary import ALL_LANGS

SUMMARY = ("category", "lang", "sys", "n", "pos", "P", "R", "F1", "AUROC", "false alarms")
_KEEP = (0, 1, 2, 3, 4, 6, 7, 8, 9, 12)  # the columns of report.category_table shown on a terminal


def show(console: Console, result: EvalResult) -> None:
    _, rows = targets_table(result.metrics["targets"], result.systems)
    targets = Table(title="Targets")
    for name in ("target", "goal", "Stagedoor", "baseline", "result"):
        targets.add_column(name, overflow="fold")
    for row in rows:
        colour = {"PASS": "green", "FAIL": "red"}.get(row[6], "")
        targets.add_row(row[0], row[3], row[4], row[5], f"[{colour}]{row[6]}[/]" if colour else row[6])
    console.print(targets if rows else "No target set was evaluated.")
    summary = Table(title="All files, per category")
    for name in SUMMARY:
        summary.add_column(name, overflow="fold")
    overall = result.metrics["overall"]
    if any(r["lang"] == ALL_LANGS for r in overall):
        overall = [r for r in overall if r["lang"] == ALL_LANGS]  # languages apart: see the report
    for row in category_table(overall, result.systems):
        cells = [row[i] if i < len(row) else DASH for i in _KEEP]
        cells[2] = cells[2][:4]  # "stag" / "base": the category column needs the room
        cells[-1] = cells[-1].split(" of ")[0]
        summary.add_row(*cells)
    console.print(summary)
    console.print(f"report: {result.report}")
