"""Two test suites at once on one machine: every server the tests start gets its own port and directory."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from tests.conftest import ROOT, start_test_postgres

# A port written into a URL or a keyword, or a path under /tmp: what made two `make test` runs collide.
FIXED = re.compile(
    r"(?:127\.0\.0\.1|localhost):\d{2,5}\b|port\w*[\"']?\s*[=:]\s*[\"']?(?:\$\{\w+:-)?\d{2,5}\b|/tmp\b",
    re.IGNORECASE,
)


def _data_directory(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW data_directory")).scalar())
    finally:
        engine.dispose()


def test_the_postgres_helper_started_twice_gives_two_servers_and_stopping_one_spares_the_other() -> None:
    first_url, first_dir = start_test_postgres()
    second_url, second_dir = start_test_postgres()
    stop = [str(ROOT / "scripts" / "test-postgres.sh"), "stop"]
    try:
        assert first_url != second_url and first_dir != second_dir
        assert _data_directory(first_url) == first_dir
        assert _data_directory(second_url) == second_dir
        subprocess.run([*stop, first_dir], check=True)
        assert not Path(first_dir).exists()
        assert _data_directory(second_url) == second_dir
    finally:
        subprocess.run([*stop, first_dir], check=True)
        subprocess.run([*stop, second_dir], check=True)
    assert not Path(second_dir).exists()


def test_no_fixed_port_or_tmp_path_in_what_the_tests_run() -> None:
    files = [ROOT / "Makefile", *(ROOT / "scripts").glob("*.sh"), *(ROOT / "bench").glob("*.py")]
    files += [p for p in (ROOT / "tests").rglob("*.py") if p.name != Path(__file__).name]
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIXED.search(line)
    ]
    assert not found, "fixed ports or /tmp paths collide when two suites run at once:\n" + "\n".join(found)
