"""The one conftest: settings and desks on SQLite and on a real PostgreSQL server, and named personas."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from stagedoor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The server `make test` started; when pytest runs alone, one of its own (free port, fresh directory)
    through the same script, stopped and removed at the end of the session."""
    url = os.environ.get("STAGEDOOR_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    url, data_dir = start_test_postgres()
    try:
        yield url
    finally:
        subprocess.run([str(ROOT / "scripts" / "test-postgres.sh"), "stop", data_dir], check=False)


def start_test_postgres() -> tuple[str, str]:
    """(URL, data directory) of a new throwaway server from scripts/test-postgres.sh."""
    script = str(ROOT / "scripts" / "test-postgres.sh")
    done = subprocess.run([script, "start"], capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or len(lines) != 2:
        pytest.fail(f"could not start the test PostgreSQL server: {done.stderr.strip()}")
    return lines[0], lines[1]


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database per test, dropped afterwards."""
    name = f"stagedoor_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """SQLite in a fresh data directory."""
    return Settings(data_dir=tmp_path / "stagedoor-data")


@pytest.fixture(params=["sqlite", "postgres"])
def any_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return Settings(data_dir=tmp_path / "stagedoor-data", database_url=url)
    return Settings(data_dir=tmp_path / "stagedoor-data")


@pytest.fixture
def desk(settings: Settings) -> Iterator[object]:
    from stagedoor import services

    d = services.open_desk(settings)
    yield d
    d.store.close()


@pytest.fixture
def any_desk(any_settings: Settings) -> Iterator[object]:
    from stagedoor import services

    d = services.open_desk(any_settings)
    yield d
    d.store.close()


# ---- the desk's people: named personas, logged-in clients for a role (TestClient and Playwright) --------

PASSWORD = "stagedoor test password"
PERSONAS: dict[str, tuple[str, str]] = {
    "security": ("nadia", "Nadia Haddad, security analyst"),
    "welfare": ("tom", "Tom Okafor, welfare lead"),
    "artist": ("lou", "Lou, the artist's assistant"),
    "admin": ("ines", "Inès Laurent, administrator"),
}


def ensure_persona(desk: object, role: str) -> str:
    """The role's persona as a desk user (created once per desk); returns the username."""
    from stagedoor.domain.staff import Role
    from stagedoor.office import accounts

    username, name = PERSONAS[role]
    if not any(u.username == username for u in accounts.users(desk)):  # type: ignore[arg-type]
        email = f"{username}@desk.example"
        accounts.add_user(desk, username, Role(role), PASSWORD, name, email, actor="tests")  # type: ignore[arg-type]
    return username


def log_in(client: object, desk: object, role: str) -> None:
    """Log a TestClient in through the real form; later POSTs carry the session's CSRF token."""
    from fastapi.testclient import TestClient

    from stagedoor.office import accounts

    assert isinstance(client, TestClient)
    username = ensure_persona(desk, role)
    client.get("/login")
    form = {
        "username": username,
        "password": PASSWORD,
        "login_csrf": client.cookies.get("stagedoor_login_csrf"),
    }
    response = client.post("/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    found = accounts.session_user(desk, client.cookies.get("stagedoor_session") or "")  # type: ignore[arg-type]
    assert found is not None
    client.headers["X-CSRF-Token"] = found[1]


@pytest.fixture
def client_for(desk: object) -> Iterator[object]:
    """`client_for("welfare")`: a TestClient logged in as that role's persona (https, so Secure cookies flow)."""
    from fastapi.testclient import TestClient

    from stagedoor.web.app import create_app

    app = create_app(desk)  # type: ignore[arg-type]
    made: list[TestClient] = []

    def make(role: str | None = None, **options: Any) -> TestClient:
        client = TestClient(app, base_url="https://testserver", **options)
        made.append(client)
        if role is not None:
            log_in(client, desk, role)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def browser_login(desk: object) -> Any:
    """`browser_login(page, base_url, "artist")`: log a Playwright page in through the form as that persona."""

    def log_in_page(page: Any, base_url: str, role: str, here: bool = False) -> None:
        """here=True: fill the log-in page the browser is already on (after a redirect with ?next=)."""
        browser_log_in(page, base_url, desk, role, here)

    return log_in_page


def browser_log_in(page: Any, base_url: str, desk: object, role: str, here: bool = False) -> None:
    """Log a Playwright page in through the form as the role's persona on `desk` (any desk a test serves)."""
    username = ensure_persona(desk, role)
    if not here:
        page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"log-in as {role} failed: {page.url}"


# ---- the desk served on loopback and Debian's chromium: one copy for every browser test ----------------

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
ARTIFACTS = ROOT / "test-artifacts"


@contextmanager
def serve(desk: object) -> Iterator[str]:
    """The desk's web app in uvicorn on a background thread, on a socket bound here (so the port cannot be
    taken in between); yields its base URL. For tests that serve a desk of their own."""
    import socket
    import threading
    import time

    import uvicorn

    from stagedoor.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(desk), log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def base_url(desk: object) -> Iterator[str]:
    with serve(desk) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make system` or apt-get install chromium)"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    yield p
    context.close()
