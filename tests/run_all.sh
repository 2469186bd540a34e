#!/usr/bin/env bash
# Runs every test suite in order and prints, as its LAST line, exactly "N passed, N failed".
# Exit status: 0 only if nothing failed and nothing crashed.
#
#   BUILD=build tests/run_all.sh        (BUILD is relative to the repository root, default build)
#
# Boost.Test binaries run with their normal log on the console (--log_level=test_suite) and an XML
# report (--report_format=XML --report_level=short) in a temporary file; the counts come from the
# report's top <TestSuite>: test_cases_passed, and test_cases_failed (Boost already counts aborted
# test cases as failed; an aborted count larger than the failed count is taken instead).  A binary
# that is missing, crashes or writes no report counts as 1 failed; so does a non-zero exit status
# with no failed test case in the report (e.g. a sanitizer or a global fixture failing at exit).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
HARNESS="$ROOT/tests/harness.sh"
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

REPORTS=$(mktemp -d /tmp/pgrest-reports.XXXXXXXX) || exit 1
SAN_LOGS=
trap 'rm -rf "$REPORTS" ${SAN_LOGS:+"$SAN_LOGS"}' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

total_passed=0
total_failed=0
summary=()

record() { # name passed failed note
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
  summary+=("$(printf '  %-14s %4d passed, %4d failed%s' "$1" "$2" "$3" "${4:+  ($4)}")")
}

# "passed failed" from a Boost.Test XML report; fails if there is no readable report.
boost_counts() {
  "$PY" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
    ts = root if root.tag == "TestSuite" else root.find("TestSuite")
    p = int(ts.get("test_cases_passed", "0"))
    f = int(ts.get("test_cases_failed", "0"))
    a = int(ts.get("test_cases_aborted", "0"))
except Exception:
    sys.exit(1)
print(p, max(f, a))
EOF
}

# boost_suite NAME BINARY [PREFIX-COMMAND...]: run a Boost.Test binary (through PREFIX, e.g. the
# harness, if given).
boost_suite() {
  local name=$1 bin=$2 report counts rc=0 passed failed note=""
  shift 2
  report="$REPORTS/$name.xml"
  echo "=== $name: ${*:+$* }$bin"
  if [[ ! -x $bin ]]; then
    echo "run_all: $name: $bin does not exist (build it first: make build)" >&2
    record "$name" 0 1 "binary missing"
    return
  fi
  "$@" "$bin" --report_format=XML --report_level=short --report_sink="$report" --log_level=test_suite || rc=$?
  if counts=$(boost_counts "$report" 2>/dev/null); then
    read -r passed failed <<<"$counts"
    if ((rc != 0 && failed == 0)); then
      failed=1
      note="exit status $rc"
    fi
  else
    passed=0 failed=1 note="no report, exit status $rc"
    ((rc > 128 && rc < 200)) && note="crashed: signal $((rc - 128)), no report"
  fi
  record "$name" "$passed" "$failed" "$note"
}

# script_suite NAME COMMAND...: a suite script whose last output line is "N passed, N failed".
script_suite() {
  local name=$1 out rc=0 last passed=0 failed=1 note=""
  shift
  echo "=== $name: $*"
  out="$REPORTS/$name.out"
  "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  last=$(tail -n 1 "$out")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]}
    ((rc != 0 && failed == 0)) && failed=1 note="exit status $rc"
  else
    note="no summary line, exit status $rc"
  fi
  record "$name" "$passed" "$failed" "$note"
}

# A sanitizer build (SANITIZE=... from make test): every ASan/LSan/UBSan report, from the test
# binaries and from the pgrest processes lighttpd, Apache and nginx spawn (whose stderr may go
# nowhere), is written to a file in $SAN_LOGS (log_path: asan.PID, ubsan.PID); the last suite,
# sanitizer-logs, fails if any such file is non-empty and prints it. lighttpd passes *SAN_OPTIONS
# to its children (cgi/lighttpd.conf). The directory is world-writable: deploy recipes run pgrest
# as www-data.
if [[ -n ${SANITIZE-} ]]; then
  SAN_LOGS=$(mktemp -d /tmp/pgrest-sanitizer.XXXXXXXX) || exit 1
  chmod 1777 "$SAN_LOGS"
  export ASAN_OPTIONS="log_path=$SAN_LOGS/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="log_path=$SAN_LOGS/ubsan:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi

