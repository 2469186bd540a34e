# Shared by the node suites (tests/browser, tests/client), sourced after the caller defines
# `fail MESSAGE` (which prints the failure summary and exits).

# npm ci in DIR only when its lockfile changed since the last install.
node_suite_install() {
  local dir=$1
  if [[ ! -f $dir/node_modules/.package-lock.json ]] ||
     [[ $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
  fi
}

# node_suite_counts TAP_FILE EXIT_STATUS: sets `passed` and `failed` from node's TAP summary; a
# non-zero exit status with no failed test counts as one failure.
node_suite_counts() {
  local tap=$1 rc=$2
  passed=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$tap" | tail -n 1)
  failed=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$tap" | tail -n 1)
  [[ -n $passed && -n $failed ]] || fail "no TAP summary (exit status $rc)"
  if ((rc != 0 && failed == 0)); then failed=1; fi
}
