#!/usr/bin/env bash
# make soak: a long mixed workload through lighttpd against PGREST_FCGI_PROCS FastCGI workers
# (default 4), then the checks of issue 12. Not part of `make test` (10 minutes by default).
#
#   SOAK_SECONDS=600 make soak       (or BUILD=build tests/soak/run.sh)
#
# wrk (tests/soak/mixed.lua) sends reads by id, reads with an embed, inserts (POST with
# return=representation), updates (PATCH; a trigger increments counters.n), RPC calls (GET and
# POST) and ~5% invalid requests, one connection per wrk thread so each response is matched with its
# request. A 3 s warm-up with the same mix runs first (its rows are tagged apart and not counted),
# so the starting RSS is that of warm workers. Checks (exit 1 if any fails):
#   * every response has its kind's expected status (200/201/204; invalid: 400/404 with a PostgREST
#     error body), no socket errors;
#   * every acknowledged insert is in the table exactly once, and the table holds at most one
#     unacknowledged row per connection (the request in flight when wrk stopped: sent and
#     committed, its response never read); no tag appears twice;
#   * the counters' increments equal the acknowledged PATCHes, plus at most one per connection;
#   * the FastCGI worker pids are those of the start (no crash, no restart);
#   * each worker's RSS (VmRSS) grew by at most SOAK_MAX_RSS_GROWTH_KB (4096) from start to end.
# Knobs: SOAK_SECONDS (600), SOAK_CONNECTIONS (= wrk threads, 4), SOAK_MAX_RSS_GROWTH_KB (4096),
# SOAK_WARMUP_SECONDS (3), PGREST_FCGI_PROCS (4).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
export BUILD=$BUILD_DIR

if [[ ${1:-} != --inside ]]; then
  command -v wrk >/dev/null || { echo "soak: wrk is not installed (make deps)" >&2; exit 1; }
  export PGREST_FCGI_PROCS=${PGREST_FCGI_PROCS:-4}
  exec "$ROOT/tests/harness.sh" run --schemas soak --fixtures "$ROOT/tests/soak/fixtures" -- "$0" --inside
fi

SECONDS_RUN=${SOAK_SECONDS:-600}
CONNS=${SOAK_CONNECTIONS:-4}
MAX_GROWTH=${SOAK_MAX_RSS_GROWTH_KB:-4096}
WARMUP=${SOAK_WARMUP_SECONDS:-3}
URL=$PGREST_TEST_URL
D=$PGREST_TEST_DIR
LUA="$ROOT/tests/soak/mixed.lua"
FAILS=()

