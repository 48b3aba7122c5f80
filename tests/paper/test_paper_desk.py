"""A scanned letter on the desk: pages beside a textarea, a transcription that re-reads the letter, envelopes.

Through the real store (SQLite and PostgreSQL), the web app (TestClient) and the CLI (a subprocess).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import paperkit as k
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from tests.conftest import log_in

from stagedoor import services
from stagedoor.domain import Category, MessageRecord, Route
from stagedoor.domain.paper import Envelope
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.web.app import create_app

HOSTILE = "I know which floor your flat is on and I followed your car to the studio. <script>alert(1)</script><img src=x onerror=alert(2)>"


def handwritten() -> bytes:
    """A page of scribble standing in for handwriting: OCR finds nothing, a person must read it."""
    image = Image.new("L", k.PAGE, 255)
    draw, rng = ImageDraw.Draw(image), random.Random(11)
    for row in range(18):
        draw.line([(120 + i * 12, 160 + row * 64 + rng.randint(-12, 12)) for i in range(80)], fill=0, width=3)
    return k.png(image)


def ingest(desk: Desk, path: Path) -> MessageRecord:
    services.ingest_sources(desk, services.plan_ingest([path]))
    (record,) = [r for r in services.queue(desk, None) if r.message.external_id == path.name]
    return record


@pytest.fixture
def letter(any_desk: Desk, tmp_path: Path) -> MessageRecord:
    path = tmp_path / "handwritten.png"
    path.write_bytes(handwritten())
    return ingest(any_desk, path)


def test_a_transcription_replaces_the_page_text_and_the_letter_is_read_again(
    any_desk: Desk, letter: MessageRecord
) -> None:
    before = letter.reading
    # a page nobody could read yet: the letter is not cleared for the artist, whatever the rest says
    assert before is not None and before.flags == () and before.routes == ()
    assert letter.message.id not in {r.message.id for r in services.queue(any_desk, Route.ARTIST)}
    paper = services.paper_file(any_desk, letter.message.id)
    assert paper is not None and [p.number for p in paper.pages_to_transcribe] == [1]
    assert services.pages_to_transcribe(any_desk)[0][:2] == (letter.message.id, 1)

    after = services.transcribe_page(any_desk, letter.message.id, 1, k.EN_SUICIDE + "\r\n")
    assert after is not None and after.message.text == k.EN_SUICIDE
    assert after.reading is not None and after.reading.routes == (Route.WELFARE,)
    assert Category.WRITER_SUICIDE in {f.category for f in after.reading.flags}
    assert services.pages_to_transcribe(any_desk) == []
    assert any("transcribed by a person" in n for n in after.message.notes)

    services.transcribe_page(any_desk, letter.message.id, 1, "Dear Maya, thank you for the concert.")
    history = services.transcriptions(any_desk, letter.message.id)
    assert [(page, replaced) for page, _text, replaced in history] == [(1, ""), (1, k.EN_SUICIDE)]
    assert services.message(any_desk, letter.message.id).reading.routes == (Route.ARTIST,)  # type: ignore[union-attr]
    assert services.transcribe_page(any_desk, letter.message.id, 2, "no such page") is None


@pytest.fixture
def client(any_desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(cast(Desk, any_desk)), base_url="https://testserver") as c:
        log_in(c, any_desk, "security")
        yield c


def test_the_desk_shows_pages_and_takes_a_transcription(client: TestClient, letter: MessageRecord) -> None:
    mid = letter.message.id
    page = client.get(f"/messages/{mid}")
    assert page.status_code == 200
    assert (
        f'src="/messages/{mid}/pages/1/image"' in page.text and "needs a person to transcribe it" in page.text
    )
    image = client.get(f"/messages/{mid}/pages/1/image")
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")

    view = client.get(f"/messages/{mid}/pages/1")
    assert (
        view.status_code == 200
        and "<textarea" in view.text
        and f'/messages/{mid}/pages/1/image"' in view.text
    )
    assert (
        "/transcribe" in client.get("/transcribe").text
        and client.get("/api/transcribe").json()[0]["page"] == 1
    )

    done = client.post(f"/messages/{mid}/pages/1/transcribe", data={"text": HOSTILE}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/messages/{mid}")
    shown = client.get(f"/messages/{mid}").text
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "typed in by a person" in shown
    api = client.get(f"/api/messages/{mid}/paper").json()
    assert api["pages"][0]["text"] == HOSTILE and api["pages"][0]["transcribed"] is True
    assert api["transcriptions"] == [{"page": 1, "text": HOSTILE, "replaced": ""}]
    assert client.get("/api/transcribe").json() == []
    assert Route.SECURITY.value in client.get(f"/api/messages/{mid}").json()["reading"]["routes"]


def test_envelope_details_are_kept_and_shown(client: TestClient, letter: MessageRecord) -> None:
    mid = letter.message.id
    form = {
        "postmark_city": "Lille",
        "postmark_date": "14/03/2026",
        "return_address": "14 rue des Glycines\r\n59000 Lille",
        "enclosures": "a photograph\n\n<b>a pressed flower</b>\n",
    }
    assert client.post(f"/messages/{mid}/envelope", data=form, follow_redirects=False).status_code == 303
    envelope = client.get(f"/api/messages/{mid}/paper").json()["envelope"]
    assert envelope["postmark_city"] == "Lille" and envelope["postmark_date"] == "2026-03-14"
    assert envelope["return_address"] == "14 rue des Glycines\n59000 Lille"
    assert envelope["enclosures"] == ["a photograph", "<b>a pressed flower</b>"]
    shown = client.get(f"/messages/{mid}").text
    assert "Lille, 2026-03-14" in shown and "&lt;b&gt;a pressed flower&lt;/b&gt;" in shown
    bad = client.post(f"/messages/{mid}/envelope", data={"postmark_date": "next tuesday"})
    assert bad.status_code == 400 and "postmark date" in bad.text


def test_pages_of_what_is_not_a_scan_are_not_found(client: TestClient, letter: MessageRecord) -> None:
    mid = letter.message.id
    assert client.get(f"/messages/{mid}/pages/9").status_code == 404
    assert client.get(f"/messages/{mid}/pages/9/image").status_code == 404
    assert client.post(f"/messages/{mid}/pages/9/transcribe", data={"text": "x"}).status_code == 404
    assert client.get("/api/messages/0000000000000000/paper").status_code == 404
    assert (
        client.post("/messages/0000000000000000/envelope", data={"postmark_city": "Lyon"}).status_code == 404
    )


def stagedoor(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: v for key, v in os.environ.items() if not key.startswith("STAGEDOOR_")}
    env["STAGEDOOR_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["STAGEDOOR_DATABASE_URL"] = settings.database_url
    return subprocess.run(
        [sys.executable, "-m", "stagedoor.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_cli_ingests_scans_attaches_an_envelope_and_transcribes(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "page.png").write_bytes(handwritten())
    (tmp_path / "cut.tiff").write_bytes(k.tiff(k.render(k.FR_FAN))[:3000])
    first = stagedoor(settings, "ingest", str(tmp_path / "page.png"), str(tmp_path / "cut.tiff"))
    assert first.returncode == 0 and "1 new, 0 duplicate, 1 quarantined" in first.stdout, first.stderr
    desk = services.open_desk(settings)
    (record,) = services.queue(desk, None)
    mid = record.message.id
    done = stagedoor(
        settings, "envelope", mid, "--city", "Roubaix", "--date", "2026-02-01", "--enclosure", "drawing"
    )
    assert done.returncode == 0, done.stderr
    envelope = services.paper_file(desk, mid).envelope  # type: ignore[union-attr]
    assert envelope is not None and (envelope.postmark_city, envelope.enclosures) == ("Roubaix", ("drawing",))
    bad = stagedoor(settings, "envelope", mid, "--date", "someday")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--date wants" in bad.stderr
    gone = stagedoor(settings, "envelope", "nosuchid", "--city", "Lyon")
    assert gone.returncode == 2 and "no message with id" in gone.stderr
    typed = stagedoor(settings, "transcribe", mid, "1", stdin=k.FR_APPROACH)
    assert typed.returncode == 0 and "severity imminent" in typed.stdout, typed.stderr
    assert Route.SECURITY in services.message(desk, mid).reading.routes  # type: ignore[union-attr]
    desk.store.close()


def test_a_return_address_files_scanned_letters_under_their_writer(any_desk: Desk, tmp_path: Path) -> None:
    scans = []
    for n, text in enumerate((k.FR_FAN, k.FR_APPROACH, k.EN_PAGE_ONE)):
        path = tmp_path / f"scan-{n}.png"
        path.write_bytes(k.png(k.render(text)))
        scans.append(ingest(any_desk, path))
    assert len({r.correspondent_id for r in scans}) == 1  # nobody known yet: all "unknown"
    for record, address in zip(
        scans[:2], ("14 rue des Glycines\n59000 Lille", "14 Rue des Glycines, 59000  LILLE"), strict=True
    ):
        services.attach_envelope(any_desk, record.message.id, Envelope(return_address=address))
    first, second, third = (services.message(any_desk, r.message.id) for r in scans)
    assert first is not None and second is not None and third is not None
    assert first.correspondent_id == second.correspondent_id != third.correspondent_id
    file = services.correspondent(any_desk, first.correspondent_id)
    assert file is not None and file.correspondent.message_count == 2
    assert first.message.sender.postal_address == "14 rue des Glycines\n59000 Lille"
