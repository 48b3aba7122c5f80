"""The web desk through TestClient: pages, their JSON twins, 404s, and hostile message text kept inert."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, cast

import pytest
from deskseed import XSS_TEXT, Seeded, seed
from fastapi.testclient import TestClient

from stagedoor.services import Desk
from stagedoor.web import queue as queue_routes
from stagedoor.web.headers import CONTENT_SECURITY_POLICY


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <mark> elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self._in_mark = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_mark = self._in_mark or tag == "mark"
        if tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data

    def attr(self, name: str) -> list[str]:
        return [a[name] or "" for _, a in self.tags if name in a]

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


@pytest.fixture
def seeded(desk: object) -> Seeded:
    return seed(cast(Desk, desk))


@pytest.fixture
def client(client_for: Any, seeded: Seeded) -> TestClient:
    """The security analyst; tests about other teams' pages log in as them."""
    return cast(TestClient, client_for("security"))


@pytest.fixture
def welfare(client_for: Any, seeded: Seeded) -> TestClient:
    return cast(TestClient, client_for("welfare"))


def api(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def test_home_redirects_to_the_security_queue(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/queue/security"


@pytest.mark.parametrize(
    ("route", "says"),
    [
        ("security", "Threats, fixation, intent to approach and harassment, at concern or above"),
        ("welfare", "suicide, self-harm, eating disorders and despair"),
        ("artist", "no flag above low"),
    ],
)
def test_each_queue_says_what_it_is_and_matches_its_twin(
    client_for: Any, seeded: Seeded, route: str, says: str
) -> None:
    client = client_for("welfare" if route == "welfare" else "security")
    page = client.get(f"/queue/{route}")
    assert page.status_code == 200
    assert says in page.text
    twin = api(client, f"/api/queue/{route}")
    assert Tags(page.text).attr("data-message-id") == [r["id"] for r in twin]
    assert all("text" not in r and r["reading"] for r in twin)
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_security_queue_is_most_severe_first_with_counts_in_the_tabs(
    client: TestClient, seeded: Seeded
) -> None:
    twin = api(client, "/api/queue/security")
    assert [r["id"] for r in twin] == [seeded.imminent, seeded.xss, seeded.french]
    assert [r["reading"]["severity"] for r in twin] == ["imminent", "urgent", "urgent"]
    page = client.get("/queue/security").text
    assert 'Security <span class="count">3</span>' in page
    assert 'Artist&#39;s inbox <span class="count">1</span>' in page
    assert "Welfare <span" not in page  # security does not see the welfare queue, not even its count
    assert 'class="badge sev-imminent">imminent<' in page
    assert "intent to approach, threat" in page
    assert "Marc Dubois" in page and "0.97" in page and "Tonight" in page


def test_a_message_can_be_in_two_queues_and_unread_mail_is_in_none(
    client: TestClient, welfare: TestClient, seeded: Seeded
) -> None:
    everywhere = [
        r["id"]
        for team, route in ((client, "security"), (welfare, "welfare"), (client, "artist"))
        for r in api(team, f"/api/queue/{route}")
    ]
    assert seeded.unread not in everywhere
    assert seeded.safe in [r["id"] for r in api(client, "/api/queue/artist")]


def test_queue_pages(client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_routes, "PAGE_SIZE", 2)
    first, second = client.get("/queue/security"), client.get("/queue/security?page=2")
    assert "page 1 of 2" in first.text and 'href="/queue/security?page=2"' in first.text
    assert Tags(second.text).attr("data-message-id") == [seeded.french]
    twin = client.get("/api/queue/security?page=1")
    assert twin.headers["x-total-count"] == "3"
    assert 'rel="next"' in twin.headers["link"]
    assert client.get("/queue/security?page=3").status_code == 404


def test_message_page_shows_flags_evidence_dismissed_and_details(welfare: TestClient, seeded: Seeded) -> None:
    client = welfare
    page = client.get(f"/messages/{seeded.welfare}")
    assert page.status_code == 200
    tags = Tags(page.text)
    assert tags.marks == ["I don't want to be here anymore"]
    mark = tags.named("mark")[0]
    assert mark["class"] == "cat-writer-suicide"
    assert "Passive wish not to be alive." in (mark["title"] or "")
    twin = api(client, f"/api/messages/{seeded.welfare}")
    for f in twin["reading"]["flags"]:
        assert f["reason"] in page.text and f"score {f['score']:.2f}" in page.text
    assert twin["reading"]["dismissed"][0]["reason"] in page.text
    assert "Considered and not flagged" in page.text
    assert twin["reading"]["pipeline_version"] in page.text
    assert f'href="/correspondents/{twin["correspondent_id"]}"' in page.text
    assert "@sam_sings" in page.text and "instagram" in page.text


def test_french_message_marks_overlap_free_spans_with_accents_intact(
    client: TestClient, seeded: Seeded
) -> None:
    tags = Tags(client.get(f"/messages/{seeded.french}").text)
    assert tags.marks == ["Tu m'écris en secret", "Je serai devant ta loge après le concert"]
    assert 'lang="fr"' in client.get(f"/messages/{seeded.french}").text


def test_attachments_are_listed_never_linked_and_notes_shown(client: TestClient, seeded: Seeded) -> None:
    page = client.get(f"/messages/{seeded.xss}").text
    assert "&lt;img src=x onerror=alert(2)&gt;.png" in page
    assert "20.0 KB" in page and "ab" * 32 in page and "image/png" in page
    assert not any(".png" in h for h in Tags(page).attr("href"))
    assert "HTML body converted to text &lt;b&gt;bold&lt;/b&gt;" in page


def test_hostile_text_is_escaped_everywhere(client: TestClient, seeded: Seeded) -> None:
    for path in (f"/messages/{seeded.xss}", "/queue/security", "/correspondents", "/quarantine"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.text
        assert "<script" not in html and "<img" not in html and "<b " not in html, path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    page = client.get(f"/messages/{seeded.xss}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt;" in page
    hrefs = Tags(page).attr("href")
    assert not any("evil.example" in h or h.startswith("javascript:") for h in hrefs)
    assert "https://evil.example/pixel.png" in page
    assert Tags(page).marks[0] == "<script>alert(1)</script>"
    assert api(client, f"/api/messages/{seeded.xss}")["text"] == XSS_TEXT


@pytest.mark.parametrize(
    "path",
    [
        "/queue/nope",
        "/messages/0000000000000000",
        "/correspondents/999",
        "/correspondents/abc",
        "/nowhere",
    ],
)
def test_unknown_things_are_a_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "path", ["/api/queue/nope", "/api/messages/0000000000000000", "/api/correspondents/999"]
)
def test_unknown_things_are_a_404_in_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_unreadable_page_number_is_a_400_page_and_a_422_in_json(client: TestClient) -> None:
    assert client.get("/queue/security?page=0").status_code == 400
    assert client.get("/queue/security?page=x").status_code == 400
    assert client.get("/api/queue/security?page=0").status_code == 422


def test_correspondents_list_and_file_match_their_twins(client: TestClient, seeded: Seeded) -> None:
    listing = api(client, "/api/correspondents")
    page = client.get("/correspondents").text
    for c in listing:
        assert f'href="/correspondents/{c["id"]}"' in page
    marc = next(c for c in listing if c["display_name"] == "Marc Dubois")
    assert marc["message_count"] == 2 and marc["channels"] == ["email", "letter"]
    file_page = client.get(f"/correspondents/{marc['id']}").text
    twin = api(client, f"/api/correspondents/{marc['id']}")
    assert Tags(file_page).attr("data-message-id") == [m["id"] for m in twin["messages"]]
    assert [m["id"] for m in twin["messages"]] == [seeded.imminent, seeded.french]
    assert "sev-imminent" in file_page and "sev-urgent" in file_page


def test_quarantine_lists_reason_origin_size_and_hash(client: TestClient) -> None:
    twin = api(client, "/api/quarantine")
    page = client.get("/quarantine").text
    assert len(twin) == 1
    item = twin[0]
    assert item["reason"] in page and item["raw_sha256"] in page
    assert "inbox/&lt;broken&gt;.eml" in page
    assert f"{item['size']} bytes" in page


def test_unread_message_says_so(client: TestClient, seeded: Seeded) -> None:
    page = client.get(f"/messages/{seeded.unread}")
    assert page.status_code == 200
    assert "has not been read yet" in page.text
    assert api(client, f"/api/messages/{seeded.unread}")["reading"] is None


def test_healthz_and_static_css(client: TestClient) -> None:
    assert api(client, "/healthz") == {"status": "ok"}
    css = client.get("/static/desk.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_empty_desk_pages_render(client_for: Any) -> None:
    for role, path in (
        ("security", "/queue/security"),
        ("welfare", "/queue/welfare"),
        ("artist", "/queue/artist"),
        ("security", "/correspondents"),
        ("admin", "/quarantine"),
    ):
        response = client_for(role).get(path)
        assert response.status_code == 200, path
    c = client_for("security")
    assert "Nothing in this queue." in c.get("/queue/security").text
    assert c.get("/api/queue/artist").json() == []


def test_a_crash_is_a_plain_500_that_still_carries_the_security_headers(
    client_for: Any, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stagedoor import services

    def broken(*_: object) -> None:
        raise RuntimeError("store fell over")

    c = client_for("security", raise_server_exceptions=False)
    monkeypatch.setattr(services, "message", broken)
    response = c.get(f"/messages/{seeded.safe}")
    assert response.status_code == 500
    assert "store fell over" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
