#!/usr/bin/env bash
# pgrest test/run harness: PostgreSQL 15 + PgBouncer (transaction pooling) + lighttpd (FastCGI and
# CGI) in a throw-away directory.
#
#   tests/harness.sh run [--schemas S] [--fixtures DIR] -- CMD ARGS...
#       start the stack, run CMD with PGREST_TEST_* / PGRST_* in its environment, stop everything,
#       exit with CMD's status (1 if the stack did not start; the log tails are printed).
#   tests/harness.sh demo         start the demo app (sql/demo/*.sql) detached in /tmp/pgrest-demo
#   tests/harness.sh demo-stop    stop it
#   tests/harness.sh serve        serve an existing database (PGRST_DB_URI, PGRST_DB_SCHEMAS,
#                                 PGRST_DB_ANON_ROLE) with lighttpd in the foreground
#   tests/harness.sh ctl DIR pg-stop|pg-kill|pg-start|pg-restart|bouncer-stop|bouncer-start|bouncer-restart
#       fault injection on a running stack (also available as the script $PGREST_TEST_CTL)
#   tests/harness.sh stop DIR     stop a stack by its directory (what run/demo-stop do)
#
# Binary: ${PGREST_BIN_OVERRIDE:-${BUILD:-build}/pgrest} (BUILD relative to the repository root).
# Knobs: PGRST_* (override pgrest defaults), PGREST_FCGI_PROCS (2), PGRST_SERVER_PORT (demo/serve
# port, 3000), PGREST_HTTP_BIND (serve, 127.0.0.1), HARNESS_POOL_SIZE (PgBouncer pool, 10),
# HARNESS_QUERY_WAIT_TIMEOUT (PgBouncer query_wait_timeout, 5 s), HARNESS_LOG_STATEMENT=1
# (log_statement=all), HARNESS_LOG_DIR=DIR (copy the logs there before the state dir is removed),
# HARNESS_DEMO_SQL=DIR (demo SQL instead of sql/demo), HARNESS_AUTH_USER (run: the authenticator
# role's name, authenticator).
#
# Users and authentication:
#   * PostgreSQL runs as the OS user postgres (initdb/pg_ctl refuse root).  The harness and the
#     test process run as root and connect as the superuser postgres over the unix socket with peer
#     authentication and a user-name map (pg_ident.conf: root -> postgres), no password and no
#     trust.  Everything else uses SCRAM (pg_hba.conf below).
#   * The authenticator role (authenticator; postgrest for the demo) has a password; PgBouncer has
#     it in plain text in its auth_file and does SCRAM on both sides.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
CONF="$ROOT/cgi/lighttpd.conf"
PGBIN=${HARNESS_PGBIN:-/usr/lib/postgresql/15/bin}
DEMO_DIR=/tmp/pgrest-demo
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
BIN=${PGREST_BIN_OVERRIDE:-$BUILD_DIR/pgrest}
[[ $BIN == /* ]] || BIN="$PWD/$BIN"

# The original stdout/stderr, kept on fds 8/9: a trap can run while a command's redirections (e.g.
# 2>initdb.log) are still in effect, and the exit handlers restore them first.  Daemons and CMD
# get them closed (8>&- 9>&-) so that nothing long-lived holds the caller's terminal or pipe.
exec 8>&1 9>&2
restore_stdio() { exec 1>&8 2>&9; }

say() { printf 'harness: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }
as_pg() { runuser -u postgres -- "$@" 8>&- 9>&-; }
# Is process $1 alive?  Zombies do not count (an orphaned daemon's zombie waits for init to reap it).
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }

# All descendants of process $1 (children first walked breadth-first).
descendants() {
  local queue=("$1") p c
  while ((${#queue[@]})); do
    p=${queue[0]}; queue=("${queue[@]:1}")
    for c in $(pgrep -P "$p" 2>/dev/null); do echo "$c"; queue+=("$c"); done
  done
}

# N distinct free TCP ports on 127.0.0.1 (all bound at once, then released).
free_ports() {
  "$PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

port_is_free() {
  "$PY" - "$1" "${2:-127.0.0.1}" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[2], int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# Stale PG* variables of the caller must not redirect the harness's own psql/libpq connections.
unset_libpq_env() {
  unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE \
    PGOPTIONS PGSSLMODE PGREQUIRESSL PGAPPNAME PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS PGDATA PGTZ \
    PGCLIENTENCODING 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# State: $dir/state.env holds everything `stop` and `ctl` need.

save_state() {
  local v
  : >"$dir/state.env"
  for v in MODE PG_PORT BOUNCER_PORT HTTP_PORT AUTH_USER AUTH_PW LIGHTTPD_PID BIN; do
    printf '%s=%q\n' "$v" "${!v-}" >>"$dir/state.env"
  done
}

load_state() {
  dir=$1
  MODE='' PG_PORT='' BOUNCER_PORT='' HTTP_PORT='' AUTH_USER='' AUTH_PW='' LIGHTTPD_PID=''
  [[ -f $dir/state.env ]] || return 1
  # shellcheck disable=SC1091
  . "$dir/state.env"
  derive_conninfo
}

derive_conninfo() {
  DB_CONNINFO="host=$dir port=$PG_PORT dbname=app user=postgres"
  BOUNCER_CONNINFO="host=$dir port=$BOUNCER_PORT dbname=app user=$AUTH_USER password=$AUTH_PW"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_init() {
  local me
  as_pg "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/pg/postgresql.conf" <<EOF

# --- tests/harness.sh ---
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_statement = '$([[ ${HARNESS_LOG_STATEMENT:-0} == 1 ]] && echo all || echo none)'
EOF
  # Peer auth with a map: OS users root (the harness, the tests) and postgres may be the db
  # user postgres on the unix socket.  Every other role must present its SCRAM password.
  cat >"$dir/pg/pg_hba.conf" <<'EOF'
# TYPE  DATABASE USER      ADDRESS        METHOD
local   all      postgres                 peer map=harness
local   all      all                      scram-sha-256
host    all      all       127.0.0.1/32   scram-sha-256
EOF
  me=$(id -un)
  {
    echo "harness root postgres"
    echo "harness postgres postgres"
    [[ $me == root || $me == postgres ]] || echo "harness $me postgres"
  } >"$dir/pg/pg_ident.conf"
  chown postgres:postgres "$dir/pg/pg_hba.conf" "$dir/pg/pg_ident.conf"
}

pg_start() {
  as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 -s start >/dev/null \
    || { [[ ${starting-0} == 1 ]] || tail -n 20 "$dir/pg.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop() { # $1: fast | immediate
  local pidf="$dir/pg/postmaster.pid" pid i
  [[ -f $pidf ]] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -m "${1:-fast}" -w -t 20 -s stop >/dev/null 2>&1 && return 0
  pid=$(head -n 1 "$pidf" 2>/dev/null)
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]]; then
    kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$pidf"
}

psql_db() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# ---------------------------------------------------------------------------------------------
# PgBouncer

bouncer_config() {
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
app = host=$dir port=$PG_PORT dbname=app

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir = $dir
pool_mode = transaction
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
max_client_conn = 200
default_pool_size = ${HARNESS_POOL_SIZE:-10}
ignore_startup_parameters = extra_float_digits
server_reset_query =
; fault-injection tests: reconnect to a restarted PostgreSQL at once; while it is down, fail
; queued queries after query_wait_timeout instead of 120 s
server_login_retry = 1
query_wait_timeout = ${HARNESS_QUERY_WAIT_TIMEOUT:-5}
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  printf '"%s" "%s"\n' "$AUTH_USER" "$AUTH_PW" >"$dir/userlist.txt"
  chown postgres:postgres "$dir/pgbouncer.ini" "$dir/userlist.txt"
  chmod 600 "$dir/userlist.txt"
}

bouncer_start() {
  local i
  as_pg pgbouncer -d -q "$dir/pgbouncer.ini" >>"$dir/pgbouncer.out" 2>&1 \
    || { cat "$dir/pgbouncer.out" >&2; die "PgBouncer did not start"; }
  for ((i = 0; i < 100; i++)); do
    psql -X -q -At -c 'select 1' "$BOUNCER_CONNINFO connect_timeout=2" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  psql -X -At -c 'select 1' "$BOUNCER_CONNINFO connect_timeout=2" >&2
  die "PgBouncer does not accept connections"
}

# After PostgreSQL (re)starts, PgBouncer fails clients until its next server login attempt
# (server_login_retry): wait until a query goes through, so ctl pg-start returns a healthy stack.
bouncer_ready() {
  local i pid
  pid=$(cat "$dir/pgbouncer.pid" 2>/dev/null) && alive "$pid" || return 0
  for ((i = 0; i < 100; i++)); do
    psql -X -q -At -c 'select 1' "$BOUNCER_CONNINFO connect_timeout=2" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "warning: PgBouncer does not serve queries after the PostgreSQL start"
}

bouncer_stop() {
  local pid i
  pid=$(cat "$dir/pgbouncer.pid" 2>/dev/null) || return 0
  [[ $pid =~ ^[0-9]+$ ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == pgbouncer ]] || { rm -f "$dir/pgbouncer.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.05; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  rm -f "$dir/pgbouncer.pid"
}

# ---------------------------------------------------------------------------------------------
# pgrest snapshot + lighttpd

# The variables cgi/lighttpd.conf reads.
export_lighttpd_env() {
  export PGREST_HTTP_PORT=$HTTP_PORT
  export PGREST_HTTP_BIND=${1:-127.0.0.1}
  export PGREST_BIN=$BIN
  export PGREST_STATE_DIR=$dir
  export PGREST_DOCROOT=${PGREST_DOCROOT:-$dir/www}
  export PGREST_FCGI_PROCS=${PGREST_FCGI_PROCS:-2}
  mkdir -p "$PGREST_DOCROOT"
}

run_snapshot() {
  "$BIN" snapshot </dev/null >"$dir/snapshot.out" 2>"$dir/snapshot.err" || {
    cat "$dir/snapshot.out" "$dir/snapshot.err" >&2
    die "'$BIN snapshot' failed"
  }
}

# lighttpd in its own session and process group (so Ctrl-C in the caller's terminal does not reach
# it and its FastCGI/CGI children can be stopped together with kill -- -PGID).
lighttpd_start() {
  local i code host=$PGREST_HTTP_BIND
  [[ $host == 0.0.0.0 || $host == "::" ]] && host=127.0.0.1
  setsid lighttpd -D -f "$CONF" </dev/null >>"$dir/lighttpd.out" 2>&1 8>&- 9>&- &
  LIGHTTPD_PID=$!
  save_state
  for ((i = 0; i < 200; i++)); do
    alive "$LIGHTTPD_PID" || { cat "$dir/lighttpd.out" >&2; die "lighttpd exited"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$host:$HTTP_PORT/static/") || true
    [[ $code != 000 && -n $code ]] && return 0
    sleep 0.05
  done
  die "lighttpd does not answer on port $HTTP_PORT"
}

# Is process group $1 ours?  (guards against a stale pid from an old state dir)
group_is_ours() {
  local p
  for p in $(pgrep -g "$1" 2>/dev/null); do
    { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null \
      | grep -qxF -e "PGREST_STATE_DIR=$dir" -e "PGRST_SNAPSHOT=$dir/snapshot.bin" && return 0
  done
  return 1
}

# Does process group $1 have a live (non-zombie) member?
group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

lighttpd_stop() {
  local g=${LIGHTTPD_PID-} i
  [[ $g =~ ^[0-9]+$ ]] || return 0
  group_is_ours "$g" || return 0
  kill -TERM -- "-$g" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    group_alive "$g" || break
    sleep 0.05
  done
  group_alive "$g" && kill -KILL -- "-$g" 2>/dev/null
  wait "$g" 2>/dev/null # reap it if it is our child
  return 0
}

# ---------------------------------------------------------------------------------------------
# Whole stack

show_logs() {
  local f
  for f in pg.log pgbouncer.out pgbouncer.log lighttpd.out lighttpd.error.log; do
    [[ -s $dir/$f ]] || continue
    printf -- '----- %s (last 40 lines) -----\n' "$dir/$f"
    tail -n 40 "$dir/$f"
  done >&2
}

stop_stack() { # $1: dir
  dir=$1
  [[ -d $dir ]] || return 0
  load_state "$dir" || true
  lighttpd_stop
  bouncer_stop
  pg_stop fast
  if [[ -n ${HARNESS_LOG_DIR-} ]]; then
    mkdir -p "$HARNESS_LOG_DIR" && cp "$dir"/*.log "$dir"/*.out "$dir"/*.err "$HARNESS_LOG_DIR/" 2>/dev/null
  fi
  rm -rf -- "$dir"
}

# Start PostgreSQL, PgBouncer, snapshot, lighttpd in $dir.  Needs: dir MODE AUTH_USER AUTH_PW
# HTTP_PORT(optional) fixtures.  Exports the PGRST_* configuration.
start_stack() {
  local ports f t0 sql_files
  t0=$(now)
  unset_libpq_env
  [[ -x $BIN ]] || die "pgrest binary not found or not executable: $BIN (run 'make build', or set BUILD / PGREST_BIN_OVERRIDE)"
  command -v lighttpd >/dev/null || die "lighttpd is not installed (make deps)"
  command -v pgbouncer >/dev/null || die "pgbouncer is not installed (make deps)"
  [[ -x $PGBIN/initdb ]] || die "PostgreSQL 15 is not installed in $PGBIN (make deps)"
  chown postgres:postgres "$dir" && chmod 755 "$dir" || die "cannot prepare $dir"
  mkdir -p "$dir/www"

  ports=$(free_ports 3) || die "could not pick free ports"
  read -r PG_PORT BOUNCER_PORT f <<<"$ports"
  HTTP_PORT=${HTTP_PORT:-$f}
  derive_conninfo
  save_state

  pg_init
  pg_start
  psql_db -d "host=$dir port=$PG_PORT dbname=postgres user=postgres" \
    -c "CREATE DATABASE app" \
    -c "CREATE ROLE \"$AUTH_USER\" LOGIN NOINHERIT NOSUPERUSER PASSWORD '$AUTH_PW'" \
    || die "could not create database app / role $AUTH_USER"
  if [[ -d $fixtures ]]; then
    # psql -v authenticator=NAME: SQL may say  grant web_anon to :"authenticator";
    mapfile -t sql_files < <(find "$fixtures" -maxdepth 1 -name '*.sql' -type f | LC_ALL=C sort)
    for f in "${sql_files[@]}"; do
      (cd "$fixtures" && psql_db -d "$DB_CONNINFO" -v "authenticator=$AUTH_USER" -f "$f") \
        || die "loading fixture $f failed (see the psql error above)"
    done
  else
    say "no fixtures directory $fixtures: nothing loaded"
  fi

  bouncer_config
  bouncer_start

  export PGRST_DB_URI=$BOUNCER_CONNINFO
  export PGRST_SNAPSHOT=$dir/snapshot.bin
  export PGRST_DB_SCHEMAS PGRST_DB_ANON_ROLE PGRST_JWT_SECRET PGRST_LOG_LEVEL
  run_snapshot

  export_lighttpd_env 127.0.0.1
  lighttpd_start
  save_state
  say "stack up in $(elapsed "$t0"): postgres :$PG_PORT, pgbouncer :$BOUNCER_PORT, http :$HTTP_PORT, dir $dir"
}

# ---------------------------------------------------------------------------------------------
# Subcommands

cmd_run() {
  local schemas="" fixtures="$ROOT/tests/integration/fixtures" rc=0 v
  while (($#)); do
    case $1 in
      --schemas) schemas=${2:?--schemas needs a value}; shift 2 ;;
      --schemas=*) schemas=${1#*=}; shift ;;
      --fixtures) fixtures=${2:?--fixtures needs a value}; shift 2 ;;
      --fixtures=*) fixtures=${1#*=}; shift ;;
      --) shift; break ;;
      *) die "run: unknown option '$1' (usage: run [--schemas S] [--fixtures DIR] -- CMD ARGS...)" ;;
    esac
  done
  (($#)) || die "run: no command given (usage: run [--schemas S] [--fixtures DIR] -- CMD ARGS...)"
  [[ $fixtures == /* ]] || fixtures="$PWD/$fixtures"
  for v in PGRST_DB_URI PGRST_SNAPSHOT; do
    [[ -n ${!v-} ]] && say "note: ignoring $v from the environment (the harness owns it)"
  done

  MODE=run AUTH_USER=${HARNESS_AUTH_USER:-authenticator} HTTP_PORT=
  AUTH_PW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  PGRST_DB_SCHEMAS=${schemas:-${PGRST_DB_SCHEMAS:-test}}
  PGRST_DB_ANON_ROLE=${PGRST_DB_ANON_ROLE:-web_anon}
  PGRST_JWT_SECRET=${PGRST_JWT_SECRET:-reallyreallyreallyreallyverysafe}
  PGRST_LOG_LEVEL=${PGRST_LOG_LEVEL:-error}

  dir=$(mktemp -d /tmp/pgrest-test.XXXXXXXX) || die "mktemp failed"
  cmd_pid=
  starting=1
  trap 'on_exit_run' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  start_stack
  starting=0

  export PGREST_TEST_URL="http://127.0.0.1:$HTTP_PORT"
  export PGREST_TEST_CGI_URL="http://127.0.0.1:$HTTP_PORT/cgi-bin/pgrest"
  export PGREST_TEST_DB=$DB_CONNINFO
  export PGREST_TEST_BOUNCER=$BOUNCER_CONNINFO
  export PGREST_TEST_DIR=$dir
  export PGREST_BIN=$BIN
  export PGREST_TEST_CTL=$dir/ctl
  printf '#!/bin/sh\n# fault injection: %s\nexec %q ctl %q "$@"\n' \
    'pg-stop|pg-kill|pg-start|pg-restart|bouncer-stop|bouncer-start|bouncer-restart' "$SELF" "$dir" >"$dir/ctl"
  chmod 755 "$dir/ctl"

  # CMD runs in the background so that INT/TERM reach this shell at once; its stdin is kept.
  "$@" <&0 8>&- 9>&- &
  cmd_pid=$!
  wait "$cmd_pid" || rc=$?
  cmd_pid=
  exit "$rc"
}

on_exit_run() {
  local rc=$? t0 i
  restore_stdio
  trap - EXIT INT TERM HUP
  trap '' INT TERM HUP
  if [[ -n ${cmd_pid-} ]]; then # interrupted: stop CMD and whatever it started
    local tree p
    mapfile -t tree < <(descendants "$cmd_pid")
    tree=("$cmd_pid" "${tree[@]}")
    kill -TERM "${tree[@]}" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      for p in "${tree[@]}"; do alive "$p" && break; p=; done
      [[ -z $p ]] && break
      sleep 0.1
    done
    kill -KILL "${tree[@]}" 2>/dev/null
    wait "$cmd_pid" 2>/dev/null
  fi
  if [[ ${starting-0} == 1 ]]; then
    ((rc == 0)) && rc=1
    if ((rc == 129 || rc == 130 || rc == 143)); then
      say "interrupted while starting the stack"
    else
      say "the stack did not start (exit $rc); log tails follow"
      show_logs
    fi
  fi
  t0=$(now)
  stop_stack "$dir"
  say "stack stopped in $(elapsed "$t0")"
  exit "$rc"
}

cmd_demo() {
  local t0
  t0=$(now)
  if [[ -e $DEMO_DIR ]]; then
    say "stopping the previous demo"
    stop_stack "$DEMO_DIR"
  fi
  HTTP_PORT=${PGRST_SERVER_PORT:-3000}
  port_is_free "$HTTP_PORT" || die "port $HTTP_PORT is in use (set PGRST_SERVER_PORT=...)"

  MODE=demo AUTH_USER=postgrest AUTH_PW=postgrest-demo
  PGRST_DB_SCHEMAS=${PGRST_DB_SCHEMAS:-todo}
  PGRST_DB_ANON_ROLE=${PGRST_DB_ANON_ROLE:-web_anon}
  PGRST_JWT_SECRET=${PGRST_JWT_SECRET:-your-256-bit-secret-your-256-bit-secret}
  PGRST_LOG_LEVEL=${PGRST_LOG_LEVEL:-error}
  export PGRST_RAW_MEDIA_TYPES=${PGRST_RAW_MEDIA_TYPES:-text/html}
  fixtures=${HARNESS_DEMO_SQL:-$ROOT/sql/demo}

  dir=$DEMO_DIR
  mkdir -m 755 "$dir" || die "cannot create $dir"
  starting=1
  trap 'on_exit_demo' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  start_stack
  starting=0
  trap - EXIT INT TERM HUP

  cat <<EOF

pgrest demo is running (started in $(elapsed "$t0")):
  http://localhost:$HTTP_PORT/rpc/homepage
  API root: http://localhost:$HTTP_PORT/
EOF
  if [[ -s $fixtures/token.txt ]]; then
    printf '  login token (Authorization: Bearer ...): %s\n' "$(tr -d '\n' <"$fixtures/token.txt")"
  else
    echo "  login token: printed by the demo SQL above, if it defines one"
  fi
  cat <<EOF
  database: psql "host=$dir port=$PG_PORT dbname=app user=postgres"   (as root)
  logs: $dir/*.log
stop with: make demo-stop
EOF
}

on_exit_demo() {
  local rc=$?
  restore_stdio
  trap - EXIT INT TERM HUP
  trap '' INT TERM HUP
  ((rc == 0)) && rc=1
  if ((rc == 129 || rc == 130 || rc == 143)); then
    say "interrupted while starting the demo"
  else
    say "the demo did not start (exit $rc); log tails follow"
    show_logs
  fi
  stop_stack "$DEMO_DIR"
  exit "$rc"
}

cmd_demo_stop() {
  if [[ -e $DEMO_DIR ]]; then
    stop_stack "$DEMO_DIR"
    say "demo stopped"
  else
    say "no demo running"
  fi
}

cmd_serve() {
  local missing=() v rc=0
  for v in PGRST_DB_URI PGRST_DB_SCHEMAS PGRST_DB_ANON_ROLE; do
    [[ -n ${!v-} ]] || missing+=("$v")
  done
  ((${#missing[@]} == 0)) || die "serve needs ${missing[*]} in the environment, e.g.
  PGRST_DB_URI='postgresql://authenticator:secret@localhost:5432/mydb' PGRST_DB_SCHEMAS=api PGRST_DB_ANON_ROLE=web_anon make serve"
  [[ -x $BIN ]] || die "pgrest binary not found or not executable: $BIN (run 'make build')"
  HTTP_PORT=${PGRST_SERVER_PORT:-3000}
  # shellcheck disable=SC2034
  MODE=serve
  dir=$(mktemp -d /tmp/pgrest-serve.XXXXXXXX) || die "mktemp failed"
  chmod 755 "$dir"
  tail_pid=
  trap 'on_exit_serve' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  export PGRST_SNAPSHOT=$dir/snapshot.bin
  "$BIN" snapshot </dev/null || die "'$BIN snapshot' failed"
  export_lighttpd_env "${PGREST_HTTP_BIND:-127.0.0.1}"
  : >"$dir/lighttpd.error.log"
  tail -n 0 -F "$dir/lighttpd.error.log" 2>/dev/null >&9 8>&- 9>&- &
  tail_pid=$!
  lighttpd_start
  say "serving $PGRST_DB_SCHEMAS on http://$PGREST_HTTP_BIND:$HTTP_PORT/ (FastCGI) and /cgi-bin/pgrest (CGI); Ctrl-C stops"
  wait "$LIGHTTPD_PID" || rc=$?
  exit "$rc" # on_exit_serve stops what is left of lighttpd's process group
}

on_exit_serve() {
  local rc=$?
  restore_stdio
  trap - EXIT INT TERM HUP
  trap '' INT TERM HUP
  lighttpd_stop
  [[ -n ${tail_pid-} ]] && kill "$tail_pid" 2>/dev/null && wait "$tail_pid" 2>/dev/null
  rm -rf -- "$dir"
  say "stopped"
  exit "$rc"
}

cmd_ctl() {
  local d=${1:?usage: ctl DIR ACTION} action=${2:?usage: ctl DIR ACTION}
  load_state "$d" || die "no harness state in $d"
  case $action in
    pg-stop) pg_stop fast ;;
    pg-kill) pg_stop immediate ;;
    pg-start) pg_start; bouncer_ready ;;
    pg-restart) pg_stop fast; pg_start; bouncer_ready ;;
    bouncer-stop) bouncer_stop ;;
    bouncer-start) bouncer_start ;;
    bouncer-restart) bouncer_stop; bouncer_start ;;
    *) die "ctl: unknown action '$action' (pg-stop|pg-kill|pg-start|pg-restart|bouncer-stop|bouncer-start|bouncer-restart)" ;;
  esac
}

usage() {
  sed -n '2,/^set -uo/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

need_root() {
  [[ $(id -u) == 0 ]] || die "must run as root (PostgreSQL and PgBouncer are started as the postgres user via runuser)"
}

case ${1-} in
  run) shift; need_root; cmd_run "$@" ;;
  demo) shift; need_root; cmd_demo "$@" ;;
  demo-stop) shift; need_root; cmd_demo_stop ;;
  serve) shift; cmd_serve "$@" ;;
  ctl) shift; need_root; cmd_ctl "$@" ;;
  stop) shift; need_root; stop_stack "${1:?usage: stop DIR}" ;;
  *) usage ;;
esac
