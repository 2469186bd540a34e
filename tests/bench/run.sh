#!/usr/bin/env bash
# make bench: prints figures measured in one run on this machine (absolute numbers drift on shared
# machines; compare the ratios). Does not fail on a missed goal.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
export BUILD=$BUILD_DIR

if [[ ${1:-} != --inside ]]; then
  echo "== snapshot load (the part of a CGI start that could grow with the schema)"
  "$BUILD_DIR/snapshot_bench"
  echo
  echo "== JWT: authenticate() per request without and with the verified-token cache"
  "$BUILD_DIR/jwt_bench"
  echo
  exec "$ROOT/tests/harness.sh" run --schemas bench --fixtures "$ROOT/tests/bench/fixtures" -- "$0" --inside
fi

DURATION=${BENCH_SECONDS:-5}
echo "== FastCGI read slice through lighttpd -> pgrest -> PgBouncer -> PostgreSQL (wrk, ${DURATION}s)"
for c in 1 4; do
  out=$(wrk -t1 -c$c -d${DURATION}s --latency -s "$ROOT/tests/bench/random_item.lua" "$PGREST_TEST_URL")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf 'GET /items?id=eq.N  %d connection(s): %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' \
    "$c" "$rps" "$p50" "$p99" "${errs:-0}"
done

echo
echo "== CGI cold path (one process per request: exec, config, snapshot, PgBouncer login, query)"
N=${BENCH_CGI_REQUESTS:-100}
start=$(date +%s%N)
for _ in $(seq "$N"); do
  curl -sf -o /dev/null "$PGREST_TEST_CGI_URL/items?id=eq.42"
done
end=$(date +%s%N)
awk -v n="$N" -v ns=$((end - start)) 'BEGIN { printf "CGI through lighttpd: %d sequential requests, %.2f ms per request, %.0f req/s\n", n, ns / n / 1e6, n / (ns / 1e9) }'

echo
echo "== AWS Lambda runtime (bootstrap vs a no-op runtime loop, local Runtime API; BENCH_LAMBDA_INVOCATIONS)"
"$BUILD_DIR/lambda_bench"
