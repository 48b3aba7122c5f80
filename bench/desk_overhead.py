"""`make bench`: what the desk's safeguards cost, as ratios measured side by side in one run.

- storing messages with encryption at rest (Fernet) next to storing them in plaintext, same messages;
- appending to the hash-chained audit trail next to inserting the same rows with no chain;
- serving a message page with log-in, permission guard and audit next to reading the same record directly.
Absolute times on a shared machine are noise; the ratios are the figures to quote.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from stagedoor import services
from stagedoor.domain import Channel, Incoming, Message, Sender, message_id_for, sha256_hex
from stagedoor.domain.staff import Role
from stagedoor.office import accounts
from stagedoor.settings import Settings
from stagedoor.store.audit import AuditLog
from stagedoor.store.cipher import new_key
from stagedoor.store.tables import AuditRow
from stagedoor.web.app import create_app

OUT = Path("bench-results")
TEXT = "Je serai devant ta loge après le concert, personne ne te connaît comme moi. " * 20


def items(n: int, tag: str) -> list[Incoming]:
    out = []
    for i in range(n):
        raw = f"From: fan{i}@example.org\n\n{tag}{i} {TEXT}".encode()
        sha = sha256_hex(raw)
        m = Message(
            message_id_for(sha, Channel.EMAIL),
            Channel.EMAIL,
            Sender(address=f"fan{i}@example.org"),
            None,
            "",
            raw.decode(),
            sha,
        )
        out.append(Incoming(m, raw))
    return out


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000, help="messages / audit rows / page views")
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        plain = services.open_desk(Settings(data_dir=Path(tmp) / "plain"))
        secret = services.open_desk(Settings(data_dir=Path(tmp) / "enc", encryption_keys=new_key()))
        t_plain = timed(lambda: [plain.store.add(i) for i in items(n, "p")])
        t_enc = timed(lambda: [secret.store.add(i) for i in items(n, "e")])

        scratch = services.open_desk(Settings(data_dir=Path(tmp) / "scratch"))

        def raw_inserts() -> None:
            for k in range(n):
                with scratch.store.session() as s:
                    s.execute(
                        insert(AuditRow).values(
                            at=datetime.now(UTC),
                            actor="a",
                            action="x",
                            target=str(k),
                            source="",
                            detail={},
                            prev_hash=f"{k:064d}",
                            hash="",
                        )
                    )
                    s.commit()

        t_rows = timed(raw_inserts)
        log = AuditLog(secret.store)
        t_chain = timed(lambda: [log.append("a", "x", str(k)) for k in range(n)])

        accounts.add_user(plain, "bench", Role.SECURITY, "a long bench password")
        first = items(1, "view")[0]
        plain.store.add(first)
        views = max(n // 10, 50)
        t_direct = timed(lambda: [services.message(plain, first.message.id) for _ in range(views)])
        client = TestClient(create_app(plain), base_url="https://testserver")
        client.get("/login")
        client.post(
            "/login",
            data={
                "username": "bench",
                "password": "a long bench password",
                "login_csrf": client.cookies.get("stagedoor_login_csrf"),
            },
        )
        # the message is unread, which security may open: guard, session lookup, page render and audit row
        t_page = timed(lambda: [client.get(f"/api/messages/{first.message.id}") for _ in range(views)])
    result = {
        "n": n,
        "encrypted_store_vs_plain": round(t_enc / t_plain, 2),
        "chained_audit_append_vs_plain_insert": round(t_chain / t_rows, 2),
        "guarded_audited_api_view_vs_direct_read": round(t_page / t_direct, 2),
        "seconds": {
            "plain_store": round(t_plain, 3),
            "encrypted_store": round(t_enc, 3),
            "plain_insert": round(t_rows, 3),
            "chained_append": round(t_chain, 3),
            "direct_reads": round(t_direct, 3),
            "api_views": round(t_page, 3),
        },
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "desk_overhead.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
