"""The dossier in Debian's chromium: the timeline picture loads under the CSP, and an analyst confirms the
suggested alias with the form, by clicking, as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page
from tests.conftest import ARTIFACTS, browser_log_in, serve

from stagedoor import services
from stagedoor.services import Desk
from stagedoor.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Desk, str]]:
    """The demo mailbox in a desk of its own, served (chromium and `page` come from tests/conftest.py)."""
    settings, inputs = services.demo_settings(Settings(data_dir=tmp_path / "data"))
    desk = services.open_desk(settings)
    services.ingest_sources(desk, services.plan_ingest(inputs))
    with serve(desk) as url:
        yield desk, url
    desk.store.close()


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
