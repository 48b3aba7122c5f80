#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback (its own port and directory), run the whole suite against it and
# SQLite, stop the server and remove its directory, also when the tests fail or the run is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_DIR=""
trap 'scripts/test-postgres.sh stop "$PG_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
{ read -r STAGEDOOR_TEST_POSTGRES_URL && read -r PG_DIR; } < <(scripts/test-postgres.sh start)
[ -n "$STAGEDOOR_TEST_POSTGRES_URL" ] && [ -n "$PG_DIR" ] || { echo "run-tests: PostgreSQL did not start" >&2; exit 1; }
export STAGEDOOR_TEST_POSTGRES_URL
.venv/bin/pytest -n 2 -q "$@"
