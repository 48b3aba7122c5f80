"""The desk in Debian's chromium through Playwright: click through, see the evidence, and nothing hostile runs."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import uvicorn
from deskseed import Seeded, seed
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from stagedoor.services import Desk
from stagedoor.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
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
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


@pytest.fixture
def base_url(desk: object, seeded: Seeded) -> Iterator[str]:
    """uvicorn in a background thread on a socket bound here, so the port cannot be taken in between."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(cast(Desk, desk)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make system` or apt-get install chromium)"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    yield p
    context.close()


def test_security_queue_click_through_to_highlighted_evidence(
    page: Page, base_url: str, seeded: Seeded, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, base_url, "security")
    page.goto(base_url + "/")
    assert page.url == base_url + "/queue/security"
    assert page.locator("h1").inner_text() == "Security queue"
    badge = page.locator(".badge.sev-imminent").first
    assert badge.is_visible()
    # the stylesheet loaded under the CSP: the imminent badge is dark red, not unstyled
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(122, 0, 16)"
    page.screenshot(path=str(ARTIFACTS / "queue-security.png"), full_page=True)

    page.locator(f'tr[data-message-id="{seeded.imminent}"] a').click()
    page.wait_for_url(f"{base_url}/messages/{seeded.imminent}")
    marks = page.locator(".letter mark")
    assert marks.count() == 2
    assert marks.first.is_visible()
    assert marks.first.inner_text() == "waiting at your hotel tonight"
    assert "cat-artist-approach" in (marks.first.get_attribute("class") or "")
    page.screenshot(path=str(ARTIFACTS / "message-imminent.png"), full_page=True)


def test_hostile_message_runs_nothing_and_loads_nothing_remote(
    page: Page, base_url: str, seeded: Seeded, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, base_url, "security")
    dialogs: list[str] = []
    requests: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{base_url}/messages/{seeded.xss}")
    page.wait_for_load_state("networkidle")
    page.locator(".letter mark").first.hover()

    assert dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 0
    assert page.locator("[onerror], [onmouseover]").count() == 0
    letter = page.locator(".letter").inner_text()
    assert "<script>alert(1)</script>" in letter and 'onerror="window.__pwned=1"' in letter
    assert all(url.startswith(base_url) for url in requests), requests
    page.screenshot(path=str(ARTIFACTS / "message-hostile.png"), full_page=True)
