"""The dossier in Debian's chromium: the timeline picture loads under the CSP, and an analyst confirms the
suggested alias with the form, by clicking, as a user would."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page, sync_playwright
from tests.conftest import browser_log_in

from stagedoor import services
from stagedoor.services import Desk
from stagedoor.settings import Settings
from stagedoor.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Desk, str]]:
    settings, inputs = services.demo_settings(Settings(data_dir=tmp_path / "data"))
    desk = services.open_desk(settings)
    services.ingest_sources(desk, services.plan_ingest(inputs))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(desk), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield desk, f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    desk.store.close()


@pytest.fixture
def page() -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        browser.close()


def test_timeline_picture_loads_and_the_alias_is_merged_by_clicking(
    page: Page, demo: tuple[Desk, str]
) -> None:
    desk, url = demo
    [cid] = [c.id for c in services.correspondents(desk) if c.key == "email:celeste.moreau@example.net"]
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if isinstance(m, ConsoleMessage) else None)
    browser_log_in(page, url, desk, "security")
    page.goto(f"{url}/correspondents/{cid}")
    page.wait_for_load_state("load")
    width = page.evaluate("document.querySelector('img.timeline').naturalWidth")
    assert width > 0, "the timeline picture did not load"
    assert not [m for m in console if "Content Security Policy" in m], console
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)

    form = page.locator("form[action^='/links/']").first
    form.get_by_role("button", name="Same person: merge").click()
    page.wait_for_url(f"{url}/correspondents/{cid}")
    assert page.locator("dl.facts dd").nth(2).inner_text() == "10"
    assert "merge of 1 message(s)" in page.locator("section[aria-labelledby=ev-h]").inner_text()
