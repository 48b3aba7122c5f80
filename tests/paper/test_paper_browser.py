"""A person transcribes a handwritten page in Debian's chromium: the scan shows beside the text box under the
desk's CSP, and saving re-reads the letter: held from the artist's inbox while unread, it goes to welfare."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import paperkit as k
import pytest
from playwright.sync_api import Page
from test_paper_desk import handwritten
from tests.conftest import ARTIFACTS

from stagedoor import services
from stagedoor.domain import Route
from stagedoor.services import Desk

pytestmark = pytest.mark.browser


@pytest.fixture
def letter_id(desk: object, tmp_path: Path) -> str:
    path = tmp_path / "handwritten.png"
    path.write_bytes(handwritten())
    services.ingest_sources(cast(Desk, desk), services.plan_ingest([path]))
    (record,) = services.queue(cast(Desk, desk), None)
    return record.message.id


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
