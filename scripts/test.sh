#!/usr/bin/env bash
# `npm test`: type-check, lint (ESLint, with the layer rules), build, unit tests (node:test), integration tests in a
# real VS Code (code-server). Prints the time of each phase and ends with one line "N passed, N failed, N skipped"
# over unit and integration tests; a phase that fails without running tests (type errors, lint errors, build errors)
# counts as one failure. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
failed_phases=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms_now() { date +%s%3N; }
# run_phase NAME CMD...: runs CMD, prints its duration, records NAME when it fails.
run_phase() {
  local name=$1; shift
  local start; start=$(ms_now)
  echo "=== $name"
  "$@"
  local rc=$?
  local secs; secs=$(awk -v ms=$(( $(ms_now) - start )) 'BEGIN { printf "%.1f", ms / 1000 }')
  if ((rc == 0)); then echo "--- $name: ok (${secs} s)"; else echo "--- $name: FAILED, exit $rc (${secs} s)"; failed_phases+=("$name"); fi
  return $rc
}
# count FILE PATTERN: the number after the last line matching PATTERN (e.g. "# pass 12"), or 0.
count() { grep -E "$2" "$1" 2>/dev/null | tail -n1 | grep -oE '[0-9]+' | tail -n1 || true; }

run_phase typecheck npm run --silent typecheck
run_phase lint node_modules/.bin/eslint .

build_ok=1
run_phase build node scripts/build.mjs || build_ok=0

unit_tests() {
  node scripts/build-tests.mjs || return 1
  if ! find out/test/unit -name '*.test.js' 2>/dev/null | grep -q .; then echo "no unit tests found"; return 0; fi
  # spec output for people, TAP into a file for the counts
  node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$work/unit.tap" out/test/unit
}
unit_rc=0
run_phase unit unit_tests || unit_rc=$?
unit_pass=$(count "$work/unit.tap" '^# pass [0-9]+'); unit_fail=$(count "$work/unit.tap" '^# fail [0-9]+')
unit_skip=$(count "$work/unit.tap" '^# skipped [0-9]+'); unit_cancel=$(count "$work/unit.tap" '^# cancelled [0-9]+')
unit_todo=$(count "$work/unit.tap" '^# todo [0-9]+')
passed=$((passed + ${unit_pass:-0}))
failed=$((failed + ${unit_fail:-0} + ${unit_cancel:-0}))
skipped=$((skipped + ${unit_skip:-0} + ${unit_todo:-0}))
echo "unit: ${unit_pass:-0} passed, $(( ${unit_fail:-0} + ${unit_cancel:-0} )) failed, $(( ${unit_skip:-0} + ${unit_todo:-0} )) skipped"

# The integration tests need code-server and Chromium: installed once into a cache (a no-op when present). Where that
# cannot happen (no root for apt, no network), run.js reports the suite skipped, or failed under CI=true.
if ((build_ok)) && [[ -z ${TINYML_SKIP_SETUP:-} ]]; then
  run_phase "code-server setup" bash scripts/setup-code-server.sh || echo "code-server setup failed: integration tests cannot run here"
fi

if ((build_ok)) && [[ -f out/test/integration/run.js ]]; then
  run_phase integration bash -c 'node out/test/integration/run.js 2>&1 | tee "$0"; exit "${PIPESTATUS[0]}"' "$work/integration.log"
  line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$work/integration.log" | tail -n1)
  if [[ -n $line ]]; then
    read -r it_pass it_fail it_skip < <(echo "$line" | grep -oE '[0-9]+' | tr '\n' ' ')
    passed=$((passed + it_pass)); failed=$((failed + it_fail)); skipped=$((skipped + it_skip))
  fi
else
  echo "=== integration: not run (the build failed)"
fi

# A phase that failed without a failing test to show for it (type errors, build errors, a crashed runner) counts once.
for phase in "${failed_phases[@]}"; do
  case $phase in
    unit) ((unit_fail + unit_cancel == 0)) && failed=$((failed + 1)) ;;
    integration) [[ -z ${it_fail:-} || ${it_fail:-0} == 0 ]] && failed=$((failed + 1)) ;;
    "code-server setup") [[ -n ${CI:-} ]] && failed=$((failed + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
done
((${#failed_phases[@]})) && echo "failed phases: ${failed_phases[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
