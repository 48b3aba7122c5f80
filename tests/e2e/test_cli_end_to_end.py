"""From `stagedoor ingest` to `stagedoor queue --json`, as a user runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stagedoor import services
from stagedoor.domain import Category
from stagedoor.settings import Settings

DEMO = services.DEMO_DATA
DEMO_INPUTS = [str(DEMO / name) for name in services.DEMO_INPUTS]


def stagedoor(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STAGEDOOR_")}
    env["STAGEDOOR_DATA_DIR"] = str(settings.data_dir)
    env["STAGEDOOR_LYRICS_FILE"] = str(DEMO / "lyrics.txt")
    if settings.database_url:
        env["STAGEDOOR_DATABASE_URL"] = settings.database_url
    return subprocess.run(
        [sys.executable, "-m", "stagedoor.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def expected() -> list[dict[str, object]]:
    lines = (DEMO / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_ingest_then_queue_json_then_reingest_adds_nothing(any_settings: Settings) -> None:
    first = stagedoor(any_settings, "ingest", *DEMO_INPUTS)
    assert first.returncode == 0, first.stderr
    new = int(first.stdout.split(" new")[0].split()[-1])
    assert new == len(expected())
    assert "0 quarantined" in first.stdout

    again = stagedoor(any_settings, "ingest", *DEMO_INPUTS)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"0 new, {new} duplicate, 0 quarantined")

    shown = stagedoor(any_settings, "queue", "--route", "security", "--json", "--limit", "500")
    assert shown.returncode == 0, shown.stderr
    rows = [json.loads(line) for line in shown.stdout.splitlines()]
    assert rows, "the demo mailbox has artist-risk mail"
    assert all("security" in row["reading"]["routes"] for row in rows)
    ranks = ["none", "low", "concern", "urgent", "imminent"]
    order = [(-ranks.index(r["reading"]["severity"]), -r["reading"]["score"]) for r in rows]
    assert order == sorted(order)

    one = stagedoor(any_settings, "show", rows[0]["id"], "--json")
    assert one.returncode == 0, one.stderr
    record = json.loads(one.stdout)
    assert record["reading"]["flags"][0]["evidence"], "a flag carries its evidence"
    for flag in record["reading"]["flags"]:
        for span in flag["evidence"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]


def test_demo_mail_lands_where_its_labels_say(settings: Settings) -> None:
    demo_settings, inputs = services.demo_settings(settings)
    desk = services.open_desk(demo_settings)
    services.ingest_sources(desk, services.plan_ingest(inputs))
    records = {rec.message.external_id: rec for rec in services.queue(desk, None, limit=10_000)}
    wrong = []
    for label in expected():
        rec = records.get(str(label["key"]))
        assert rec is not None and rec.reading is not None, f"{label['key']} was not read"
        routes = sorted(r.value for r in rec.reading.routes)
        flagged = {f.category.value for f in rec.reading.flags if f.severity.rank >= 2}
        if label["kind"] == "concern":
            missing = set(label["categories"]) - flagged  # type: ignore[arg-type]
            if sorted(label["routes"]) != routes or missing:  # type: ignore[arg-type]
                wrong.append(
                    f"{label['key']}: expected {label['routes']} {label['categories']}, got {routes} {flagged}"
                )
        elif rec.reading.severity.rank > 1:
            wrong.append(
                f"{label['key']} ({label.get('trap') or 'benign'}) flagged {rec.reading.severity.value}: {flagged}"
            )
    desk.store.close()
    assert not wrong, "\n".join(wrong)


def test_read_batch_keeps_order_and_the_stable_keys(settings: Settings) -> None:
    lines = [
        {"id": "a", "text": "I love your new album, thank you!", "extra": 1},
        {"id": 7, "text": "I want to die, I have the pills ready for tonight."},
        {"id": "c", "text": "Je sais où tu habites. Je serai devant chez toi samedi soir."},
    ]
    done = stagedoor(settings, "read", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert all(set(o) == {"id", "lang", "severity", "routes", "flags", "scores"} for o in out)
    assert all(set(o["scores"]) == {c.value for c in Category} for o in out)
    assert out[1]["scores"]["writer.suicide"] > out[0]["scores"]["writer.suicide"]
    assert out[0]["routes"] == ["artist"] and out[0]["flags"] == []
    assert "welfare" in out[1]["routes"] and out[1]["severity"] == "imminent"
    assert out[2]["lang"] == "fr" and "security" in out[2]["routes"]


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["ingest", "/no/such/mailbox.mbox"], None, "mailbox.mbox"),
        (["read"], "this is not json\n", "line 1"),
        (["show", "nope"], None, "no message"),
        (["ingest", "--preset", "nope", "x"], None, "preset"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(
    settings: Settings, args: list[str], stdin: str | None, says: str
) -> None:
    done = stagedoor(settings, *args, stdin=stdin)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and says in done.stderr


def test_every_edge_case_file_is_stored_or_quarantined_and_reingest_adds_nothing(settings: Settings) -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    done = stagedoor(settings, "ingest", str(data))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    new, quarantined = (
        int(done.stdout.split(" new")[0].split()[-1]),
        int(done.stdout.split(", ")[2].split()[0]),
    )
    assert new > 0 and quarantined > 0
    again = stagedoor(settings, "ingest", str(data))
    assert again.stdout.startswith("0 new,"), again.stdout
    assert ", 0 quarantined" in again.stdout


def test_correspondent_json_shows_the_demo_dossier_and_links_can_be_decided(settings: Settings) -> None:
    assert stagedoor(settings, "ingest", *DEMO_INPUTS).returncode == 0
    desk = services.open_desk(settings)
    [cid] = [c.id for c in services.correspondents(desk) if c.key == "email:celeste.moreau@example.net"]
    desk.store.close()
    done = stagedoor(settings, "correspondent", str(cid), "--json")
    assert done.returncode == 0, done.stderr
    dossier = json.loads(done.stdout)
    assert dossier["channels"] == ["email", "letter"] and dossier["escalation"]["level"] == "imminent"
    assert dossier["escalation_alerts"] and dossier["timeline"]["points"]
    [link] = [s for s in dossier["link_suggestions"] if s["status"] == "pending"]
    confirmed = stagedoor(settings, "confirm-link", str(link["id"]), "--by", "Priya")
    assert confirmed.returncode == 0 and "confirmed by Priya" in confirmed.stdout
    after = json.loads(stagedoor(settings, "correspondent", str(cid), "--json").stdout)
    assert after["channels"] == ["email", "letter", "dm"] and after["message_count"] == 10
    again = stagedoor(settings, "reject-link", str(link["id"]), "--by", "Priya")
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already confirmed" in again.stderr
    missing = stagedoor(settings, "correspondent", "99999")
    assert missing.returncode == 2 and "no correspondent 99999" in missing.stderr
