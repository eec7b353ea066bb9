#!/usr/bin/env bash
# The project's test command: the Rust test suite, then the checks that need a real browser.
# Browser checks run when Chromium and the npm tools are installed (CI installs them, see
# .ci/run); on a machine without them this says clearly that they were skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# Benches (harness = false) are left out: they generate large sites and are run with `cargo bench`.
cargo test

if [ -x scripts/browser-checks.sh ]; then
  scripts/browser-checks.sh
fi
