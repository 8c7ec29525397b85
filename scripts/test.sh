#!/usr/bin/env bash
# The README's test command (`npm test`), and what CI runs (.ci/run) on a fresh clone:
# installs what the tests need, type-checks and lints every workspace, builds the UI and the
# agent bundle, runs every test file of the repository in one node:test run (unit tests next to
# the code, cross-package tests in test/), then a short benchmark smoke.
#
# Every step runs even when an earlier one failed (so one run reports everything), except the
# setup steps the rest cannot do without; the exit code is non-zero if any step failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh

export CI="${CI:-}"
mkdir -p test-results
rm -f test-results/node-test-rerun.log test-results/junit-rerun.xml
started_all=$(date +%s)
declare -a summary=()
failed=0

# step NAME COMMAND...: prints a header, runs the command, records its time and outcome.
step() {
  local name="$1"
  shift
  echo
  echo "==> $name"
  local t0 rc
  t0=$(date +%s)
  set +e
  "$@"
  rc=$?
  set -e
  local dt=$(($(date +%s) - t0))
  if [ "$rc" -eq 0 ]; then
    echo "==> $name: ok (${dt}s)"
    summary+=("ok      ${dt}s	$name")
  else
    echo "==> $name: FAILED with exit code $rc (${dt}s)"
    summary+=("FAILED  ${dt}s	$name")
    failed=1
  fi
  return "$rc"
}

print_summary() {
  echo
  echo "==> Summary ($(($(date +%s) - started_all))s in all)"
  printf '    %s\n' "${summary[@]}"
}

# Setup: without packages or the test environment nothing after makes sense.
step "Node $(node --version), packages" unity_npm_install || {
  print_summary
  exit 1
}
step "Test environment (PostgreSQL, Podman, Chromium)" bash scripts/test-env.sh || {
  print_summary
  exit 1
}

step "Type-check and lint (npm run check)" npm run --silent check || true
step "Build UI and agent bundle (npm run build)" npm run --silent build || true

# The test files run from a bundle (scripts/bundle-tests.mjs): each file runs in its own
# process, and compiling the hub's TypeScript through tsx in each cost more CPU than most tests.
# Hub and agent processes the tests start come from bundles too (UNITY_TEST_BUNDLE, see
# test/lib/paths.ts). When bundling fails, the tests run from the TypeScript source as before.
TEST_FILES=('shared/src/**/*.test.ts' 'agent/src/**/*.test.ts' 'hub/src/**/*.test.ts' 'ui/src/**/*.test.ts' 'test/**/*.test.ts')
TEST_LOADER=(--import tsx)
if step "Bundle the test files (scripts/bundle-tests.mjs)" node scripts/bundle-tests.mjs "${TEST_FILES[@]}"; then
  export UNITY_TEST_BUNDLE=test-results/bundle
  TEST_FILES=('test-results/bundle/**/*.test.mjs')
  TEST_LOADER=(--enable-source-maps)
fi

# One node:test run over every test file. Two files at a time on a 2-core machine: the
# cross-package tests mostly wait on processes, a third would starve the hub and agent they
# start. A test that hangs is cancelled after 4 minutes instead of holding up CI, and a file whose
# tests are done but whose process stays up fails after a grace period, naming what it left open
# (scripts/test-exit-watchdog.mjs; node's --test-force-exit drops the last reports of a file).
node_test() {
  local report="$1"
  shift
  node "${TEST_LOADER[@]}" --import ./scripts/test-exit-watchdog.mjs --test \
    --test-concurrency=2 \
    --test-timeout=240000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=junit --test-reporter-destination="$report" \
    "$@"
}
run_tests() {
  node_test test-results/junit.xml "${TEST_FILES[@]}" 2>&1 | tee test-results/node-test.log
  local rc="${PIPESTATUS[0]}"
  [ "$rc" -eq 0 ] && return 0
  # Node 24 sometimes aborts a process (SIGTRAP, SIGABRT) under PGlite's WebAssembly churn
  # (nodejs/node#64500). When that crash is the only failure, the files it killed run once
  # more on their own; any test failing by itself is never re-run.
  local crashed
  crashed=$(node scripts/crashed-test-files.mjs test-results/junit.xml) || return "$rc"
  echo
  echo "==> these test files died of a signal, not a failing test (nodejs/node#64500); running them once more:"
  printf '    %s\n' $crashed
  # shellcheck disable=SC2086 # one argument per file
  node_test test-results/junit-rerun.xml $crashed 2>&1 | tee test-results/node-test-rerun.log
  return "${PIPESTATUS[0]}"
}
step "Tests (node:test: unit, end to end, delivery, bad input, install.sh, browser)" run_tests || true

step "Benchmark smoke (npm run bench -- --smoke)" npm run --silent bench -- --smoke || true

print_summary
# CI shows only the end of this output: repeat node:test's list of failing tests there, with
# their errors, so a red run says what failed without the full log.
if grep -q '^✖ failing tests:' test-results/node-test.log 2>/dev/null; then
  echo
  sed -n '/^✖ failing tests:/,$p' test-results/node-test.log | grep -v '^ℹ ' | head -n 80
fi
# node:test printed its own summary above; repeat its counts as one plain closing line (with
# the re-run of crashed files, when there was one, in place of those files' first run).
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$2" 2>/dev/null | tail -n1; }
pass=$(count pass test-results/node-test.log)
fail=$(count fail test-results/node-test.log)
cancelled=$(count cancelled test-results/node-test.log)
if [ -f test-results/node-test-rerun.log ]; then
  rerun_pass=$(count pass test-results/node-test-rerun.log)
  rerun_fail=$(count fail test-results/node-test-rerun.log)
  rerun_files=$(grep -c . <(node scripts/crashed-test-files.mjs test-results/junit.xml) || true)
  echo "${pass:-0} passed and ${rerun_files} file(s) killed by a signal in the first run; on their re-run ${rerun_pass:-0} passed, ${rerun_fail:-0} failed"
else
  echo "${pass:-0} passed, $((${fail:-0} + ${cancelled:-0})) failed"
fi
exit "$failed"
