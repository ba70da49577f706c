#!/usr/bin/env bash
# Drops from an AppDir the libraries Faultline never uses (packaging/README.md, "Size").
#   bash trim_unused_libraries.sh APPDIR
# Debian links libtorch_cpu and OpenCV's codec module against far more than they call (OpenCV's
# GUI, video and dnn modules, ffmpeg, Caffe2's databases: with them come Qt 5, codecs, GDAL …).
# A DT_NEEDED entry of the heavy libraries below is removed (patchelf) only if the needed library
# defines none of the symbols the heavy one imports (nm -D): a library that only sits in the
# list is never called. Libraries that nothing reaches any more are deleted. Prints what it did.
set -euo pipefail
appdir=$(realpath "$1")
lib=$appdir/usr/lib
heavy=(libtorch_cpu.so.* libopencv_imgcodecs.so.* libopencv_imgproc.so.* libopencv_core.so.*)

imports() { nm -D --undefined-only "$1" | awk '{print $NF}' | sed 's/@.*//' | sort -u; }
exports() { nm -D --defined-only "$1" | awk '{print $NF}' | sed 's/@.*//' | sort -u; }
needed() { readelf -d "$1" | awk '/\(NEEDED\)/ {gsub(/[\[\]]/, "", $5); print $5}'; }

for pattern in "${heavy[@]}"; do
  for file in "$lib"/$pattern; do
    [ -f "$file" ] || continue
    imports "$file" > "$file.imports"
    unused=()
    for entry in $(needed "$file"); do
      [ -f "$lib/$entry" ] || continue # a host library: never touched
      if [ -z "$(exports "$lib/$entry" | comm -12 - "$file.imports" | head -1)" ]; then
        unused+=(--remove-needed "$entry")
        echo "unlinked $entry from $(basename "$file")"
      fi
    done
    rm "$file.imports"
    [ ${#unused[@]} -eq 0 ] || patchelf "${unused[@]}" "$file"
  done
done

# What the executables and plugins still reach (breadth-first over DT_NEEDED).
declare -A reached
queue=("$appdir"/usr/bin/faultline "$appdir"/usr/bin/faultline-cli $(find "$appdir/usr/plugins" -name '*.so'))
while [ ${#queue[@]} -gt 0 ]; do
  current=${queue[0]}; queue=("${queue[@]:1}")
  for entry in $(needed "$current"); do
    if [ -f "$lib/$entry" ] && [ -z "${reached[$entry]:-}" ]; then
      reached[$entry]=1; queue+=("$lib/$entry")
    fi
  done
done
removed=0
for file in "$lib"/*; do
  name=$(basename "$file")
  if [ -z "${reached[$name]:-}" ]; then rm "$file"; removed=$((removed + 1)); fi
done
echo "removed $removed unreachable libraries; $(ls "$lib" | wc -l) remain ($(du -sm "$lib" | cut -f1) MB)"
