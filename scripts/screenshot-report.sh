#!/usr/bin/env bash
# Screenshot a study report (report.html) with headless Chromium, to check how it renders.
#   scripts/screenshot-report.sh <report.html> <out.png> [width] [height]
# Width defaults to 1280 (a laptop screen); height to 2400, enough for the whole page of a
# seven-run study. Chromium runs with no network, no first-run work and a throwaway profile.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
  echo "usage: $0 <report.html> <out.png> [width=1280] [height=2400]" >&2
  exit 2
fi
report=$1
out=$2
width=${3:-1280}
height=${4:-2400}

if [[ ! -f $report ]]; then
  echo "$0: report not found: $report" >&2
  exit 1
fi
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [[ -z $browser ]]; then
  echo "$0: no Chromium found; install it with: apt-get install -y chromium" >&2
  exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(realpath "$report")"
out_abs="$(realpath -m "$out")"
mkdir -p "$(dirname "$out_abs")"
rm -f "$out_abs"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="$width,$height" \
  --screenshot="$out_abs" "$url" >"$profile/chromium.log" 2>&1 || true

if [[ ! -s $out_abs ]]; then
  echo "$0: Chromium wrote no screenshot; its output:" >&2
  cat "$profile/chromium.log" >&2
  exit 1
fi
echo "$out_abs"
