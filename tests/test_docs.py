"""Docs that tests keep honest: every setting, CLI command and reader stage is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from stagedoor.cli import app
from stagedoor.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_leads_with_the_two_commands() -> None:
    first = README.index("```sh")
    assert README.index("make demo") > first and README.index("make test") > first
    assert README.index("make demo") < README.index("## Using it")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`STAGEDOOR_{name.upper()}`" in README


@pytest.mark.parametrize("command", sorted(c.name or c.callback.__name__ for c in app.registered_commands))  # type: ignore[union-attr]
def test_every_command_is_documented(command: str) -> None:
    assert f"stagedoor {command}" in README


def test_every_reader_stage_is_documented() -> None:
    from stagedoor.read import Reader

    for stage in Reader().stages:
        assert f"`{stage.name}`" in README, stage.name
