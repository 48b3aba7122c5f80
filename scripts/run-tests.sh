#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback, run the whole suite against it and SQLite, stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGPORT_TEST="${PGPORT_TEST:-55432}"
STAGEDOOR_TEST_POSTGRES_URL="$(scripts/test-postgres.sh start)"
export STAGEDOOR_TEST_POSTGRES_URL
trap 'scripts/test-postgres.sh stop' EXIT
.venv/bin/pytest -n 2 -q "$@"
