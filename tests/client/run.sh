#!/usr/bin/env bash
# The client suite: @supabase/postgrest-js (pinned in package.json) against pgrest on a harness
# stack with the chat schema of tests/client/fixtures, run by node's test runner.
# Last line: "N passed, N failed" (from the TAP summary; a stack or set-up failure is 1 failed).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)

fail() { echo "client: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v node >/dev/null || fail "node is not installed (make deps)"
. "$ROOT/tests/support/node_suite.sh"
node_suite_install "$HERE"

tap=$(mktemp /tmp/pgrest-client.XXXXXXXX)
trap 'rm -f "$tap"' EXIT
# tx=rollback is honoured only when the configuration allows it, as in PostgREST; explain() needs
# db-plan-enabled.
PGRST_DB_TX_END=commit-allow-override PGRST_DB_PLAN_ENABLED=true PGRST_DB_ANON_ROLE=web_anon \
  "$ROOT/tests/harness.sh" run --schemas api,personal --fixtures "$HERE/fixtures" -- \
  node --test --test-reporter=tap "$HERE/postgrest_js.test.mjs" </dev/null | tee "$tap"
node_suite_counts "$tap" "${PIPESTATUS[0]}"
echo "$passed passed, $failed failed"
((failed == 0))
