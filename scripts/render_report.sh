#!/usr/bin/env bash
# Renders a `plrp motifs` report.html in a real browser — headless Chromium, Debian's `chromium` package, installed
# here if missing — to a PNG, and checks that the page parsed into the motif logos and plots it should hold.
# Usage: scripts/render_report.sh REPORT.html OUT.png
set -euo pipefail
report=$(realpath "$1")
png=$(realpath -m "$2")
if ! command -v chromium >/dev/null; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --blink-settings=imagesEnabled=true)
dom=$(chromium "${flags[@]}" --dump-dom "file://$report" 2>/dev/null)
svgs=$(grep -o '<svg' <<<"$dom" | wc -l)
[ "$svgs" -gt 0 ] || { echo "render_report: $report rendered without any SVG" >&2; exit 1; }
rm -f "$png"
chromium "${flags[@]}" --window-size=1200,2400 --screenshot="$png" "file://$report" >/dev/null 2>&1
[ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || { echo "render_report: no PNG written" >&2; exit 1; }
echo "rendered $report: $svgs SVG figures → $png ($(stat -c %s "$png") bytes)"
