#!/usr/bin/env bash
# Renders the application icon faultline.svg into the hicolor icon theme tree that
# CMakeLists.txt installs:
#   icons/hicolor/<N>x<N>/apps/io.github.faultline.Faultline.png   N = 16 32 48 64 128 256
#   icons/hicolor/scalable/apps/io.github.faultline.Faultline.svg  (a copy of faultline.svg)
# The results are committed; run this again after editing faultline.svg.
# Needs rsvg-convert (Debian: librsvg2-bin); falls back to inkscape.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app_id=io.github.faultline.Faultline
src="$here/faultline.svg"
out="$here/icons/hicolor"

render() { # size output
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio --format png "$src" --output "$2"
  elif command -v inkscape >/dev/null; then
    inkscape "$src" --export-type=png --export-width="$1" --export-height="$1" --export-filename="$2" >/dev/null
  else
    echo "render_icons.sh: needs rsvg-convert (apt-get install librsvg2-bin) or inkscape" >&2
    exit 1
  fi
}

mkdir -p "$out/scalable/apps"
cp "$src" "$out/scalable/apps/$app_id.svg"
for n in 16 32 48 64 128 256; do
  mkdir -p "$out/${n}x${n}/apps"
  render "$n" "$out/${n}x${n}/apps/$app_id.png"
  echo "icons/hicolor/${n}x${n}/apps/$app_id.png"
done
echo "icons/hicolor/scalable/apps/$app_id.svg"
