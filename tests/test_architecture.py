"""The arrows point one way: web/cli -> services -> (ingest, read, people, triage, store) -> domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "stagedoor"

# What each package may import from stagedoor (besides itself).
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "ingest": {"domain"},
    "read": {"domain"},
    "people": {"domain"},
    "triage": {"domain"},
    "store": {"domain"},
    "services": {"domain", "ingest", "read", "people", "triage", "store", "settings", "jsonview", "office"},
    "office": {"domain", "triage", "store", "services", "settings", "jsonview"},
    "deskcli": {"domain", "services", "settings", "office"},
    "jsonview": {"domain"},
    "intake": {"domain", "ingest", "read", "people", "triage", "store", "settings", "jsonview", "services"},
    "settings": set(),
    "web": {"domain", "services", "jsonview", "settings", "triage", "office", "intake"},
    "cli": {"domain", "services", "jsonview", "settings", "ingest", "web", "evaluation", "deskcli", "intake"},
    "datasets": {"domain"},
    "evaluation": {"domain", "datasets", "services", "settings", "read", "jsonview", "people"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "stagedoor":
                names = [f"stagedoor.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("stagedoor.")}
    return found


def _package_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


MODULES = sorted(p for p in SRC.rglob("*.py") if _package_of(p) in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_follow_the_arrows(path: Path) -> None:
    package = _package_of(path)
    wrong = _imports(path) - ALLOWED[package] - {package}
    assert not wrong, f"{path.relative_to(SRC)} ({package}) must not import {sorted(wrong)}"


def test_only_store_imports_sqlalchemy() -> None:
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if _package_of(p) != "store" and "sqlalchemy" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_every_top_level_module_is_classified() -> None:
    top = {
        p.name.removesuffix(".py") for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert top - {"__init__", "__main__"} <= set(ALLOWED)
