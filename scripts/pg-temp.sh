#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: a temporary directory, 127.0.0.1, a free port,
# trust authentication. Nothing is left behind when it stops.
#
# Two ways to use it:
#   scripts/pg-temp.sh COMMAND [ARG...]   start a cluster, run COMMAND with DATABASE_URL set, stop it,
#                                         and exit with COMMAND's status (3 if PostgreSQL is missing)
#   source scripts/pg-temp.sh             define pg_temp_bindir, pg_temp_start, pg_temp_stop
#                                         (scripts/test.sh does this and stops the cluster in a trap)
#
# Server binaries are looked up in $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin.
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.

PG_TEMP_DIR=""
PG_TEMP_PORT=""
PG_TEMP_BINDIR=""

# Prints the directory holding initdb and pg_ctl (newest version first); fails if there is none.
# PG_BINDIR picks a directory; set to anything without initdb (e.g. PG_BINDIR=none) it means "none here".
pg_temp_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/initdb" ]] || return 1
    echo "$PG_BINDIR"
    return 0
  fi
  local initdb
  initdb=$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$initdb" && -x "$initdb" ]] || return 1
  dirname "$initdb"
}

_pg_temp_as_owner() {
  # Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
  # From / because `postgres` may not be allowed into the checkout (pg_ctl needs a readable cwd).
  if [[ $(id -u) -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      (cd / && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
    fi
  else
    "$@"
  fi
}

_pg_temp_free_port() {
  local py
  py=$(command -v python3 || command -v python)
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the cluster and exports DATABASE_URL. Returns non-zero (with the server log) on failure.
pg_temp_start() {
  PG_TEMP_BINDIR=$(pg_temp_bindir) || { echo "pg-temp: no PostgreSQL server binaries found" >&2; return 3; }
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    echo "pg-temp: running as root but there is no 'postgres' user to own the cluster" >&2
    return 1
  fi
  PG_TEMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/khcn-pg.XXXXXX") || return 1
  chmod 700 "$PG_TEMP_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$PG_TEMP_DIR"
  fi

  if ! _pg_temp_as_owner "$PG_TEMP_BINDIR/initdb" -D "$PG_TEMP_DIR/data" -U postgres --auth=trust \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TEMP_DIR/initdb.log" 2>&1; then
    echo "pg-temp: initdb failed:" >&2
    cat "$PG_TEMP_DIR/initdb.log" >&2
    return 1
  fi

  # A port picked by the kernel can be taken again before the server binds it; try a few.
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_TEMP_PORT=$(_pg_temp_free_port)
    # Durability is pointless for a cluster that is deleted in a minute; turning it off is faster.
    if _pg_temp_as_owner "$PG_TEMP_BINDIR/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/server.log" -w -t 30 \
        -o "-p $PG_TEMP_PORT -k $PG_TEMP_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >"$PG_TEMP_DIR/pg_ctl.log" 2>&1; then
      export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_TEMP_PORT/khcn_test"
      # pytest-django creates test_khcn_test itself; the named database only has to exist for tools
      # that connect to it directly.
      _pg_temp_as_owner "$PG_TEMP_BINDIR/createdb" -h 127.0.0.1 -p "$PG_TEMP_PORT" -U postgres khcn_test \
        >>"$PG_TEMP_DIR/pg_ctl.log" 2>&1 || true
      return 0
    fi
  done
  echo "pg-temp: the PostgreSQL server did not start:" >&2
  cat "$PG_TEMP_DIR/pg_ctl.log" "$PG_TEMP_DIR/server.log" >&2 2>/dev/null
  return 1
}

# Stops the server (if it runs) and removes the temporary directory. Safe to call more than once.
pg_temp_stop() {
  if [[ -n "$PG_TEMP_DIR" && -d "$PG_TEMP_DIR" ]]; then
    if [[ -f "$PG_TEMP_DIR/data/postmaster.pid" ]]; then
      _pg_temp_as_owner "$PG_TEMP_BINDIR/pg_ctl" -D "$PG_TEMP_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TEMP_DIR"
  fi
  PG_TEMP_DIR=""
  PG_TEMP_PORT=""
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]   (runs COMMAND with DATABASE_URL pointing at a throwaway cluster)" >&2
    exit 2
  fi
  trap pg_temp_stop EXIT
  trap 'exit 130' INT TERM
  pg_temp_start || exit $?
  echo "pg-temp: PostgreSQL on 127.0.0.1:$PG_TEMP_PORT ($PG_TEMP_DIR)" >&2
  "$@"
  exit $?
fi
