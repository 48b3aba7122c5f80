"""Linking and escalation measured on labelled synthetic correspondent histories (eval/histories/*.json).

Each file is one writer: messages in time order, each with its channel and sender as the source would give
it, and a label: does the history escalate, and from which message should a desk be at `urgent`. Senders
keyed apart by the store's exact key (address, handle, postal address, name) are separate identities; two
identities are the same person exactly when they come from the same file. Linking is scored on pairs of
identities over the whole set; escalation on each history, read message by message with the shipped reader.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from stagedoor import services
from stagedoor.domain import Channel, Sender, Severity
from stagedoor.people import escalation, links
from stagedoor.people.history import HistoryItem
from stagedoor.settings import Settings

CAUGHT_AT = Severity.URGENT


class HistoryError(ValueError):
    """A history file that does not follow the format (the message names the file and the field)."""


@dataclass(frozen=True)
class History:
    id: str
    lang: str
    kind: str
    escalates: bool
    escalation_from: int | None
    items: tuple[HistoryItem, ...]


@dataclass
class HistoriesResult:
    folder: str
    histories: int
    messages: int
    by_kind: dict[str, int]
    linking: dict[str, Any]
    escalation: dict[str, Any]
    per_history: list[dict[str, Any]]


def load(folder: Path) -> list[History]:
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            items = tuple(
                HistoryItem(
                    f"{data['id']}:{i}",
                    Channel(m["channel"]),
                    datetime.fromisoformat(m["date"]),
                    m["text"],
                    (),
                    Sender(**m["sender"]),
                )
                for i, m in enumerate(data["messages"])
            )
            out.append(
                History(
                    data["id"],
                    data["lang"],
                    data["kind"],
                    bool(data["escalates"]),
                    data.get("escalation_from"),
                    items,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise HistoryError(f"{path.name}: {exc}") from None
    if not out:
        raise HistoryError(f"{folder}: no *.json histories")
    return out


def run(folder: Path, settings: Settings) -> HistoriesResult:
    reader = services.build_reader(settings)
    read = []
    for h in load(folder):
        items = tuple(
            HistoryItem(
                i.message_id,
                i.channel,
                i.received_at,
                i.text,
                reader.read_text(i.text, i.message_id).flags,
                i.sender,
            )
            for i in h.items
        )
        read.append(History(h.id, h.lang, h.kind, h.escalates, h.escalation_from, items))
    per_history, esc = _escalation(read)
    kinds: dict[str, int] = {}
    for h in read:
        kinds[h.kind] = kinds.get(h.kind, 0) + 1
    return HistoriesResult(
        str(folder), len(read), sum(len(h.items) for h in read), kinds, _linking(read), esc, per_history
    )


def _linking(histories: list[History]) -> dict[str, Any]:
    """Identities are the store's exact keys; a pair is correct when the two share a writer (history)."""
    owners: dict[str, set[str]] = {}
    members: dict[str, list[HistoryItem]] = {}
    for h in histories:
        for item in h.items:
            owners.setdefault(item.sender.key, set()).add(h.id)
            members.setdefault(item.sender.key, []).append(item)
    keys = sorted(members)
    number = {k: n for n, k in enumerate(keys)}
    writers = [links.writer_of(number[k], members[k]) for k in keys]
    candidates = links.suggest(writers)
    gold = {(number[a], number[b]) for a, b in combinations(keys, 2) if owners[a] & owners[b]}
    found = {(c.a_id, c.b_id) for c in candidates}
    per_kind: dict[str, dict[str, int]] = {}
    for c in candidates:
        row = per_kind.setdefault(c.kind.value, {"suggested": 0, "correct": 0})
        row["suggested"] += 1
        row["correct"] += (c.a_id, c.b_id) in gold
    hit = len(found & gold)
    return {
        "identities": len(keys),
        "same_person_pairs": len(gold),
        "suggested_pairs": len(found),
        "correct_pairs": hit,
        "precision": hit / len(found) if found else 0.0,
        "recall": hit / len(gold) if gold else 0.0,
        "per_kind": per_kind,
        "histories_with_aliases": sum(1 for h in histories if len({i.sender.key for i in h.items}) > 1),
        "exact_key_collisions": sorted(k for k, o in owners.items() if len(o) > 1),
    }


