#!/usr/bin/env bash
# CI's test run (make ci-test, called by .ci/run): the whole suite twice, first the normal build
# (make test), then the ASan + UBSan build (make test SANITIZE=address,undefined, in build-san).
# Prints each pass's result and, as its LAST line, the two passes' sum as "N passed, N failed".
# Exit status: 0 only if both passes report 0 failed and exit 0.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

LOGS=$(mktemp -d /tmp/pgrest-ci.XXXXXXXX) || exit 1
trap 'rm -rf "$LOGS"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

total_p=0 total_f=0 results=()
pass() { # NAME MAKE-ARGS...
  local name=$1 rc=0 last p=0 f=1 t0=$SECONDS
  shift
  echo "=== ci: $name: make $*"
  make --no-print-directory "$@" </dev/null 2>&1 | tee "$LOGS/$name.out"
  rc=${PIPESTATUS[0]}
  last=$(tail -n 1 "$LOGS/$name.out")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
    ((rc != 0 && f == 0)) && f=1
  fi
  total_p=$((total_p + p)) total_f=$((total_f + f))
  results+=("$(printf '  %-10s %5d passed, %4d failed  (exit %d, %d s)' "$name" "$p" "$f" "$rc" $((SECONDS - t0)))")
}

pass plain test
pass sanitized test SANITIZE=address,undefined

echo "=== ci: summary"
printf '%s\n' "${results[@]}"
echo "$total_p passed, $total_f failed"
((total_f == 0))
