"""`make bench`: reading time of one message that repeats a trigger phrase, next to harmless text of the same
length, in one run (issue 12, finding 1: "I want to die " x 8,000 took 207 s while 720 KB of harmless text
took 8 s).

The reader is the desk's own (`make demo`'s lyrics, trained model on). For each size three texts of the same
length are read, alternating, best of `--repeats`: the phrase repeated in one endless sentence, the phrase as
that many sentences, and the demo mailbox's unflagged letters cut to that length. Linear reading shows as a
time that doubles when the size doubles, and as a ratio to harmless text that does not grow.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from read_throughput import demo_texts  # a sibling bench script: the same demo texts

from stagedoor import services
from stagedoor.read import Reader
from stagedoor.settings import Settings

OUT = Path("bench-results")
PHRASE = "I want to die "
SIZES = (1000, 2000, 4000, 8000)
BEFORE = {1000: 1.5, 2000: 8.0, 4000: 44.0, 8000: 207.0}
"""Seconds for the repeated phrase before the fix, as measured in issue 12 (another run, another load)."""


def harmless(reader: Reader, length: int) -> str:
    """The demo mailbox's letters that raise no flag, one after another, cut to `length` characters."""
    calm = [t for t in demo_texts() if not reader.read_text(t).flags]
    joined = "\n\n".join(calm)
    return (joined * (length // len(joined) + 1))[:length]


def best(reader: Reader, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        reader.read_text(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    settings, _ = services.demo_settings(Settings())
    reader = services.build_reader(settings)
    reader.read_text("warm-up: load the language detector, lexicons and model", message_id="w")
    calm = harmless(reader, len(PHRASE) * max(SIZES))
    rows = []
    for n in SIZES:
        texts = {
            "phrase": PHRASE * n,
            "sentences": PHRASE.strip() + ". " + (PHRASE.strip() + ". ") * (n - 1),
            "harmless": calm[: len(PHRASE) * n],
        }
        times = {name: best(reader, text, args.repeats) for name, text in texts.items()}
        rows.append(
            {
                "times": n,
                "kb": round(len(texts["phrase"]) / 1000),
                **{k: round(v, 3) for k, v in times.items()},
            }
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "read_worst_case.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f'Reading one message of "{PHRASE.strip()}" repeated, next to harmless text of the same length')
    print(f"(the desk's reader with make demo's lyrics; best of {args.repeats}; seconds):")
    print(
        "| repeats | KB | phrase, one sentence | phrase, n sentences | harmless letters | ratio | before the fix (issue 12, another run) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = max(r["phrase"], r["sentences"]) / r["harmless"]
        print(
            f"| {r['times']:,} | {r['kb']} | {r['phrase']:.2f} | {r['sentences']:.2f} | {r['harmless']:.2f}"
            f" | {ratio:.1f}x | {BEFORE[r['times']]:.0f} |"
        )
    first, last = rows[0], rows[-1]
    growth = max(last["phrase"], last["sentences"]) / max(first["phrase"], first["sentences"])
    print(
        f"{last['times'] // first['times']}x the text took {growth:.1f}x the time"
        f" (linear: {last['times'] // first['times']}x; issue 12 measured {BEFORE[8000] / BEFORE[1000]:.0f}x before the fix)"
    )


if __name__ == "__main__":
    main()
