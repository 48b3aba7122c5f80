"""The one conftest: settings and desks on SQLite and on a real PostgreSQL server, and named personas."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from stagedoor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The server `make test` started; started here through the same script when pytest runs alone."""
    url = os.environ.get("STAGEDOOR_TEST_POSTGRES_URL")
    if url:
        return url
    done = subprocess.run(
        [str(ROOT / "scripts" / "test-postgres.sh"), "start"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"could not start the test PostgreSQL server: {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1]


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
