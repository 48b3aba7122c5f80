"""The desk in Debian's chromium through Playwright: click through, see the evidence, and nothing hostile runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from deskseed import Seeded, seed
from playwright.sync_api import Dialog, Page
from tests.conftest import ARTIFACTS, serve

from stagedoor.services import Desk

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


@pytest.fixture
def base_url(desk: object, seeded: Seeded) -> Iterator[str]:
    """The seeded desk, served (tests/conftest.py serves and launches chromium for every browser test)."""
    with serve(desk) as url:
        yield url


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
