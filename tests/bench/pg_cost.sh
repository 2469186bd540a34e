#!/usr/bin/env bash
# make bench's PostgreSQL figure: the instructions a PostgreSQL backend executes for one pgrest
# request (the settings and main statements exactly as pgrest builds them, sent as sql_floor sends
# them: one pipeline, one Sync), counted by callgrind, so the figure is exact on a host whose
# timings drift. A scratch cluster with the bench fixture runs under valgrind; `sql_floor -n`
# sends a target's statements 20 and then 220 times, each time from a new connection, that is a
# backend of its own (sql_floor prints its pid) whose count callgrind writes when it exits;
# (count after 220 - count after 20) / 200 is one request, the connection's start excluded.
#   pg_cost.sh TARGET...    prints "<instructions> TARGET" per target
# Environment: BENCH_SQL_FLOOR_BIN, BENCH_FIXTURE (the bench schema's SQL), the PGRST_*
# configuration and snapshot (sql_floor builds the statements from them), HARNESS_PGBIN.
set -uo pipefail
PGBIN=${HARNESS_PGBIN:-/usr/lib/postgresql/15/bin}
: "${BENCH_SQL_FLOOR_BIN:?}" "${BENCH_FIXTURE:?}"
dir=$(mktemp -d /tmp/pgrest-pgcost.XXXXXX)
chown postgres "$dir"
PORT=5432  # only names the socket file in $dir: no TCP listener
as_pg() { runuser -u postgres -- "$@"; }
psql_pg() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$PORT" "$@"; }
pg_pid=""
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -t 120 -w stop >/dev/null 2>&1
  [[ -n $pg_pid ]] && wait "$pg_pid" 2>/dev/null  # valgrind writes its last files at exit
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "pg_cost: $*" >&2; exit 1; }

as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null || fail "initdb failed"
opts=(-p "$PORT" -k "$dir" -c listen_addresses= -c autovacuum=off -c jit=off)
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -o "${opts[*]}" -w start >/dev/null || fail "PostgreSQL did not start"
psql_pg -d postgres -c "create role authenticator login noinherit" -c "create database app" >/dev/null &&
  psql_pg -d app -f "$BENCH_FIXTURE" >/dev/null && psql_pg -d app -c analyze >/dev/null ||
  fail "could not load $BENCH_FIXTURE"
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -w stop >/dev/null || fail "PostgreSQL did not stop"

# The postmaster under callgrind; the backends it forks are counted into files of their own.
as_pg valgrind --tool=callgrind --callgrind-out-file="$dir/cg.%p" \
  "$PGBIN/postgres" -D "$dir/data" "${opts[@]}" >"$dir/postgres.log" 2>&1 &
pg_pid=$!
for _ in $(seq 300); do psql_pg -d app -c "select 1" >/dev/null 2>&1 && break; sleep 0.2; done
psql_pg -d app -c "select 1" >/dev/null 2>&1 || fail "PostgreSQL under callgrind did not start"

# count N TARGET: the instructions of the backend that served N requests.
count() {
  local pid n
  pid=$(PGRST_DB_URI="host=$dir port=$PORT dbname=app user=authenticator" \
    "$BENCH_SQL_FLOOR_BIN" -n "$1" "$2") && [[ $pid =~ ^[0-9]+$ ]] || return 1
  # callgrind writes the backend's file when it exits, after the connection closed.
  for _ in $(seq 300); do
    n=$(awk '/^totals:/ { print $2; exit }' "$dir/cg.$pid" 2>/dev/null)
    [[ -n $n ]] && echo "$n" && return 0
    sleep 0.1
  done
  return 1
}

for target in "$@"; do
  a=$(count 20 "$target") && b=$(count 220 "$target") && [[ -n $a && -n $b ]] ||
    fail "sql_floor failed for $target"
  echo "$(((b - a) / 200)) $target"
done
