#!/usr/bin/env bash
# Renders the access review page from the simulator's users and looks at it the way a reviewer would: a
# screenshot of the page and a print to PDF (plus PNGs of its pages when poppler's pdftoppm is installed), all in
# headless Chromium. For checking the page by eye after changing it; CI does not run this (it needs Chromium:
# `apt-get install -y chromium poppler-utils`).
#
#   scripts/render-review.sh [output-dir]      # default /tmp/review-render
#   USERS=2000 SKIP_BUILD=1 CHROMIUM=/path/to/chrome scripts/render-review.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=$(mkdir -p "${1:-/tmp/review-render}" && cd "${1:-/tmp/review-render}" && pwd)
USERS=${USERS:-300}
AS_OF=${AS_OF:-2026-06-30T12:00:00Z}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$CHROMIUM" ]; then
  echo "render-review: Chromium not found; apt-get install -y chromium, or set CHROMIUM=/path/to/chrome" >&2
  exit 2
fi

if [ "${SKIP_BUILD:-}" != "1" ]; then
  # The build does not check types (esbuild); when it fails, the page is rendered from the dist/ already there.
  npm run --silent build || echo "render-review: the build reported errors; rendering with what it emitted" >&2
fi

rm -rf "$OUT/reports" && mkdir -p "$OUT/reports"
PORT=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node dist/bin.js simulate --port "$PORT" --users "$USERS" --seed 2026 --now "$AS_OF" >"$OUT/simulator.log" 2>&1 &
SIMULATOR=$!
PROFILE=$(mktemp -d)
trap 'kill "$SIMULATOR" 2>/dev/null || true; rm -rf "$PROFILE"' EXIT
for _ in $(seq 1 100); do
  grep -q "simulator ready" "$OUT/simulator.log" && break
  kill -0 "$SIMULATOR" 2>/dev/null || { cat "$OUT/simulator.log" >&2; exit 1; }
  sleep 0.1
done

# The simulator's documented read-only test key: not a secret of any real system.
if ! PANTHER_API_URL="http://127.0.0.1:$PORT" PANTHER_API_TOKEN=sim-read-7c1f3a9e2b6d4f08a5e1c3b7d9f20a64 \
  node dist/bin.js review --as-of "$AS_OF" --report-dir "$OUT/reports" >"$OUT/review.log" 2>&1; then
  cat "$OUT/review.log" >&2
  exit 1
fi
HTML=$(ls -t "$OUT"/reports/access-review-*.html | head -n 1)

chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$PROFILE" "$@" "file://$HTML" 2>/dev/null
}
chrome --screenshot="$OUT/review.png" --window-size=1200,1600 --hide-scrollbars
chrome --print-to-pdf="$OUT/review.pdf" --no-pdf-header-footer
if command -v pdftoppm >/dev/null; then
  rm -f "$OUT"/review-page-*.png
  pdftoppm -png -r 60 "$OUT/review.pdf" "$OUT/review-page"
fi

echo "page:       $HTML"
echo "screenshot: $OUT/review.png"
echo "pdf:        $OUT/review.pdf"
ls "$OUT"/review-page-*.png 2>/dev/null | sed 's/^/pdf page:   /' || true
