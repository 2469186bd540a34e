#!/usr/bin/env bash
# The browser suite: the todo demo (sql/demo) on a harness stack configured as `make demo` is,
# opened in Debian's headless Chromium by tests/browser/todo.test.mjs (node's test runner,
# playwright-core). Screenshots: $BROWSER_OUT (default $BUILD/browser-screenshots).
# Last line: "N passed, N failed" (from the TAP summary; a stack or set-up failure is 1 failed).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
BUILD_DIR=${BUILD:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
export BROWSER_OUT=${BROWSER_OUT:-$BUILD_DIR/browser-screenshots}

fail() { echo "browser: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v node >/dev/null || fail "node is not installed (make deps)"
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is not installed (make deps)"
. "$ROOT/tests/support/node_suite.sh"
node_suite_install "$HERE"
rm -rf "$BROWSER_OUT" && mkdir -p "$BROWSER_OUT"

tap=$(mktemp /tmp/pgrest-browser.XXXXXXXX)
trap 'rm -f "$tap"' EXIT
PGRST_RAW_MEDIA_TYPES=text/html PGRST_JWT_SECRET=your-256-bit-secret-your-256-bit-secret \
PGRST_DB_ANON_ROLE=web_anon \
  "$ROOT/tests/harness.sh" run --schemas todo --fixtures "$ROOT/sql/demo" -- \
  node --test --test-reporter=tap "$HERE/todo.test.mjs" "$HERE/openapi.test.mjs" </dev/null | tee "$tap"
node_suite_counts "$tap" "${PIPESTATUS[0]}"
echo "screenshots: $BROWSER_OUT"
echo "$passed passed, $failed failed"
((failed == 0))