fail() { FAILS+=("$*"); echo "FAIL: $*"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$PGREST_TEST_DB" -c "$1"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# The FastCGI workers: lighttpd's children running the pgrest binary, without a CGI request's
# environment (a plain CGI run of /cgi-bin/pgrest is a child too, but short-lived).
workers() {
  local lpid p
  lpid=$(. "$D/state.env" && echo "$LIGHTTPD_PID")
  for p in $(pgrep -P "$lpid"); do
    [[ $(readlink "/proc/$p/exe" 2>/dev/null) == "$PGREST_BIN" ]] || continue
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q '^GATEWAY_INTERFACE=' && continue
    echo "$p"
  done | sort -n
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

run_wrk() { # SECONDS PREFIX ACK_DIR -> wrk output
  SOAK_TAG_PREFIX=$2 SOAK_ACK_DIR=$3 wrk -t"$CONNS" -c"$CONNS" -d"$1s" --timeout 10s -s "$LUA" "$URL" 2>&1
}

echo "== soak: ${SECONDS_RUN}s, $CONNS connections, $PGREST_FCGI_PROCS FastCGI workers, $URL"
mkdir -p "$D/ack-warm" "$D/ack"

# Warm-up: every worker connects, loads the snapshot and grows its heap to its working size.
run_wrk "$WARMUP" w "$D/ack-warm" >"$D/wrk-warm.out"
sleep 1  # let requests still in flight at wrk's stop finish
mapfile -t PIDS < <(workers)
((${#PIDS[@]} == PGREST_FCGI_PROCS)) || fail "expected $PGREST_FCGI_PROCS FastCGI workers, found ${#PIDS[@]}: ${PIDS[*]}"
declare -A RSS0
for p in "${PIDS[@]}"; do RSS0[$p]=$(rss_kb "$p"); done
rows0=$(sql "select count(*) from soak.entries")
n0=$(sql "select sum(n) from soak.counters")

OUT=$(run_wrk "$SECONDS_RUN" t "$D/ack")
echo "$OUT" | grep -v '^SOAK '
sleep 2  # the last requests wrk abandoned are finished (or rolled back) by now

# ---- responses --------------------------------------------------------------------------------
declare -A EXPECT=([read]="200" [embed]="200" [insert]="201" [update]="204" [rpc]="200" [invalid]="400 404")
declare -A CLASS
acked_inserts=0 acked_updates=0 unexpected=0
echo
echo "-- responses by kind and status (expected: read/embed/rpc 200, insert 201, update 204, invalid 400/404)"
while read -r _ _ kind status count; do
  ok=no
  for e in ${EXPECT[$kind]-}; do [[ $status == "$e" ]] && ok=yes; done
  printf '  %-8s %-18s %8d  %s\n' "$kind" "$status" "$count" "$([[ $ok == yes ]] && echo expected || echo UNEXPECTED)"
  if [[ $ok == yes ]]; then
    if [[ $kind == invalid ]]; then c="4xx expected (invalid requests)"; else c="2xx expected"; fi
  else
    unexpected=$((unexpected + count))
    case $status in
      5*) c="5xx" ;; 4*) c="4xx unexpected" ;; 2*) c="2xx unexpected (wrong status or body)" ;; *) c="other" ;;
    esac
  fi
  CLASS[$c]=$((${CLASS[$c]-0} + count))
  [[ $kind == insert && $status == 201 ]] && acked_inserts=$count
  [[ $kind == update && $status == 204 ]] && acked_updates=$count
done < <(grep '^SOAK status ' <<<"$OUT")
while read -r _ _ what count; do
  ((count > 0)) || continue
  CLASS["socket $what errors"]=$count
  unexpected=$((unexpected + count))
done < <(grep '^SOAK socket ' <<<"$OUT")
read -r _ _ requests duration p50 p99 pmax < <(grep '^SOAK summary ' <<<"$OUT")
[[ -n ${requests-} ]] || { fail "wrk printed no summary"; requests=0 duration=1 p50=0 p99=0 pmax=0; }

echo "-- errors by class"
for c in "${!CLASS[@]}"; do printf '  %-40s %8d\n' "$c" "${CLASS[$c]}"; done | sort
((unexpected == 0)) || fail "$unexpected unexpected responses or socket errors"

# ---- rows -------------------------------------------------------------------------------------
sql "create table soak_acked (tag text)" >/dev/null
cat "$D"/ack/acked-*.txt 2>/dev/null | sql "copy soak_acked from stdin" >/dev/null
acked_file=$(cat "$D"/ack/acked-*.txt 2>/dev/null | wc -l)
rows=$(sql "select count(*) from soak.entries where tag like 't%'")
lost=$(sql "select count(*) from soak_acked a where not exists (select 1 from soak.entries e where e.tag = a.tag)")
dup=$(sql "select count(*) from (select tag from soak.entries group by tag having count(*) > 1) d")
unacked=$(sql "select count(*) from soak.entries e where e.tag like 't%' and not exists (select 1 from soak_acked a where a.tag = e.tag)")
n1=$(sql "select sum(n) from soak.counters")
increments=$((n1 - n0))
echo "-- row accounting (main run; the warm-up's $((rows0)) rows are tagged apart)"
echo "  inserts acknowledged (201): $acked_inserts (tags recorded: $acked_file); rows: $rows; acknowledged rows missing: $lost; duplicated tags: $dup; rows never acknowledged: $unacked (allowed: <= $CONNS in flight)"
echo "  updates acknowledged (204): $acked_updates; counter increments: $increments (allowed: acknowledged + <= $CONNS in flight)"
((acked_file == acked_inserts)) || fail "$acked_inserts inserts acknowledged but $acked_file tags recorded"
((lost == 0)) || fail "$lost acknowledged inserts are not in the table"
((dup == 0)) || fail "$dup tags are in the table more than once"
((unacked <= CONNS)) || fail "$unacked rows were never acknowledged (more than one in flight per connection)"
((rows == acked_inserts + unacked)) || fail "rows $rows != acknowledged $acked_inserts + unacknowledged $unacked"
((increments >= acked_updates && increments - acked_updates <= CONNS)) \
  || fail "counter increments $increments vs acknowledged updates $acked_updates"

# ---- workers ----------------------------------------------------------------------------------
mapfile -t PIDS1 < <(workers)
echo "-- FastCGI workers (VmRSS, KiB)"
for p in "${PIDS[@]}"; do
  r1=$(rss_kb "$p")
  printf '  pid %-8s start %7d  end %7d  growth %6d\n' "$p" "${RSS0[$p]}" "$r1" $((r1 - RSS0[$p]))
  [[ -d /proc/$p ]] || fail "worker $p is gone"
  ((r1 - RSS0[$p] <= MAX_GROWTH)) || fail "worker $p grew by $((r1 - RSS0[$p])) KiB (limit $MAX_GROWTH)"
done
[[ "${PIDS1[*]}" == "${PIDS[*]}" ]] || fail "worker pids changed: start ${PIDS[*]}, end ${PIDS1[*]}"

echo "-- summary"
echo "  requests served: $requests in $(awk -v d="$duration" 'BEGIN { printf "%.1f", d / 1e6 }') s, $(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.0f", r / (d / 1e6) }') req/s"
echo "  latency: p50 $(ms "$p50") ms, p99 $(ms "$p99") ms, max $(ms "$pmax") ms"
echo "  unexpected responses: $unexpected"
if ((${#FAILS[@]})); then
  echo "soak: FAILED (${#FAILS[@]} checks):"
  printf '  %s\n' "${FAILS[@]}"
  exit 1
fi
echo "soak: all checks passed"
