#!/usr/bin/env bash
# The libFuzzer targets (tests/fuzz/fuzz_*.cpp), built with clang in their own build dir.
#
#   tests/fuzz/run.sh fuzz     `make fuzz`: fuzz each target for FUZZ_SECONDS, starting from a copy
#                              of its seed corpus (and regressions) in $BUILD_FUZZ/corpus/<target>;
#                              crash inputs go to $BUILD_FUZZ/artifacts/<target>/. Prints per target
#                              the executions, final coverage, corpus size and crashes; exits 1 if
#                              any target crashed (or did not run).
#   tests/fuzz/run.sh replay   the fuzz-replay suite of `make test`: every committed seed and
#                              regression input run once through its target (no fuzzing), one test
#                              case per target; last line "N passed, N failed".
#
# Knobs: FUZZ_SECONDS (600), FUZZ_JOBS (targets fuzzed at once, 1), FUZZ_TARGETS (space-separated
# names, default all), BUILD_FUZZ (build-fuzz, relative to the repository root).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
FUZZ_DIR="$ROOT/tests/fuzz"
BUILD_FUZZ=${BUILD_FUZZ:-build-fuzz}
[[ $BUILD_FUZZ == /* ]] || BUILD_FUZZ="$ROOT/$BUILD_FUZZ"
ALL_TARGETS="fuzz_query fuzz_headers fuzz_jwt fuzz_cgi fuzz_lambda fuzz_plan"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-600}
JOBS=${FUZZ_JOBS:-1}
mode=${1:-fuzz}

# Leaks count as crashes; UBSan already aborts (-fno-sanitize-recover) and prints a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

build() {
  if [[ ! -f $BUILD_FUZZ/build.ninja ]]; then
    CC=clang CXX=clang++ meson setup "$BUILD_FUZZ" "$ROOT" -Dfuzz=true -Dlean_link=false \
      -Dbuildtype=debugoptimized || return 1
  fi
  # shellcheck disable=SC2086
  ninja -C "$BUILD_FUZZ" $TARGETS
}

# fuzz_one TARGET: one libFuzzer run; its log in $BUILD_FUZZ/logs/TARGET.log.
fuzz_one() {
  local t=$1 work="$BUILD_FUZZ/corpus/$1" art="$BUILD_FUZZ/artifacts/$1/" dict=()
  mkdir -p "$work" "$art" "$BUILD_FUZZ/logs"
  cp -n "$FUZZ_DIR/corpus/$t"/* "$work"/ 2>/dev/null
  [[ -d $FUZZ_DIR/regressions/$t ]] && cp -n "$FUZZ_DIR/regressions/$t"/* "$work"/ 2>/dev/null
  [[ -f $FUZZ_DIR/$t.dict ]] && dict=("-dict=$FUZZ_DIR/$t.dict")
  "$BUILD_FUZZ/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$art" "${dict[@]}" "$work" >"$BUILD_FUZZ/logs/$t.log" 2>&1
  echo "$?" >"$BUILD_FUZZ/logs/$t.rc"
}

# One summary line from a target's log: executions, the last cov: figure, corpus, crashes.
report_one() {
  local t=$1 log="$BUILD_FUZZ/logs/$1.log" execs cov corpus crashes rc
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  corpus=$(find "$BUILD_FUZZ/corpus/$t" -type f | wc -l)
  crashes=$(find "$BUILD_FUZZ/artifacts/$t" -type f | wc -l)
  rc=$(cat "$BUILD_FUZZ/logs/$t.rc" 2>/dev/null || echo "?")
  printf '%-13s execs %10s  cov %6s  corpus %6s  crashes %3s  (exit %s)\n' \
    "$t" "${execs:-?}" "${cov:-?}" "$corpus" "$crashes" "$rc"
  [[ $rc == 0 && $crashes == 0 ]]
}

fuzz() {
  build || { echo "fuzz: build failed" >&2; return 1; }
  local t running=0 failed=0
  for t in $TARGETS; do
    rm -f "$BUILD_FUZZ/logs/$t.rc"
    echo "fuzz: $t for ${SECONDS_PER_TARGET}s (log: $BUILD_FUZZ/logs/$t.log)"
    fuzz_one "$t" &
    running=$((running + 1))
    if ((running >= JOBS)); then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
  echo "=== fuzz summary (${SECONDS_PER_TARGET}s per target)"
  for t in $TARGETS; do report_one "$t" || failed=1; done
  if ((failed)); then
    echo "fuzz: crash inputs are in $BUILD_FUZZ/artifacts/<target>/; reproduce with $BUILD_FUZZ/<target> FILE"
  fi
  return "$failed"
}

replay() {
  local t passed=0 failed=0 files
  if ! command -v clang++ >/dev/null; then
    echo "fuzz-replay: clang++ not installed (make deps installs it): nothing replayed"
    echo "0 passed, 1 failed"
    return 1
  fi
  if ! build >"$REPLAY_LOG" 2>&1; then
    tail -n 30 "$REPLAY_LOG"
    echo "fuzz-replay: building the fuzz targets failed"
    echo "0 passed, 1 failed"
    return 1
  fi
  for t in $TARGETS; do
    mapfile -t files < <(find "$FUZZ_DIR/corpus/$t" "$FUZZ_DIR/regressions/$t" -type f 2>/dev/null | LC_ALL=C sort)
    if ((${#files[@]} == 0)); then
      echo "FAIL $t: no corpus"
      failed=$((failed + 1))
      continue
    fi
    # With file arguments libFuzzer runs each input once and stops at the first crash.
    if "$BUILD_FUZZ/$t" -timeout=10 "${files[@]}" >"$REPLAY_LOG" 2>&1; then
      echo "ok   $t: ${#files[@]} inputs"
      passed=$((passed + 1))
    else
      # The last input started is the one that crashed.
      echo "FAIL $t: $(grep -o 'Running: .*' "$REPLAY_LOG" | tail -n 1)"
      grep -E 'ERROR: |SUMMARY: |runtime error' "$REPLAY_LOG" | head -n 5
      failed=$((failed + 1))
    fi
  done
  echo "$passed passed, $failed failed"
  ((failed == 0))
}

case $mode in
  fuzz) fuzz ;;
  replay)
    REPLAY_LOG=$(mktemp /tmp/pgrest-fuzz-replay.XXXXXXXX) || exit 1
    trap 'rm -f "$REPLAY_LOG"' EXIT
    replay
    ;;
  *) echo "usage: tests/fuzz/run.sh fuzz|replay" >&2; exit 2 ;;
esac