# sanitizer_logs: one case, passed if no sanitizer report was written during the run.
sanitizer_logs() {
  local f found=0
  echo "=== sanitizer-logs: $SAN_LOGS"
  for f in "$SAN_LOGS"/*; do
    [[ -s $f ]] || continue
    found=$((found + 1))
    echo "----- $f -----"
    head -n 200 "$f"
  done
  if ((found)); then
    echo "sanitizer-logs: $found report file(s)"
    record sanitizer-logs 0 1 "$found report files"
  else
    echo "sanitizer-logs: no reports"
    record sanitizer-logs 1 0
  fi
}

# ---- the suites, in order ------------------------------------------------------------------------
boost_suite unit "$BUILD_DIR/unit_tests"
# The fuzz targets (built with clang in build-fuzz) over the committed seed corpus and the crash
# regressions, each input once: a target that crashes on any of them fails.
script_suite fuzz-replay "$ROOT/tests/fuzz/run.sh" replay
boost_suite integration "$BUILD_DIR/integration_tests" "$HARNESS" run --
# The seeds' security scenarios: their own fixtures, authenticator name, anonymous role, a JWKS
# secret and a pool of one server connection (to prove nothing leaks between requests); their
# suites are disabled in the run above and selected by name here.
boost_suite auth-seed "$BUILD_DIR/integration_tests" env BOOST_TEST_RUN_FILTERS=auth_seed:auth_seed_writes \
  HARNESS_AUTH_USER=pgrst_authenticator HARNESS_POOL_SIZE=1 PGRST_DB_ANON_ROLE=app_anon \
  PGRST_JWT_SECRET="@$ROOT/tests/integration/fixtures_auth/keys/jwks.json" \
  "$HARNESS" run --schemas api --fixtures "$ROOT/tests/integration/fixtures_auth" --
boost_suite auth-todo "$BUILD_DIR/integration_tests" env BOOST_TEST_RUN_FILTERS=auth_todo:auth_todo_writes \
  PGRST_DB_ANON_ROLE=web_anon PGRST_JWT_SECRET=your-256-bit-secret-your-256-bit-secret \
  "$HARNESS" run --schemas todo --fixtures "$ROOT/sql/demo" --
# Hostile input proven in PostgreSQL's own statement log (log_statement = all): its own stack.
boost_suite injection "$BUILD_DIR/integration_tests" env BOOST_TEST_RUN_FILTERS=injection \
  HARNESS_LOG_STATEMENT=1 "$HARNESS" run --
# Faults: PostgreSQL and PgBouncer stopped and restarted under pgrest, in a stack of their own.
boost_suite faults "$BUILD_DIR/integration_tests" env BOOST_TEST_RUN_FILTERS=faults "$HARNESS" run --
# script_suite cgi "$ROOT/tests/cgi/run.sh"
# A FastCGI worker under valgrind memcheck over 1,000 requests (skipped in a sanitizer build).
script_suite memcheck env BUILD="$BUILD_DIR" "$ROOT/tests/memcheck/run.sh"
script_suite browser env BUILD="$BUILD_DIR" "$ROOT/tests/browser/run.sh"
# @supabase/postgrest-js, unchanged, against its own chat schema.
script_suite client env BUILD="$BUILD_DIR" "$ROOT/tests/client/run.sh"
script_suite deploy env BUILD="$BUILD_DIR" "$ROOT/tests/deploy/run.sh"
[[ -n $SAN_LOGS ]] && sanitizer_logs
# ----------------------------------------------------------------------------------------------------

echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