def _escalation(histories: list[History]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for h in histories:
        steps = escalation.stream(h.items)
        caught = escalation.first_reaching(steps, CAUGHT_AT)
        alone = _caught_unlinked(h)
        rows.append(
            {
                "id": h.id,
                "lang": h.lang,
                "kind": h.kind,
                "escalates": h.escalates,
                "escalation_from": h.escalation_from,
                "messages": len(h.items),
                "caught_at": caught,
                "caught_unlinked": alone,
                "levels": [s.assessment.level.value for s in steps],
                "delay": caught - h.escalation_from
                if caught is not None and h.escalation_from is not None
                else None,
            }
        )
    tp = sum(1 for r in rows if r["escalates"] and r["caught_at"] is not None)
    fp = sum(1 for r in rows if not r["escalates"] and r["caught_at"] is not None)
    fn = sum(1 for r in rows if r["escalates"] and r["caught_at"] is None)
    delays = [r["delay"] for r in rows if r["delay"] is not None]
    aliased = [r for r in rows if r["escalates"] and r["caught_unlinked"] is not None]
    summary = {
        "caught_at_level": CAUGHT_AT.value,
        "escalating": sum(1 for r in rows if r["escalates"]),
        "not_escalating": sum(1 for r in rows if not r["escalates"]),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "median_delay_messages": statistics.median(delays) if delays else None,
        "caught_early": sum(1 for d in delays if d < 0),
        "caught_on_time": sum(1 for d in delays if d == 0),
        "caught_late": sum(1 for d in delays if d > 0),
        "median_messages_read_when_caught": statistics.median(
            r["caught_at"] + 1 for r in rows if r["escalates"] and r["caught_at"] is not None
        )
        if tp
        else None,
        "escalating_with_aliases": len(aliased),
        "caught_without_linking": sum(1 for r in aliased if r["caught_unlinked"]),
    }
    return rows, summary


def _caught_unlinked(h: History) -> bool | None:
    """For a history written under several identities: would any one identity alone reach the level?"""
    keys = {i.sender.key for i in h.items}
    if len(keys) < 2:
        return None
    for key in keys:
        steps = escalation.stream([i for i in h.items if i.sender.key == key])
        if escalation.first_reaching(steps, CAUGHT_AT) is not None:
            return True
    return False


def summary(r: HistoriesResult) -> str:
    lk, es = r.linking, r.escalation
    return (
        f"{r.histories} histories, {r.messages} messages: linking precision {lk['precision']:.2f}, recall {lk['recall']:.2f} "
        f"({lk['correct_pairs']}/{lk['suggested_pairs']} suggested pairs correct, {lk['same_person_pairs']} to find); "
        f"escalation precision {es['precision']:.2f}, recall {es['recall']:.2f}, median delay {es['median_delay_messages']} messages"
    )


def write(r: HistoriesResult, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "histories.json").write_text(
        json.dumps(r.__dict__, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    lk, es = r.linking, r.escalation
    lines = [
        "# Correspondent histories: linking and escalation",
        "",
        f"Data: `{r.folder}`: {r.histories} synthetic, labelled histories ({', '.join(f'{k} {v}' for k, v in sorted(r.by_kind.items()))}), "
        f"{r.messages} messages, English and French. Written for Stagedoor; see the folder's README.",
        "",
        "## Linking",
        "",
        f"{lk['identities']} identities (distinct exact keys); {lk['histories_with_aliases']} histories use more than one. "
        f"A pair is correct when both identities come from the same history.",
        "",
        "| | pairs |",
        "|---|---|",
        f"| same-person pairs to find | {lk['same_person_pairs']} |",
        f"| suggested | {lk['suggested_pairs']} |",
        f"| correct | {lk['correct_pairs']} |",
        f"| **precision** | **{lk['precision']:.2f}** |",
        f"| **recall** | **{lk['recall']:.2f}** |",
        "",
        f"Exact keys that join different writers silently (the store's own key, not a suggestion): "
        f"{', '.join(f'`{k}`' for k in lk['exact_key_collisions']) or 'none'}.",
        "",
        "| suggestion kind | suggested | correct |",
        "|---|---|---|",
        *[f"| {k} | {v['suggested']} | {v['correct']} |" for k, v in sorted(lk["per_kind"].items())],
        "",
        "## Escalation",
        "",
        f"Each history read message by message (the decision after each message uses only the messages so far); "
        f"caught = the correspondent level reaches `{es['caught_at_level']}`. Delay = messages between the labelled "
        "start of the escalation and the message after which it was caught (negative: before the label).",
        "",
        "| | |",
        "|---|---|",
        f"| escalating / not | {es['escalating']} / {es['not_escalating']} |",
        f"| caught (true positives) | {es['true_positives']} |",
        f"| false alarms | {es['false_positives']} |",
        f"| missed | {es['false_negatives']} |",
        f"| **precision** | **{es['precision']:.2f}** |",
        f"| **recall** | **{es['recall']:.2f}** |",
        f"| median delay (messages) | {es['median_delay_messages']} |",
        f"| caught early / on time / late | {es['caught_early']} / {es['caught_on_time']} / {es['caught_late']} |",
        f"| median messages read when caught | {es['median_messages_read_when_caught']} |",
        f"| escalating histories with aliases, caught by one identity alone | {es['caught_without_linking']} of {es['escalating_with_aliases']} |",
        "",
        "| history | lang | kind | escalates from | caught at | levels |",
        "|---|---|---|---|---|---|",
        *[
            f"| {h['id']} | {h['lang']} | {h['kind']} | {h['escalation_from'] if h['escalates'] else '—'} | "
            f"{'—' if h['caught_at'] is None else h['caught_at']} | {' '.join(x[:3] for x in h['levels'])} |"
            for h in r.per_history
        ],
        "",
        "Reproduce: `make eval-people`.",
    ]
    path = out_dir / "histories.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
