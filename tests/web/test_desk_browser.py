"""Each role in Debian's chromium: what it can and cannot see, a case worked from open to closed, and
screenshots of the queue, a case and the dashboard (test-artifacts/)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from deskseed import Seeded, seed
from playwright.sync_api import Page

from conftest import ARTIFACTS, ensure_persona
from stagedoor.office import accounts, cases
from stagedoor.services import Desk

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


def tabs(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("nav .tabs a").all_inner_texts()]


def test_the_artist_sees_only_cleared_mail(
    page: Page, base_url: str, seeded: Seeded, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url + "/queue/security")
    assert page.url.startswith(base_url + "/login?next=")  # nobody gets in without logging in
    browser_login(page, base_url, "artist", here=True)
    assert page.url == base_url + "/queue/security"  # back where they were headed: but refused there
    assert page.locator("h1").inner_text() == "Not for your role"
    page.goto(base_url + "/")
    assert page.url == base_url + "/queue/artist"
    assert [t.split(" ")[0] for t in tabs(page)] == ["Artist's"]
    assert page.locator("tr[data-message-id]").count() == 1
    assert page.locator(f'tr[data-message-id="{seeded.safe}"]').is_visible()
    page.screenshot(path=str(ARTIFACTS / "artist-inbox.png"), full_page=True)
    page.goto(f"{base_url}/messages/{seeded.imminent}")
    assert page.locator("h1").inner_text() == "Not found"
    assert "knife" not in page.content()


def test_welfare_sees_the_disclosure_and_security_does_not(
    browser: Any, base_url: str, seeded: Seeded, browser_login: Any
) -> None:
    welfare = browser.new_context().new_page()
    browser_login(welfare, base_url, "welfare")
    assert welfare.url == base_url + "/queue/welfare"
    welfare.locator(f'tr[data-message-id="{seeded.welfare}"] a').click()
    assert welfare.locator(".letter mark").first.inner_text() == "I don't want to be here anymore"
    assert "Security" not in " ".join(tabs(welfare))

    security = browser.new_context().new_page()
    browser_login(security, base_url, "security")
    assert "Welfare" not in " ".join(tabs(security))
    security.goto(f"{base_url}/messages/{seeded.welfare}")
    assert security.locator("h1").inner_text() == "Not found"
    security.goto(f"{base_url}/queue/welfare")
    assert security.locator("h1").inner_text() == "Not for your role"


def test_admin_manages_users_and_sees_the_dashboard_but_no_mail(
    page: Page, base_url: str, desk: object, seeded: Seeded, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    d = cast(Desk, desk)
    ensure_persona(d, "security")
    nadia = next(u for u in accounts.users(d) if u.username == "nadia")
    for message_id in (seeded.imminent, seeded.french):  # two cases, one touched, for the charts
        case = cases.open_for_message(d, nadia, message_id)
    cases.start(d, nadia, case.id)
    browser_login(page, base_url, "admin")
    assert page.url == base_url + "/dashboard"
    assert page.locator("figure img").count() == 4
    assert all(page.locator("figure img").evaluate_all("els => els.map(e => e.naturalWidth > 0)"))
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.goto(base_url + "/admin/users")
    page.fill("form.verb input[name=username]", "zoe")
    page.select_option("form.verb select[name=role]", "welfare")
    page.fill("form.verb input[name=password]", "a long enough password")
    page.click("form.verb button[type=submit]")
    page.locator('tr[data-username="zoe"]').wait_for(state="visible")  # the redirect after the POST
    assert page.locator('tr[data-username="zoe"]').is_visible()
    page.goto(f"{base_url}/messages/{seeded.safe}")
    assert page.locator("h1").inner_text() == "Not for your role"
    page.goto(base_url + "/audit")
    assert "intact" in page.locator(".chain-ok").inner_text()


def test_security_works_a_case_from_open_to_closed(
    page: Page, base_url: str, seeded: Seeded, browser_login: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser_login(page, base_url, "security")
    page.screenshot(path=str(ARTIFACTS / "queue-security-logged-in.png"), full_page=True)
    page.locator(f'tr[data-message-id="{seeded.imminent}"] a').click()
    page.click("form[action$='/open-case'] button")
    assert "/cases/" in page.url
    assert page.locator(".case-status").inner_text() == "open"
    page.select_option("select[name=assignee]", "nadia")
    page.click("form[action$='/assign'] button")
    assert page.locator(".case-assignee").inner_text() == "nadia"
    page.click("form[action$='/start'] button")
    assert page.locator(".case-status").inner_text() == "in progress"
    page.select_option("select[name=action]", "venue security informed")
    page.fill("input[name=comment]", "hotel night manager told")
    page.click("form[action$='/act'] button")
    page.fill("textarea[name=text]", "Writer known from the spring letters.")
    page.click("form[action$='/note'] button")
    page.fill("input[name=outcome]", "Police took over")
    page.click("form[action$='/close'] button")
    assert page.locator(".case-status").inner_text() == "closed"
    history = page.locator("ol.history li").all_inner_texts()
    assert [h.split(" nadia ")[1].split(" ")[0] for h in history] == [
        "open",
        "assign",
        "start",
        "action",
        "note",
        "close",
    ]
    page.screenshot(path=str(ARTIFACTS / "case-closed.png"), full_page=True)
    page.goto(base_url + "/cases")
    assert page.locator("tr[data-case-id]").count() == 1
    page.click("form.whoami button")
    assert page.url == base_url + "/login"
    page.goto(base_url + "/cases")
    assert page.url.startswith(base_url + "/login?next=")
