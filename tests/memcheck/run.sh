#!/usr/bin/env bash
# memcheck suite (part of make test): one pgrest FastCGI worker under valgrind memcheck, spawned by
# the harness's lighttpd (PGREST_FCGI_PROCS=1, the binary replaced by a wrapper that execs
# valgrind), answers MEMCHECK_REQUESTS (1000) mixed requests over HTTP: reads, embeds, inserts,
# updates, RPC (GET and POST) and invalid requests. Then it is stopped with SIGTERM, which ends
# its accept loop (cgi/main.cpp), and valgrind's report is read.
# Cases: every request answered with its expected status; the worker exits by itself after SIGTERM
# (no "terminating with default action", no restart needed); 0 valgrind errors; 0 bytes definitely
# lost; 0 bytes indirectly lost. The last line is "N passed, N failed".
#
#   BUILD=build tests/memcheck/run.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
export BUILD=$BUILD_DIR
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

if [[ ${1:-} != --inside ]]; then
  if ! command -v valgrind >/dev/null; then
    echo "memcheck: valgrind is not installed (make deps)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  sanitize=$("$PY" -c 'import json, sys
print(next((o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "b_sanitize"), "none"))' \
    "$BUILD_DIR/meson-info/intro-buildoptions.json" 2>/dev/null)
  if [[ ${sanitize:-none} != none ]]; then
    # valgrind cannot run an ASan binary (both replace malloc); the plain pass runs this suite.
    echo "memcheck: skipped in the sanitizer build (valgrind and ASan exclude each other)"
    echo "0 passed, 0 failed"
    exit 0
  fi
  MC=$(mktemp -d /tmp/pgrest-memcheck.XXXXXXXX) || exit 1
  trap 'rm -rf "$MC"' EXIT
  chmod 755 "$MC"
  # The wrapper: `pgrest snapshot` (run by the harness) runs plainly; the FastCGI worker (no
  # arguments, spawned by lighttpd with only PGRST_* in its environment) runs under valgrind.
  cat >"$MC/pgrest" <<EOF
