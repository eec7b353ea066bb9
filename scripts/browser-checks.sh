#!/usr/bin/env bash
# Checks the published site in real tools: builds the bundled site into a temporary folder, serves
# it on 127.0.0.1 and runs
#   - the Nu HTML Checker (vnu-jar) over every generated page and stylesheet: no errors;
#   - axe-core in headless Chromium on every page (light) and every page kind (dark): no violations;
#   - the site search, the email-address box and the home page without JavaScript;
#   - screenshots of every page kind at 375 and 1280 px, light and dark;
#   - the error overlay of `mailguide serve` over a real page, after planting an error in a copy of
#     the site: axe colour contrast (AA and AAA) in both colour schemes, and screenshots;
#   - Lighthouse on the home page and /icloud/: accessibility, best practices and SEO 100,
#     performance 95 or more.
# Results go to target/browser-checks/ (screenshots/, lighthouse.md, lighthouse.json, axe.json,
# vnu.txt). Needs /usr/bin/chromium (or $CHROMIUM), Node.js, Java and the npm tools of
# tests/browser (`npm ci` there); .ci/install sets them up. Without them this says the checks
# were NOT run and exits 0, except in CI (CI=true), where that is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

OUT=target/browser-checks
TOOLS=tests/browser
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

not_run() {
  if [ "${CI:-}" = "true" ]; then
    echo "browser checks FAILED: they cannot run in CI: $1"
    exit 1
  fi
  echo "browser checks NOT run: $1"
  exit 0
}

[ -x "$CHROMIUM" ] || not_run "no Chromium at $CHROMIUM (apt-get install chromium)"
command -v node >/dev/null || not_run "no Node.js"
command -v java >/dev/null || not_run "no Java for the Nu HTML Checker"
command -v python3 >/dev/null || not_run "no python3 for the local web server"
for pkg in playwright-core axe-core vnu-jar lighthouse; do
  [ -d "$TOOLS/node_modules/$pkg" ] || not_run "npm tools missing ($pkg): run \`npm ci\` in $TOOLS"
done

started=$(date +%s)
work=$(mktemp -d)
server=""
serve_pid=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$OUT"
mkdir -p "$OUT/lighthouse"

passed=0
failed=0
step() { # step NAME COMMAND...: runs a check, counts it
  local name=$1
  shift
  local t0=$SECONDS
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
  echo "   ($((SECONDS - t0)) s)"
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
site="$work/site"

echo "== build the bundled site for $base"
if ! cargo run -q -- build --output "$site" --base-url "$base"; then
  echo "browser checks: 0 passed, 1 failed (the site did not build)"
  exit 1
fi

python3 -m http.server --bind 127.0.0.1 "$port" --directory "$site" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "$base/" 2>/dev/null && break
  sleep 0.1
done
if ! curl -fsS -o /dev/null "$base/"; then
  cat "$work/server.log"
  echo "browser checks: 0 passed, 1 failed (the local web server did not start)"
  exit 1
fi

# `mailguide serve` on a copy of the site, for the error overlay: it builds, then an error is
# planted (an unknown key in a provider) and every page shows the overlay over the last good build.
overlay_site="$work/overlay-site"
mkdir -p "$overlay_site"
cp -r site.yaml content themes "$overlay_site"/
overlay_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
overlay_base="http://127.0.0.1:$overlay_port"
target/debug/mailguide serve --root "$overlay_site" --port "$overlay_port" >"$work/serve.log" 2>&1 &
serve_pid=$!
cleanup_serve() { kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; serve_pid=""; }
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$overlay_base/icloud/" 2>/dev/null && break
  sleep 0.2
done
printf 'secruity: tls\n' >>"$overlay_site/content/providers/icloud.yaml"
export OVERLAY_BASE="$overlay_base"

vnu() {
  java -jar "$TOOLS/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html --also-check-css \
    --also-check-svg "$site" >"$OUT/vnu.txt" 2>&1
  local rc=$?
  local pages
  pages=$(find "$site" -name '*.html' | wc -l)
  if [ $rc -eq 0 ]; then
    echo "ok    vnu: no errors in $pages pages and their CSS"
  else
    sed "s|$site|SITE|g" "$OUT/vnu.txt" | head -40
    echo "FAIL  vnu: errors above (all of them in $OUT/vnu.txt)"
  fi
  return $rc
}

lighthouse() {
  local reports=() name url
  for url in / /icloud/; do
    name=$(echo "$url" | tr -c 'a-z0-9\n' '-' | sed 's/^-*$/home/; s/^-//; s/-$//')
    if ! CHROME_PATH="$CHROMIUM" node "$TOOLS/node_modules/lighthouse/cli/index.js" "$base$url" --quiet \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
      --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output=html --output-path="$OUT/lighthouse/$name" 2>"$OUT/lighthouse/$name.log"; then
      echo "FAIL  lighthouse $url did not run:"
      tail -5 "$OUT/lighthouse/$name.log"
      return 1
    fi
    reports+=("$OUT/lighthouse/$name.report.json")
  done
  node "$TOOLS/lighthouse-report.js" "$OUT" "${reports[@]}"
}

step "Nu HTML Checker" vnu
step "axe-core, search, email box, screenshots in Chromium" node "$TOOLS/check.js" "$site" "$base" "$OUT"
cleanup_serve
# Last and alone, so nothing else competes for the CPU while performance is measured.
step "Lighthouse" lighthouse

echo "Screenshots: $OUT/screenshots/  Lighthouse: $OUT/lighthouse.md  ($(($(date +%s) - started)) s)"
echo "browser checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
