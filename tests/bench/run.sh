#!/usr/bin/env bash
# make bench: every figure of the performance issue, measured in one run on this machine, each with
# its reference and the ratio (absolute numbers drift on shared machines; compare the ratios).
# A missed goal is reported (and listed at the end); it never fails the build.
#
# Knobs: BENCH_SECONDS (each wrk / floor run, default 5), BENCH_ROUNDS (interleaved rounds of the
# throughput/latency runs, medians printed, default 3), BENCH_ONLY ("1 4": only those figures),
# PGREST_FCGI_PROCS (pgrest FastCGI workers, default 4), BENCH_CGI_REQUESTS (process starts per
# CGI figure, default 100), BENCH_MEM_REQUESTS (default 10000), BENCH_POSTGRAPHILE=0 (skip it),
# BENCH_NODE_DIR (where npm installs PostGraphile, default $BUILD/bench-node).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
export BUILD=$BUILD_DIR

if [[ ${1:-} != --inside ]]; then
  if [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" 5 "* ]]; then
    echo "== 5. snapshot load (the part of a CGI start that could grow with the schema; no database)"
    "$BUILD_DIR/snapshot_bench"
    echo
  fi
  if [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" jwt "* ]]; then
    echo "== JWT: authenticate() per request without and with the verified-token cache"
    "$BUILD_DIR/jwt_bench"
    echo
  fi
  # As many FastCGI workers as wrk connections: a worker waits on the database for most of a
  # request, and the SQL floor runs 4 processes too.
  export PGREST_FCGI_PROCS=${PGREST_FCGI_PROCS:-4}
  exec "$ROOT/tests/harness.sh" run --schemas bench --fixtures "$ROOT/tests/bench/fixtures" -- "$0" --inside
fi

set -f  # no globbing: request targets contain ? and *
B=$BUILD_DIR
D=$PGREST_TEST_DIR
DURATION=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CGI_N=${BENCH_CGI_REQUESTS:-100}
MEM_N=${BENCH_MEM_REQUESTS:-10000}
MISSED=()
PIDS_TO_STOP=()
# BENCH_ONLY="1 4": only those figures (2 includes 3; 5's CGI part and 6's CGI lines use 4's runs;
# also "jwt", "lambda" and "sql", PostgreSQL's instructions per request).
only() { [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" $1 "* ]]; }
cg=0 cgrss=0 wdrss=0 flrss=0

cleanup() {
  local p
  for p in "${PIDS_TO_STOP[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; done
}
trap cleanup EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { printf \"%.2f\", $* }"; }
# goal NAME VALUE OP LIMIT: prints "ok" or "MISSED" and records a miss.
goal() {
  if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !((op == "<=" && v <= l) || (op == ">=" && v >= l) || (op == "<" && v < l)) }'; then
    echo "goal $3 $4: ok"
  else
    echo "goal $3 $4: MISSED"
    MISSED+=("$1: $2 (goal $3 $4)")
  fi
}
# wrk's latency ("441.00us", "1.10ms", "2.00s") in ms.
to_ms() { awk -v x="$1" 'BEGIN { v = x + 0; if (x ~ /us$/) v /= 1000; else if (x ~ /[0-9]s$/ && x !~ /ms$/) v *= 1000; printf "%.3f", v }'; }
# wrk_run CONNECTIONS URL SCRIPT → "req/s p50_ms p99_ms non2xx"
wrk_run() {
  local out rps p50 p99 bad
  out=$(wrk -t1 -c"$1" -d"${DURATION}s" --latency -s "$3" "$2" 2>&1)
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "${rps:-0} $p50 $p99 ${bad:-0}"
}
# free_ports N: N distinct free TCP ports (bound at once, then released).
free_ports() {
  "$(command -v python3)" -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}