#!/bin/sh
[ \$# -gt 0 ] && exec '$BUILD_DIR/pgrest' "\$@"
exec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \\
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=40 \\
  --log-file='$MC/valgrind.%p.log' '$BUILD_DIR/pgrest'
EOF
  chmod 755 "$MC/pgrest"
  rc=0
  PGREST_FCGI_PROCS=1 PGREST_BIN_OVERRIDE="$MC/pgrest" MEMCHECK_DIR="$MC" \
    "$ROOT/tests/harness.sh" run --schemas soak --fixtures "$ROOT/tests/soak/fixtures" -- "$0" --inside || rc=$?
  # The summary comes last, after the harness's own "stack stopped" line.
  if [[ -s $MC/summary ]]; then
    cat "$MC/summary"
  else
    echo "0 passed, 1 failed"
    ((rc == 0)) && rc=1
  fi
  exit "$rc"
fi

N=${MEMCHECK_REQUESTS:-1000}
passed=0 failed=0
check() { # NAME CONDITION-STATUS [DETAILS]
  if [[ $2 == 0 ]]; then
    passed=$((passed + 1)); echo "ok   - $1"
  else
    failed=$((failed + 1)); echo "FAIL - $1${3:+: $3}"
  fi
}
finish() { echo "$passed passed, $failed failed" >"$MEMCHECK_DIR/summary"; exit $((failed > 0)); }

# The worker's valgrind log appears when lighttpd spawns it (at start-up).
log=
for ((i = 0; i < 300; i++)); do
  log=$(ls "$MEMCHECK_DIR"/valgrind.*.log 2>/dev/null | head -n 1)
  [[ -n $log ]] && break
  sleep 0.1
done
if [[ -z $log ]]; then
  check "the FastCGI worker starts under valgrind" 1 "no valgrind log in $MEMCHECK_DIR"
  finish
fi
pid=${log##*/valgrind.}; pid=${pid%.log}
echo "memcheck: worker pid $pid, log $log"

# N requests over one keep-alive connection; prints a line per unexpected status, then a summary.
t0=$(date +%s.%N)
out=$("$PY" - "$PGREST_TEST_URL" "$N" <<'EOF'
import http.client, json, random, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
n = int(sys.argv[2])
rnd = random.Random(20261203)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
J = {"Content-Type": "application/json"}
def req(i):
    k = i % 20
    item = rnd.randint(1, 1000)
    if k < 6:
        return "read", "GET", f"/items?id=eq.{item}", None, {}, (200,)
    if k < 9:
        return "embed", "GET", f"/items?id=eq.{item}&select=id,name,reviews(id,stars)", None, {}, (200,)
    if k < 12:
        return ("insert", "POST", "/entries?select=id,tag",
                json.dumps({"tag": f"m{i}", "item_id": item, "note": "memcheck"}),
                {**J, "Prefer": "return=representation"}, (201,))
    if k < 14:
        return "update", "PATCH", f"/counters?id=eq.{item % 16 + 1}", '{"touched":"m"}', J, (204,)
    if k < 16:
        return "rpc", "GET", f"/rpc/item_price?item_id={item}", None, {}, (200,)
    if k < 17:
        return "rpc", "POST", "/rpc/item_price", json.dumps({"item_id": item}), J, (200,)
    bad = [("GET", "/items?no_such_column=eq.1", None, {}, (400,)),
           ("GET", "/items?id=nope.1", None, {}, (400,)),
           ("POST", "/entries", '{"tag": broken', J, (400,)),
           ("GET", "/no_such_table", None, {}, (404,))]
    return ("invalid",) + rnd.choice(bad)
ok = 0
bad = 0
kinds = {}
for i in range(n):
    kind, m, p, b, h, exp = req(i)
    try:
        conn.request(m, p, body=b, headers=h)
        r = conn.getresponse()
        body = r.read()
        status = r.status
    except Exception as e:  # a dropped connection is a failure; reconnect for the rest
        status, body = 0, str(e).encode()
        conn.close()
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    kinds[kind] = kinds.get(kind, 0) + 1
    if status in exp:
        ok += 1
    else:
        bad += 1
        if bad <= 10:
            print(f"unexpected: {kind} {m} {p} -> {status} {body[:200]!r}")
print("kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
print(f"answered {ok} of {n} with the expected status")
EOF
)
echo "$out"
echo "memcheck: $N requests in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s under valgrind"
grep -q "^answered $N of $N " <<<"$out"
check "$N mixed requests answered with their expected statuses" $? "$(grep -E '^(unexpected|answered)' <<<"$out" | head -n 3 | tr '\n' ' ')"

# SIGTERM: the accept loop ends and the process exits by itself; valgrind then writes its summary.
kill -TERM "$pid" 2>/dev/null
for ((i = 0; i < 300; i++)); do
  [[ -d /proc/$pid ]] || break
  sleep 0.1
done
exited=1
[[ -d /proc/$pid ]] || exited=0
clean=1
if ((exited == 0)) && grep -q 'ERROR SUMMARY' "$log" && ! grep -q 'Process terminating with default action' "$log"; then clean=0; fi
check "the worker exits by itself after SIGTERM" "$clean" "$( ((exited)) && echo "still running after 30 s" || grep -m1 'Process terminating' "$log")"

errors=$(sed -nE 's/.*ERROR SUMMARY: ([0-9,]+) errors.*/\1/p' "$log" | tr -d , | tail -n 1)
# "All heap blocks were freed" means no LEAK SUMMARY at all: nothing lost.
definite=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes.*/\1/p' "$log" | tr -d , | tail -n 1)
indirect=$(sed -nE 's/.*indirectly lost: ([0-9,]+) bytes.*/\1/p' "$log" | tr -d , | tail -n 1)
summary_ok=1
grep -q 'HEAP SUMMARY' "$log" && summary_ok=0
if ((summary_ok == 0)); then definite=${definite:-0} indirect=${indirect:-0}; fi
echo "memcheck: valgrind: errors ${errors:-?}, definitely lost ${definite:-?} bytes, indirectly lost ${indirect:-?} bytes"
sed -n '/HEAP SUMMARY/,$p' "$log" | sed 's/^==[0-9]*== /  /'
[[ ${errors:-x} == 0 ]]
check "valgrind reports 0 errors" $? "${errors:-no ERROR SUMMARY}"
[[ ${definite:-x} == 0 ]]
check "0 bytes definitely lost" $? "${definite:-no leak summary}"
[[ ${indirect:-x} == 0 ]]
check "0 bytes indirectly lost" $? "${indirect:-no leak summary}"
if [[ ${errors:-x} != 0 ]]; then
  echo "----- valgrind log (first 150 lines) -----"
  head -n 150 "$log"
fi
finish
