#!/usr/bin/env bash
# The project's test command: the Rust test suite, then the checks that need a real browser.
# Browser checks run when Chromium and the npm tools are installed (CI installs them, see
# .ci/run); on a machine without them this says clearly that they were skipped.
# The last line totals both: `summary: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Benches (harness = false) are left out: they generate large sites and are run with `cargo bench`.
status=0
cargo test 2>&1 | tee "$log" || status=$?
read -r passed failed < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) { if ($i ~ /^passed;/) p += $(i-1); if ($i ~ /^failed;/) f += $(i-1) }
  } END { print p + 0, f + 0 }' "$log")
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the suite did not build or run
fi

if [ "$status" -eq 0 ] && [ -x scripts/browser-checks.sh ]; then
  scripts/browser-checks.sh 2>&1 | tee "$log" || status=$?
  line=$(grep -E '^browser checks: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
    failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
  elif [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
  fi
fi

echo "summary: $passed passed, $failed failed"
exit "$status"
