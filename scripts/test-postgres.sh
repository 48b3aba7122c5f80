#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL server on loopback for the test suite.
# initdb refuses to run as root, so the cluster belongs to the `postgres` user; auth is trust on 127.0.0.1 only.
# Each start gets its own data directory (mktemp -d) and a free port, so two suites can run at once and
# stopping one never touches the other's server.
# Usage: scripts/test-postgres.sh start       prints the URL, then the data directory, one per line
#        scripts/test-postgres.sh stop DIR    stops the server of DIR and removes DIR
# PGPORT_TEST fixes the port (no retry); PGDATA_TEST fixes the directory (a server already running there
# is reused, and `stop` without DIR stops it).
set -euo pipefail
BIN="$(dirname "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")"
ATTEMPTS=5

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url() { echo "postgresql+psycopg://postgres@127.0.0.1:$1/postgres"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_dir() {
  [ -n "$1" ] || return 0
  as_pg "$BIN/pg_ctl" -D "$1" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$1"
}

start() {
  dir="${PGDATA_TEST:-}"  # global: the EXIT trap below reads it
  if [ -n "$dir" ] && as_pg "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    url "$(sed -n 4p "$dir/postmaster.pid")"
    echo "$dir"
    return 0
  fi
  if [ -n "$dir" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
  else
    dir="$(mktemp -d -t stagedoor-test-pg.XXXXXX)"  # in $TMPDIR, else the system default
  fi
  trap 'stop_dir "$dir"' EXIT  # nothing is left behind when initdb or every start attempt fails
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg "$BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  for _ in $(seq "$ATTEMPTS"); do
    port="${PGPORT_TEST:-$(free_port)}"
    rm -f "$dir/server.log"
    if as_pg "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
      start >/dev/null; then
      trap - EXIT
      url "$port"
      echo "$dir"
      return 0
    fi
    # another process took the free port between the pick and the bind: pick again (never a fixed port)
    [ -z "${PGPORT_TEST:-}" ] && grep -q "Address already in use" "$dir/server.log" || break
  done
  echo "test-postgres: PostgreSQL did not start on port $port; its log:" >&2
  tail -n 5 "$dir/server.log" >&2
  exit 1
}

case "${1:-start}" in
  start) start ;;
  stop) stop_dir "${2:-${PGDATA_TEST:-}}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
