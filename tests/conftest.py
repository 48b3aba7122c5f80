"""The one conftest: settings, desks on SQLite and (when the test setup started it) PostgreSQL, personas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stagedoor.settings import Settings

DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """SQLite in a fresh data directory."""
    return Settings(data_dir=tmp_path / "stagedoor-data")


@pytest.fixture
def desk(settings: Settings) -> Iterator[object]:
    from stagedoor import services

    d = services.open_desk(settings)
    yield d
    d.store.close()
