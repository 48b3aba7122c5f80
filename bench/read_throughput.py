"""`make bench`: `stagedoor read` throughput on 10,000 messages next to a plain JSONL-parsing loop.

Both run side by side in one process on the same lines; the ratio is the figure to quote, since absolute times
on shared machines are noise. The CLI is also timed end to end (process start and model loading included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from stagedoor import services
from stagedoor.domain import Incoming
from stagedoor.ingest import discover, iter_source
from stagedoor.read import Reader, ReaderContext
from stagedoor.settings import Settings

OUT = Path("bench-results")


def demo_texts() -> list[str]:
    """The demo mailbox's non-empty texts, in mailbox order."""
    _, inputs = services.demo_settings(Settings())
    return [
        item.message.text
        for source in discover(inputs)
        for item in iter_source(source)
        if isinstance(item, Incoming) and item.message.text.strip()
    ]


def corpus(n: int) -> list[str]:
    """n JSONL lines cycling through the demo mailbox's texts, each made unique by its id."""
    texts = demo_texts()
    return [json.dumps({"id": f"b{i}", "text": texts[i % len(texts)]}, ensure_ascii=False) for i in range(n)]


def time_parse_only(lines: list[str]) -> float:
    start = time.perf_counter()
    for line in lines:
        json.loads(line)
    return time.perf_counter() - start


def time_reader(lines: list[str], use_model: bool = True) -> tuple[float, float]:
    start = time.perf_counter()
    reader = Reader(ReaderContext(use_model=use_model))
    reader.read_text("warm-up: load the language detector and lexicons", message_id="w")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    for row in services.read_batch(reader, lines):
        json.dumps(row, ensure_ascii=False)
    return loaded, time.perf_counter() - start


def time_cli(path: Path) -> float:
    exe = Path(sys.executable).with_name("stagedoor")
    start = time.perf_counter()
    subprocess.run([str(exe), "read", str(path)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000, help="messages (default 10,000)")
    args = parser.parse_args()
    lines = corpus(args.n)
    OUT.mkdir(exist_ok=True)
    path = OUT / "read-input.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mb = sum(len(line.encode()) for line in lines) / 1e6

    parse = min(time_parse_only(lines) for _ in range(5))
    loaded, read = time_reader(lines)
    _, rules = time_reader(lines, use_model=False)
    cli = time_cli(path)
    result = {
        "messages": args.n,
        "megabytes": round(mb, 2),
        "parse_only_msgs_per_s": round(args.n / parse),
        "stagedoor_read_msgs_per_s": round(args.n / read),
        "rules_only_msgs_per_s": round(args.n / rules),
        "model_cost_ms_per_msg": round((read - rules) / args.n * 1000, 3),
        "stagedoor_read_cli_msgs_per_s_incl_startup": round(args.n / cli),
        "reader_load_s": round(loaded, 2),
        "ratio_read_to_parse": round(read / parse, 1),
        "full_over_rules_throughput": round(rules / read, 2),
    }
    (OUT / "read_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"stagedoor read on {args.n:,} messages ({mb:.1f} MB of JSONL), one process, side by side:")
    print("| what | messages/s |")
    print("|---|---|")
    print(f"| plain loop: json.loads each line | {result['parse_only_msgs_per_s']:,} |")
    print(f"| stagedoor read (in process, reader loaded) | {result['stagedoor_read_msgs_per_s']:,} |")
    print(f"| the same, rules only (model off) | {result['rules_only_msgs_per_s']:,} |")
    print(
        f"| `stagedoor read FILE` (CLI, start-up included) | {result['stagedoor_read_cli_msgs_per_s_incl_startup']:,} |"
    )
    print(
        f"reading costs {result['ratio_read_to_parse']}x the time of parsing alone; reader load {loaded:.2f} s;"
        f" the model adds {result['model_cost_ms_per_msg']} ms a message"
    )
    print(
        f"full reader at {result['full_over_rules_throughput']}x the rules-only throughput"
        " (issue 3 asks for at least 0.5x)"
    )


if __name__ == "__main__":
    main()