wait_http() { # URL: until it answers (any status)
  local i
  for ((i = 0; i < 200; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1") != 000 ]] && return 0
    sleep 0.1
  done
  return 1
}
# cgi_env METHOD TARGET: the CGI/1.1 variables lighttpd's mod_cgi sets for a request.
cgi_env() {
  local q=${2%%\?*}
  echo "GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=$1 REQUEST_URI=/cgi-bin/pgrest$2 SCRIPT_NAME=/cgi-bin/pgrest PATH_INFO=$q SERVER_PROTOCOL=HTTP/1.1 HTTP_HOST=127.0.0.1"
}

# ---- setup: the wide snapshot, the second lighttpd (HTTP floor, fresh workers) ---------------
PGRST_DB_SCHEMAS=wide PGRST_SNAPSHOT=$D/wide.snapshot "$PGREST_BIN" snapshot >/dev/null 2>"$D/wide.err" \
  || { echo "bench: pgrest snapshot of the wide schema failed:"; cat "$D/wide.err"; }
ITEM='/items?id=eq.{id}'
EMBED='/items?select=id,name,reviews(id)&id=eq.{id}'
export BENCH_STATE_DIR=$D BENCH_NOOP_BIN=$B/fcgi_noop BENCH_WIDE_SNAPSHOT=$D/wide.snapshot \
  BENCH_SQL_FLOOR_BIN=$B/sql_floor BENCH_ITEM_TARGET=$ITEM BENCH_EMBED_TARGET=$EMBED
read -r BENCH_NOOP_PORT BENCH_MEM_PORT BENCH_WIDE_PORT BENCH_PGREST_PORT BENCH_STACK_ITEM_PORT \
  BENCH_STACK_EMBED_PORT GRAPHILE_PORT <<<"$(free_ports 7)"
export BENCH_NOOP_PORT BENCH_MEM_PORT BENCH_WIDE_PORT BENCH_PGREST_PORT BENCH_STACK_ITEM_PORT BENCH_STACK_EMBED_PORT
setsid lighttpd -D -f "$ROOT/tests/bench/lighttpd-bench.conf" </dev/null >"$D/bench-lighttpd.out" 2>&1 &
BENCH_LIGHTTPD_PID=$!
PIDS_TO_STOP+=("$BENCH_LIGHTTPD_PID")
NOOP_URL=http://127.0.0.1:$BENCH_NOOP_PORT
# pgrest for figures 2, 3 and 7: behind the bench lighttpd, like the floors (the harness's
# lighttpd also serves CGI and writes an access log).
PGREST_URL=http://127.0.0.1:$BENCH_PGREST_PORT
MEM_URL=http://127.0.0.1:$BENCH_MEM_PORT
WIDE_URL=http://127.0.0.1:$BENCH_WIDE_PORT
wait_http "$NOOP_URL/" || { echo "bench: the bench lighttpd did not start"; cat "$D/bench-lighttpd.out"; }
LUA=$ROOT/tests/bench/random_item.lua

# ---- 1. round trips ---------------------------------------------------------------------------
if only 1; then
echo "== 1. round trips between pgrest and PgBouncer per request (strace of one CGI request)"
# round_trips METHOD TARGET [BODY]: "queries login status": flights of messages sent and answered
# from the first query on (and before it: the login), the response status.
round_trips() {
  local body=${3:-} trace=$D/rt.strace out
  printf '%s' "$body" >"$D/rt.body"
  # shellcheck disable=SC2046
  out=$(env $(cgi_env "$1" "$2") CONTENT_LENGTH=${#body} CONTENT_TYPE=application/json \
    strace -f -qq -e trace=sendto,recvfrom -s 1 -o "$trace" "$PGREST_BIN" <"$D/rt.body" 2>/dev/null)
  awk -v status="$(head -n 1 <<<"$out" | awk '{print $2}')" '
    /sendto\(/ { if ($0 ~ /, "P"/) q = 1; if ($0 ~ /"X"/) next; sending = 1 }
    /recvfrom\(/ { if (sending) { if (q) rt++; else login++ } sending = 0 }
    END { print rt + 0, login + 0, status }' "$trace"
}
for spec in "GET|/items?id=eq.42|" "GET|/items?select=id,name,reviews(id)&id=eq.42|" \
  'POST|/orders|{"item_id":42,"qty":1}' 'POST|/rpc/item_price|{"item_id":42}'; do
  IFS='|' read -r m t body <<<"$spec"
  read -r rt login status <<<"$(round_trips "$m" "$t" "$body")"
  if [[ $status == 400 || $status == 404 || $status == 405 || -z $status ]] && [[ $m == POST ]]; then
    printf '%-52s n/a (not merged yet: status %s)\n' "$m $t" "${status:-none}"
    continue
  fi
  printf '%-52s %s round trip(s) (+%s for the SCRAM login of a new process), status %s; ' "$m $t" "$rt" "$login" "$status"
  goal "round trips $m $t" "$rt" "<=" 1
done
echo
fi

# ---- 2. + 3. FastCGI throughput and latency against the physical floor --------------------------
if only 2; then
echo "== 2./3. FastCGI through lighttpd ($PGREST_FCGI_PROCS workers) against the floor, wrk -t1, ${DURATION}s runs; each figure the median of $ROUNDS interleaved rounds"
for target in "$ITEM" "$EMBED"; do
  echo "-- GET ${target/\{id\}/N}"
  stack_url=http://127.0.0.1:$BENCH_STACK_ITEM_PORT
  [[ $target == "$EMBED" ]] && stack_url=http://127.0.0.1:$BENCH_STACK_EMBED_PORT
  curl -s -o /dev/null "$stack_url/items?id=eq.1"  # the stack floor's workers build their statements
  S4=() S1=() H4=() H1=() K4=() K1=() P4=() P1=() P4P50=() P4P99=() P1P99=() S1P50=() H1P50=() K1P50=() P1P50=() S1P99=() H1P99=() BAD=0
  for ((round = 0; round < ROUNDS; round++)); do
    read -r v p50 _ <<<"$("$B/sql_floor" -c 4 -d "$DURATION" "$target" || echo "0 0 0")"; S4+=("$v")
    read -r v p50 _ _ <<<"$(wrk_run 4 "$NOOP_URL/items?id=eq.1" "$LUA")"; H4+=("$v")
    read -r v _ _ bad <<<"$(BENCH_PATH=$target wrk_run 4 "$stack_url" "$LUA")"; K4+=("$v") BAD=$((BAD + bad))
    read -r v p50 p99 bad <<<"$(BENCH_PATH=$target wrk_run 4 "$PGREST_URL" "$LUA")"
    P4+=("$v") P4P50+=("$p50") P4P99+=("$p99") BAD=$((BAD + bad))
    read -r v p50 p99 <<<"$("$B/sql_floor" -c 1 -d "$DURATION" "$target" || echo "0 0 0")"; S1+=("$v") S1P50+=("$p50") S1P99+=("$p99")
    read -r v p50 p99 _ <<<"$(wrk_run 1 "$NOOP_URL/items?id=eq.1" "$LUA")"; H1+=("$v") H1P50+=("$p50") H1P99+=("$p99")
    read -r v p50 _ bad <<<"$(BENCH_PATH=$target wrk_run 1 "$stack_url" "$LUA")"; K1+=("$v") K1P50+=("$p50") BAD=$((BAD + bad))
    read -r v p50 p99 bad <<<"$(BENCH_PATH=$target wrk_run 1 "$PGREST_URL" "$LUA")"
    P1+=("$v") P1P50+=("$p50") P1P99+=("$p99") BAD=$((BAD + bad))
  done
  s4=$(median "${S4[@]}") h4=$(median "${H4[@]}") p4=$(median "${P4[@]}")
  comp=$(calc "1 / (1 / $s4 + 1 / $h4)")
  printf 'SQL floor (pgrest'"'"'s statements, libpq pipeline, 4 processes): %s req/s   (rounds: %s)\n' "$s4" "${S4[*]}"
  printf 'HTTP floor (do-nothing FastCGI responder, same lighttpd): %s req/s   (rounds: %s)\n' "$h4" "${H4[*]}"
  printf 'composite floor 1/(1/sql + 1/http): %.0f req/s\n' "$comp"
  k4=$(median "${K4[@]}")
  printf 'stack floor (the same lighttpd, a FastCGI responder that only sends the prebuilt statements through PgBouncer and writes the body): %s req/s   (rounds: %s); its own ratio to the composite %s\n' \
    "$k4" "${K4[*]}" "$(calc "$k4 / $comp")"
  printf 'pgrest, 4 connections: %s req/s   (rounds: %s), p50 %s ms, p99 %s ms, non-2xx %s; ratio to the stack floor %s; ratio to composite %s; ' \
    "$p4" "${P4[*]}" "$(median "${P4P50[@]}")" "$(median "${P4P99[@]}")" "$BAD" "$(calc "$p4 / $k4")" "$(calc "$p4 / $comp")"
  goal "throughput ${target/\{id\}/N}" "$(calc "$p4 / $comp")" ">=" 0.8
  s1p50=$(median "${S1P50[@]}") h1p50=$(median "${H1P50[@]}") p1p50=$(median "${P1P50[@]}") p1p99=$(median "${P1P99[@]}")
  lat_ref=$(calc "$s1p50 + $h1p50")
  printf 'pgrest, 1 connection: %s req/s, p50 %s ms, p99 %s ms (SQL floor 1 process: %s req/s, p50 %s ms; HTTP floor: %s req/s, p50 %s ms)\n' \
    "$(median "${P1[@]}")" "$p1p50" "$p1p99" "$(median "${S1[@]}")" "$s1p50" "$(median "${H1[@]}")" "$h1p50"
  printf '  stack floor, 1 connection: %s req/s, p50 %s ms; pgrest p50 / stack floor p50 = %s\n' \
    "$(median "${K1[@]}")" "$(median "${K1P50[@]}")" "$(calc "$p1p50 / $(median "${K1P50[@]}")")"
  printf '  p50 / (SQL floor p50 + HTTP floor p50 = %s ms) = %s; ' "$lat_ref" "$(calc "$p1p50 / $lat_ref")"
  goal "latency p50 ${target/\{id\}/N}" "$(calc "$p1p50 / $lat_ref")" "<=" 1.3
  printf '  p99 / p50 = %s; ' "$(calc "$p1p99 / $p1p50")"
  goal "latency p99/p50 ${target/\{id\}/N}" "$(calc "$p1p99 / $p1p50")" "<=" 3
  printf '  (the floors'"'"' own p99/p50 in the same rounds: SQL %s, HTTP %s)\n' \
    "$(calc "$(median "${S1P99[@]}") / $s1p50")" "$(calc "$(median "${H1P99[@]}") / $h1p50")"
done
fi

# ---- PostgreSQL's work per request ---------------------------------------------------------------
if only sql; then
echo "== PostgreSQL's work per request: instructions one backend executes for pgrest's settings + main statement (callgrind, exact; a scratch cluster, tests/bench/pg_cost.sh)"
BENCH_FIXTURE=$ROOT/tests/bench/fixtures/00_bench.sql "$ROOT/tests/bench/pg_cost.sh" "$ITEM" "$EMBED" |
  while read -r n target; do printf '  %s: %s instructions per request\n' "${target/\{id\}/N}" "$n"; done
echo
fi

# ---- 4. the CGI cold path ----------------------------------------------------------------------
if only 4; then
echo "== 4. CGI cold path: one process per request (exec, config, snapshot, PgBouncer login, query), median of $CGI_N"
"$B/sql_floor" --dump "$D/floor.sql" "/items?id=eq.42" || echo "bench: sql_floor --dump failed"
# One interleaved run: the floor, pgrest, pgrest on the 1,000-table snapshot (figure 5), the
# floor linked like pgrest, pgrest linked dynamically.
# shellcheck disable=SC2046
runs=(-- BENCH_SQL_FILE="$D/floor.sql" "$B/cgi_floor"
      -- $(cgi_env GET "/items?id=eq.42") "$PGREST_BIN"
      -- $(cgi_env GET "/table_500?id=eq.1") PGRST_DB_SCHEMAS=wide PGRST_SNAPSHOT="$D/wide.snapshot" "$PGREST_BIN")
[[ -x $B/cgi_floor_lean ]] && runs+=(-- BENCH_SQL_FILE="$D/floor.sql" "$B/cgi_floor_lean")
# shellcheck disable=SC2046
[[ -x $B/pgrest_dynamic ]] && runs+=(-- $(cgi_env GET "/items?id=eq.42") "$B/pgrest_dynamic")
mapfile -t res < <("$B/proc_bench" "$CGI_N" -o "$D/cold" "${runs[@]}" || echo "bench: proc_bench failed")
read -r fl fl90 flrss <<<"${res[0]:-0 0 0}"
read -r cg cg90 cgrss <<<"${res[1]:-0 0 0}"
read -r wd wd90 wdrss <<<"${res[2]:-0 0 0}"
head -n 1 "$D/cold.1" | grep -q '^Status: 200' || echo "bench: the CGI request did not answer 200: $(head -c 300 "$D/cold.1")"
head -n 1 "$D/cold.2" | grep -q '^Status: 200' || echo "bench: the wide request did not answer 200: $(head -c 300 "$D/cold.2")"
cmp -s <(sed -n '$p' "$D/cold.0") <(sed -n '$p' "$D/cold.1") || echo "bench: note: the floor's body differs from pgrest's"
libs() { ldd "$1" | grep -c '=>'; }
printf 'floor (C program linked with Debian'"'"'s libpq, %s shared libraries: connect, same statements, print): %s ms (p90 %s)\n' "$(libs "$B/cgi_floor")" "$fl" "$fl90"
printf 'pgrest (%s shared libraries): %s ms (p90 %s); ratio %s; ' "$(libs "$PGREST_BIN")" "$cg" "$cg90" "$(calc "$cg / $fl")"
goal "CGI cold path" "$(calc "$cg / $fl")" "<=" 1.3
i=3
if [[ -x $B/cgi_floor_lean ]]; then
  read -r fll fll90 _ <<<"${res[$i]:-0 0 0}"; i=$((i + 1))
  printf 'the same floor linked like pgrest (static libpq/OpenSSL, %s shared libraries): %s ms (p90 %s); pgrest / it = %s\n' \
    "$(libs "$B/cgi_floor_lean")" "$fll" "$fll90" "$(calc "$cg / $fll")"
fi
if [[ -x $B/pgrest_dynamic ]]; then
  read -r dy dy90 _ <<<"${res[$i]:-0 0 0}"
  printf 'pgrest linked dynamically (%s shared libraries): %s ms (p90 %s); ratio to the floor %s\n' \
    "$(libs "$B/pgrest_dynamic")" "$dy" "$dy90" "$(calc "$dy / $fl")"
fi
start=$(date +%s%N)
for _ in $(seq "$CGI_N"); do curl -sf -o /dev/null "$PGREST_TEST_CGI_URL/items?id=eq.42"; done
end=$(date +%s%N)
awk -v n="$CGI_N" -v ns=$((end - start)) 'BEGIN { printf "the same through lighttpd mod_cgi and curl: %.2f ms per request, %.0f req/s\n", ns / n / 1e6, n / (ns / 1e9) }'
echo
fi

# ---- 5. one request against the 1,000-table snapshot -------------------------------------------
if only 5; then
echo "== 5. (cont.) one CGI request touching one table of the 1,000-table snapshot (measured in 4's run)"
if [[ $cg == 0 ]]; then
  echo "(measured with figure 4: BENCH_ONLY=\"4 5\")"
else
  printf 'GET /table_500?id=eq.1 with the 1,000-table snapshot (%s KiB): %s ms vs %s ms with the bench snapshot (same run, interleaved); ratio %s; ' \
    "$(($(stat -c %s "$D/wide.snapshot") / 1024))" "$wd" "$cg" "$(calc "$wd / $cg")"
  goal "CGI request, 1,000-table vs bench snapshot" "$(calc "$wd / $cg")" "<=" 1.1
fi
echo
fi

# ---- 6. memory ---------------------------------------------------------------------------------
if only 6; then
echo "== 6. memory: peak RSS (VmHWM) of one fresh FastCGI worker after mixed requests, of one CGI request"
probe() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$2" "$MEM_URL$1"; }
writes=0 rpc=0
[[ $(probe /orders '{"item_id":1}') == 201 ]] && writes=1
[[ $(probe /rpc/item_price '{"item_id":1}') == 200 ]] && rpc=1
worker_of() { # NAME (mem|wide): that FastCGI worker of the bench lighttpd
  local p
  for p in $(pgrep -P "$BENCH_LIGHTTPD_PID"); do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == pgrest ]] || continue
    if tr '\0' '\n' <"/proc/$p/environ" | grep -qx "PGRST_SNAPSHOT=$BENCH_WIDE_SNAPSHOT"; then
      [[ $1 == wide ]] && echo "$p"
    else
      [[ $1 == mem ]] && echo "$p"
    fi
  done | head -n 1
}
kib() { awk '/^'"$2"':/ {print $2}' "/proc/$1/status"; }
# mix_config MIX N URL: a curl config of N requests cycling through a mix ("bench": reads,
# embeds, filters/order, an error, POST and RPC when merged; "wide": the 1,000-table schema).
mix_config() {
  awk -v mix="$1" -v n="$2" -v url="$3" -v writes="$writes" -v rpc="$rpc" 'BEGIN {
    srand(7)
    if (mix == "wide") {
      r[++k] = "GET /table_{t}?id=eq.{r}"
      r[++k] = "GET /table_{t}?select=id,c2,table_{p}(id,c2)&id=lt.{r}"
      r[++k] = "GET /table_{t}?select=*&order=id.desc&limit=5"
      r[++k] = "GET /table_{t}?select=id,ref,c2&c2=like.row*&limit=10"
    } else {
      r[++k] = "GET /items?id=eq.{id}"
      r[++k] = "GET /items?select=id,name,reviews(id,stars)&id=eq.{id}"
      r[++k] = "GET /items?select=id,name,price&price=gt.20&order=price.desc,id&limit=25"
      r[++k] = "GET /reviews?item_id=eq.{id}&select=*,items(name)"
      r[++k] = "GET /items?select=name&id=gte.{id}&limit=3&order=id"
      r[++k] = "GET /nonexistent_table"
      if (writes) r[++k] = "POST /orders {\"item_id\":{id},\"qty\":2}"
      if (rpc) { r[++k] = "POST /rpc/item_price {\"item_id\":{id}}"; r[++k] = "GET /rpc/item_price?item_id={id}" }
    }
    for (i = 0; i < n; i++) {
      split(r[i % k + 1], f, " ")
      t = int(rand() * 999) + 1
      line = f[2] " " f[3]
      gsub(/{id}/, int(rand() * 10000) + 1, line); gsub(/{t}/, t, line)
      gsub(/{p}/, (t + 999) % 1000, line); gsub(/{r}/, int(rand() * 10) + 1, line)
      split(line, g, " ")
      gsub(/"/, "\\\"", g[2])
      if (i) printf "next\n"
      printf "url = \"%s%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", url, g[1]
      if (f[1] == "POST") printf "request = \"POST\"\nheader = \"Content-Type: application/json\"\ndata = \"%s\"\n", g[2]
    }
  }'
}
mem_run() { # NAME URL MIX LIMIT_MIB
  local name=$1 url=$2 mix=$3 limit=$4 pid h1 h2 r2 codes
  mix_config "$mix" 1000 "$url" >"$D/mix1.conf"
  mix_config "$mix" $((MEM_N - 1000)) "$url" >"$D/mix2.conf"
  codes=$(curl -s --parallel --parallel-max 4 -K "$D/mix1.conf" 2>/dev/null)
  pid=$(worker_of "$name")
  [[ -n $pid ]] || { echo "bench: no FastCGI worker found for $name"; return; }
  h1=$(kib "$pid" VmHWM)
  codes+=$'\n'$(curl -s --parallel --parallel-max 4 -K "$D/mix2.conf" 2>/dev/null)
  h2=$(kib "$pid" VmHWM)
  r2=$(kib "$pid" VmRSS)
  printf '%s: %s requests (%s answered 5xx): peak after 1,000 %.1f MiB, after %s %.1f MiB (RSS now %.1f MiB); ' \
    "$name" "$(grep -c . <<<"$codes")" "$(grep -c '^5' <<<"$codes")" "$(calc "$h1 / 1024")" "$MEM_N" "$(calc "$h2 / 1024")" "$(calc "$r2 / 1024")"
  goal "FastCGI worker peak, $name" "$(calc "$h2 / 1024")" "<=" "$limit"
  printf '  growth from 1,000 to %s requests %.2f MiB; ' "$MEM_N" "$(calc "($h2 - $h1) / 1024")"
  goal "FastCGI worker growth, $name" "$(calc "($h2 - $h1) / 1024")" "<" 1
}
echo "(mix: reads, embeds, filters/order, an error$([[ $writes == 1 ]] && echo ", POST")$([[ $rpc == 1 ]] && echo ", RPC GET/POST"))"
mem_run "mem" "$MEM_URL" bench 12
mem_run "wide" "$WIDE_URL" wide 20
printf 'one CGI request, bench schema: peak RSS %.1f MiB; ' "$(calc "$cgrss / 1024")"
goal "CGI peak RSS" "$(calc "$cgrss / 1024")" "<=" 10
printf 'one CGI request, 1,000-table schema: peak RSS %.1f MiB; ' "$(calc "$wdrss / 1024")"
goal "CGI peak RSS, 1,000 tables" "$(calc "$wdrss / 1024")" "<=" 10
printf 'the floor C program (libpq only): peak RSS %.1f MiB\n' "$(calc "$flrss / 1024")"
echo
fi

# ---- 7. a peer: PostGraphile -------------------------------------------------------------------
if only 7; then
echo "== 7. a peer side by side: PostGraphile 4 (npm), the same reads through GraphQL, wrk 4 connections, $ROUNDS interleaved rounds (medians)"
if [[ ${BENCH_POSTGRAPHILE:-1} == 0 ]]; then
  echo "skipped (BENCH_POSTGRAPHILE=0)"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "skipped: node/npm not installed (apt-get install nodejs npm)"
else
  NODE_DIR=${BENCH_NODE_DIR:-$B/bench-node}
  if [[ ! -x $NODE_DIR/node_modules/.bin/postgraphile ]]; then
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error postgraphile@4 >"$D/npm.log" 2>&1 \
      || echo "skipped: npm install postgraphile@4 failed (registry unreachable?): $(tail -n 3 "$D/npm.log")"
  fi
  if [[ -x $NODE_DIR/node_modules/.bin/postgraphile ]]; then
    pw=$(sed -E 's/.*password=([^ ]*).*/\1/' <<<"$PGREST_TEST_BOUNCER")
    pg_port=$(sed -E 's/.*port=([0-9]+).*/\1/' <<<"$PGREST_TEST_DB")
    gport=$GRAPHILE_PORT
    # Directly to PostgreSQL (as it is deployed: it keeps its own pool), as the authenticator,
    # anonymous requests as web_anon.
    setsid "$NODE_DIR/node_modules/.bin/postgraphile" -c "postgres://authenticator:$pw@127.0.0.1:$pg_port/app" \
      -s bench --default-role web_anon -n 127.0.0.1 -p "$gport" --disable-query-log \
      </dev/null >"$D/postgraphile.log" 2>&1 &
    PIDS_TO_STOP+=($!)
    if wait_http "http://127.0.0.1:$gport/graphql" &&
      curl -s -H 'Content-Type: application/json' -d '{"query":"{ itemById(id: 42) { id name price } }"}' \
        "http://127.0.0.1:$gport/graphql" | grep -q '"item 42"'; then
      # Both sides in interleaved rounds (medians), so that the machine's drift hits both; one
      # second of each GraphQL query first (Node's JIT warms up).
      graphql() { wrk_run 4 "http://127.0.0.1:$gport" "$ROOT/tests/bench/graphql.lua"; }  # BENCH_EMBED=1: with reviews
      DURATION=1 graphql >/dev/null
      BENCH_EMBED=1 DURATION=1 graphql >/dev/null
      # The stack floor too: pgrest's chain (lighttpd, FastCGI, PgBouncer) doing no pgrest work,
      # the most any responder on this chain could reach against PostGraphile here.
      stack_url=http://127.0.0.1:$BENCH_STACK_ITEM_PORT
      curl -s -o /dev/null "$stack_url/items?id=eq.1"
      G=() GE=() PI=() PE=() K=() gbad=0
      for ((round = 0; round < ROUNDS; round++)); do
        read -r v _ <<<"$(BENCH_PATH=$ITEM wrk_run 4 "$stack_url" "$LUA")"; K+=("$v")
        read -r v _ <<<"$(BENCH_PATH=$ITEM wrk_run 4 "$PGREST_URL" "$LUA")"; PI+=("$v")
        read -r v _ _ bad <<<"$(graphql)"; G+=("$v") gbad=$((gbad + bad))
        read -r v _ <<<"$(BENCH_PATH=$EMBED wrk_run 4 "$PGREST_URL" "$LUA")"; PE+=("$v")
        read -r v _ _ bad <<<"$(BENCH_EMBED=1 graphql)"; GE+=("$v") gbad=$((gbad + bad))
      done
      g4=$(median "${G[@]}") ge4=$(median "${GE[@]}") pi=$(median "${PI[@]}") pe=$(median "${PE[@]}")
      printf 'PostGraphile itemById: %s req/s (rounds: %s; non-2xx %s); pgrest GET /items?id=eq.N %s req/s (rounds: %s); ratio %s; ' \
        "$g4" "${G[*]}" "$gbad" "$pi" "${PI[*]}" "$(calc "$pi / $g4")"
      goal "pgrest vs PostGraphile" "$(calc "$pi / $g4")" ">=" 3
      printf 'PostGraphile itemById with reviewsByItemId: %s req/s (rounds: %s); pgrest with reviews(id) %s req/s (rounds: %s); ratio %s\n' \
        "$ge4" "${GE[*]}" "$pe" "${PE[*]}" "$(calc "$pe / $ge4")"
      k=$(median "${K[@]}")
      printf '  the stack floor for itemById'"'"'s request, same rounds: %s req/s (rounds: %s) = %s x PostGraphile; pgrest = %s x the stack floor\n' \
        "$k" "${K[*]}" "$(calc "$k / $g4")" "$(calc "$pi / $k")"
    else
      echo "skipped: PostGraphile did not answer: $(tail -n 5 "$D/postgraphile.log")"
    fi
  fi
fi
echo
fi

# ---- the Lambda runtime (its own figures) --------------------------------------------------------
if only lambda; then
echo "== AWS Lambda runtime (bootstrap vs a no-op runtime loop, local Runtime API; BENCH_LAMBDA_INVOCATIONS)"
"$B/lambda_bench"
echo
fi

echo "== summary"
if ((${#MISSED[@]})); then
  echo "goals missed in this run:"
  printf '  %s\n' "${MISSED[@]}"
else
  echo "every goal met in this run"
fi
exit 0
