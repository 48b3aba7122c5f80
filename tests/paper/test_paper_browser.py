"""A person transcribes a handwritten page in Debian's chromium: the scan shows beside the text box under the
desk's CSP, and saving re-reads the letter, which moves from the artist's inbox to the welfare queue."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import paperkit as k
import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright
from test_paper_desk import handwritten

from stagedoor import services
from stagedoor.domain import Route
from stagedoor.services import Desk
from stagedoor.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def letter_id(desk: object, tmp_path: Path) -> str:
    path = tmp_path / "handwritten.png"
    path.write_bytes(handwritten())
    services.ingest_sources(cast(Desk, desk), services.plan_ingest([path]))
    (record,) = services.queue(cast(Desk, desk), None)
    return record.message.id


@pytest.fixture
def base_url(desk: object, letter_id: str) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(cast(Desk, desk)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        yield context.new_page()
        browser.close()


def test_transcribing_a_handwritten_page_in_the_browser(
    page: Page, base_url: str, letter_id: str, desk: object, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, base_url, "welfare")
    page.goto(f"{base_url}/transcribe")
    page.locator(f'a[href="/messages/{letter_id}/pages/1"]').click()
    page.wait_for_url(f"{base_url}/messages/{letter_id}/pages/1")
    scan = page.locator(".page-image img")
    scan.wait_for()
    assert scan.evaluate("img => img.complete && img.naturalWidth") > 500  # loaded, not blocked by the CSP
    page.locator("textarea#text").fill(k.EN_SUICIDE)
    page.screenshot(path=str(ARTIFACTS / "transcribe-page.png"), full_page=True)
    page.get_by_role("button", name="Save the transcription and read the letter again").click()
    page.wait_for_url(f"{base_url}/messages/{letter_id}#pages")
    assert page.locator('.summary a[href="/queue/welfare"]').is_visible()
    assert "typed in by a person" in page.locator("#pages").inner_text()
    assert page.locator(".letter mark").count() >= 1
    record = services.message(cast(Desk, desk), letter_id)
    assert record is not None and record.reading is not None and record.reading.routes == (Route.WELFARE,)
