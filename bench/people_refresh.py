"""`make bench`: the cost of correspondent work (streaming escalation and link suggestions) next to reading.

On the labelled histories in eval/histories, copied `--copies` times under fresh identities: read every message
with the shipped reader, then run what a refresh runs (escalation after each message of each writer, link
suggestions over all writers), side by side in one run. The ratio is the figure to quote.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from stagedoor import services
from stagedoor.domain import Sender
from stagedoor.evaluation import histories
from stagedoor.people import escalation, links
from stagedoor.people.history import HistoryItem
from stagedoor.settings import Settings

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args()
    base = histories.load(HERE / "eval" / "histories")
    writers: list[list[HistoryItem]] = []
    for copy in range(args.copies):
        for h in base:
            writers.append(
                [
                    dataclasses.replace(
                        i, message_id=f"{copy}:{i.message_id}", sender=_renamed(i.sender, copy)
                    )
                    for i in h.items
                ]
            )
    reader = services.build_reader(Settings())
    start = time.perf_counter()
    read = [[dataclasses.replace(i, flags=reader.read_text(i.text).flags) for i in w] for w in writers]
    reading = time.perf_counter() - start
    start = time.perf_counter()
    for w in read:
        escalation.stream(w)
    links.suggest([links.writer_of(n, w) for n, w in enumerate(read)])
    people = time.perf_counter() - start
    messages = sum(len(w) for w in read)
    print(f"{len(read)} writers, {messages} messages: reading {reading:.2f} s, people {people:.2f} s")
    print(f"people work / reading = {people / reading:.2f}")


def _renamed(s: Sender, copy: int) -> Sender:
    tag = f"c{copy}"
    return dataclasses.replace(
        s,
        name=f"{s.name} {tag}" if s.name else "",
        address=s.address.replace("@", f".{tag}@", 1) if s.address else "",
        handle=f"{s.handle}_{tag}" if s.handle else "",
        postal_address=f"{s.postal_address} {tag}" if s.postal_address else "",
    )


if __name__ == "__main__":
    main()
