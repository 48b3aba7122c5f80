"""`make bench`: `stagedoor fetch imap` messages per second next to a plain `imaplib` fetch of the same mailbox.

One Dovecot on loopback (the tests' own helper), one mailbox of synthetic fan mail. Rounds alternate the
two so that machine noise falls on both; the ratio of medians is the figure to quote. Stagedoor's side is
fetch + parse + store (dedup, cursor, one commit per message), without reading: `make bench`'s
read_throughput.py measures the reader.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "intake"))

from imapserver import PASSWORD, USER, Dovecot  # noqa: E402

from stagedoor import intake, services  # noqa: E402
from stagedoor.ingest.imap import MailboxConfig  # noqa: E402
from stagedoor.settings import Settings  # noqa: E402

OUT = ROOT / "bench-results"


def mail(n: int) -> list[bytes]:
    """Distinct fan letters of a few hundred bytes, like real mail rather than one-liners."""
    return [
        (
            f"From: Fan {i} <fan{i}@example.org>\r\nTo: artist@example.com\r\nSubject: about the tour, {i}\r\n"
            f"Message-ID: <bench-{i}@example.org>\r\nDate: Tue, 3 Mar 2026 10:{i % 60:02d}:00 +0000\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Bonjour ! Letter {i}: we drove {i % 300} km to see you in Lyon and it was worth every one.\r\n"
            f"My daughter ({i % 12} years old) sings song {i % 17} all day long. Merci pour tout.\r\n"
        ).encode()
        for i in range(n)
    ]


def plain_imaplib(server: Dovecot, batch: int) -> int:
    """The floor: log in, list UIDs, fetch every body in batches; nothing parsed or stored."""
    c = imaplib.IMAP4("127.0.0.1", server.port)
    c.login(USER, PASSWORD)
    c.select("INBOX", readonly=True)
    _, data = c.uid("SEARCH", "ALL")
    uids = data[0].split()
    n = 0
    for start in range(0, len(uids), batch):
        _, parts = c.uid("FETCH", b",".join(uids[start : start + batch]).decode(), "(UID BODY.PEEK[])")
        n += sum(1 for p in parts if isinstance(p, tuple))
    c.logout()
    return n


def stagedoor_fetch(server: Dovecot, work: Path) -> int:
    """A fresh desk each round, so every message is fetched, parsed and stored again."""
    desk = services.open_desk(Settings(data_dir=work))
    box = MailboxConfig(
        name="bench", host="127.0.0.1", port=server.port, security="none", username=USER,
        password_env="STAGEDOOR_BENCH_IMAP_PASSWORD",
    )  # fmt: skip
    try:
        return intake.fetch_imap(desk, [box], read=False).counts.new
    finally:
        desk.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["STAGEDOOR_BENCH_IMAP_PASSWORD"] = PASSWORD
    server = Dovecot.create()
    try:
        server.start()
        server.append("INBOX", mail(args.messages))
        times: dict[str, list[float]] = {"imaplib": [], "stagedoor": []}
        with tempfile.TemporaryDirectory(prefix="stagedoor-bench-") as tmp:
            for r in range(args.rounds):
                start = time.perf_counter()
                assert plain_imaplib(server, intake.BATCH) == args.messages
                times["imaplib"].append(time.perf_counter() - start)
                start = time.perf_counter()
                assert stagedoor_fetch(server, Path(tmp) / f"round-{r}") == args.messages
                times["stagedoor"].append(time.perf_counter() - start)
    finally:
        server.destroy()
    rate = {k: args.messages / statistics.median(v) for k, v in times.items()}
    result = {
        "messages": args.messages,
        "rounds": args.rounds,
        "imaplib_messages_per_s": round(rate["imaplib"], 1),
        "stagedoor_messages_per_s": round(rate["stagedoor"], 1),
        "stagedoor_over_imaplib": round(rate["stagedoor"] / rate["imaplib"], 3),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "imap_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"IMAP fetch of {args.messages} messages (median of {args.rounds} alternating rounds, one Dovecot):\n"
        f"  plain imaplib (fetch only)           {rate['imaplib']:9.1f} messages/s\n"
        f"  stagedoor fetch imap (fetch + store) {rate['stagedoor']:9.1f} messages/s\n"
        f"  ratio stagedoor / imaplib            {result['stagedoor_over_imaplib']:9.3f}"
    )


if __name__ == "__main__":
    main()
