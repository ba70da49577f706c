#!/usr/bin/env bash
# `faultline DATASET --screenshot DIR` on a dataset it cannot open prints the error and exits 1
# (it used to wait out every step of the tour). FAULTLINE_GUI names the binary.
set -uo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # name, dataset
  local out rc
  out=$(QT_QPA_PLATFORM=offscreen timeout 60 "$FAULTLINE_GUI" "$2" --screenshot "$work/shots" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && grep -q "^faultline: " <<<"$out"; then
    echo "PASS $1"
  else
    echo "FAIL $1 (exit $rc; 124 means it hung)"; echo "$out" | tail -3; fail=1
  fi
}
check "missing dataset" "$work/no-such-folder"
mkdir -p "$work/damaged/.faultline" "$work/damaged/cat"
echo "not a database" > "$work/damaged/.faultline/project.sqlite"
check "damaged store" "$work/damaged"
exit $fail
