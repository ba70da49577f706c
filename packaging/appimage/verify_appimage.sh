#!/usr/bin/env bash
# Verifies a Faultline AppImage as a user's machine would see it (packaging/README.md):
#   bash packaging/appimage/verify_appimage.sh Faultline-VERSION-x86_64.AppImage
# 1. independent readers: Debian's libappimage (type 2, the files it must hold) and unsquashfs;
# 2. a clean room: a minimal Debian 12 root filesystem (debootstrap --variant=minbase, cached
#    under $FAULTLINE_ROOTFS_CACHE, default /tmp/faultline-cleanroom) plus only the host libraries
#    an AppImage may expect, with no -dev package and no Faultline build; inside a chroot:
#    --version, `cli analyze` and `cli export` on the demo dataset (classes.csv identical to the
#    build tree's faultline-cli), the workbench's --screenshot PNGs on the offscreen platform,
#    the faultline-cli symlink, every ELF of the image resolving its libraries, and both the
#    extract-and-run and (where /dev/fuse works) the FUSE paths, leaving no mount or temp dir.
# Needs root (debootstrap, chroot). Prints PASS/FAIL per check; exits 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
appimage=$(realpath "${1:?usage: verify_appimage.sh APPIMAGE}")
demo=${FAULTLINE_DEMO_DATASET:-$root/demo-data/fashion-mnist}
build_cli=${FAULTLINE_BUILD_CLI:-$root/build/app/cli/faultline-cli}
cache=${FAULTLINE_ROOTFS_CACHE:-/tmp/faultline-cleanroom}
rootfs=$cache/bookworm
host_libraries=libgl1,libegl1,libopengl0,libx11-6,libx11-xcb1,libxcb1,libfontconfig1,libfreetype6,libharfbuzz0b,libasound2,libglib2.0-0
app_id=io.github.faultline.Faultline
failures=0
work=$(mktemp -d)

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { # name, command…
  local name=$1; shift
  if "$@" > "$work/last.log" 2>&1; then pass "$name"; else fail "$name"; tail -5 "$work/last.log" | sed 's/^/     /'; fi
}

# --- 1. independent readers ---------------------------------------------------------------
gcc -O1 -o "$work/check_appimage" "$here/check_appimage.c" $(pkg-config --cflags --libs libappimage) \
  || { echo "cannot build check_appimage (libappimage-dev)"; exit 1; }
check "libappimage: type 2 and AppRun, .DirIcon, the .desktop, both executables listed" \
  "$work/check_appimage" "$appimage" AppRun .DirIcon "$app_id.desktop" usr/bin/faultline usr/bin/faultline-cli \
  "usr/share/metainfo/$app_id.metainfo.xml" usr/share/faultline/demo/fashion-mnist/predictions.csv \
  usr/share/faultline/demo/fashion-mnist/embeddings.npy usr/share/faultline/demo/fashion-mnist/embeddings.paths.txt
offset=$("$appimage" --appimage-offset)
check "unsquashfs -o $offset -l lists AppRun" \
  bash -c "unsquashfs -o '$offset' -l '$appimage' | grep -qx 'squashfs-root/AppRun'"
check "the bundled demo dataset holds no project store" \
  bash -c "! unsquashfs -o '$offset' -l '$appimage' | grep -q 'demo/fashion-mnist/.faultline'"
check "magic bytes AI\\x02 at offset 8" bash -c "[ \"\$(od -An -tx1 -j8 -N3 '$appimage' | tr -d ' ')\" = 414902 ]"

# --- 2. the clean room ----------------------------------------------------------------------
if [ ! -f "$rootfs/.faultline-rootfs-complete" ]; then
  mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
  mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)}
  echo "debootstrap: a minimal Debian 12 into $rootfs (from $mirror; cached afterwards)"
  rm -rf "$rootfs"; mkdir -p "$cache"
  debootstrap --variant=minbase --include="$host_libraries" bookworm "$rootfs" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { echo "debootstrap failed: see $cache/debootstrap.log"; exit 1; }
  touch "$rootfs/.faultline-rootfs-complete"
fi
check "the clean room has no -dev package and no Faultline" \
  bash -c "! chroot '$rootfs' dpkg-query -W -f='\${Package}\n' | grep -q -- '-dev\$' && [ ! -e '$rootfs/usr/bin/faultline' ]"

inside=/faultline-verify
mkdir -p "$rootfs$inside"
cleanup() {
  for m in "$rootfs/dev" "$rootfs/proc"; do mountpoint -q "$m" && umount -l "$m"; done
  rm -rf "$rootfs$inside" "$work"
}
trap cleanup EXIT
mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"
cp "$appimage" "$rootfs$inside/Faultline.AppImage"
cp -r "$demo" "$rootfs$inside/demo-appimage"
rm -rf "$rootfs$inside/demo-appimage/.faultline"
in_room() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root TMPDIR=/tmp "$@"; }

check "extract-and-run: --version" in_room APPIMAGE_EXTRACT_AND_RUN=1 "$inside/Faultline.AppImage" --version
check "extract-and-run: cli --version" in_room APPIMAGE_EXTRACT_AND_RUN=1 "$inside/Faultline.AppImage" cli --version
check "cli analyze on the demo dataset" in_room APPIMAGE_EXTRACT_AND_RUN=1 "$inside/Faultline.AppImage" cli analyze \
  --dataset "$inside/demo-appimage" --embeddings "$inside/demo-appimage/embeddings.npy" \
  --embedding-paths "$inside/demo-appimage/embeddings.paths.txt" --out "$inside/report"
check "cli export of the hard pool images" in_room APPIMAGE_EXTRACT_AND_RUN=1 "$inside/Faultline.AppImage" cli export \
  --dataset "$inside/demo-appimage" --split pool --per-class 20 --to "$inside/hard-pool"
check "export wrote 200 images and a manifest" \
  bash -c "[ \$(find '$rootfs$inside/hard-pool' -name '*.png' | wc -l) -eq 200 ] && [ -f '$rootfs$inside/hard-pool/manifest.csv' ]"
# The same analysis by the build tree's binary: the bundled libraries must not change a number.
cp -r "$demo" "$work/demo-build"; rm -rf "$work/demo-build/.faultline"
"$build_cli" analyze --dataset "$work/demo-build" --embeddings "$work/demo-build/embeddings.npy" \
  --embedding-paths "$work/demo-build/embeddings.paths.txt" --out "$work/report-build" > /dev/null 2>&1
check "classes.csv identical to the build tree's faultline-cli" cmp "$rootfs$inside/report/classes.csv" "$work/report-build/classes.csv"
check "scores.csv identical to the build tree's faultline-cli" cmp "$rootfs$inside/report/scores.csv" "$work/report-build/scores.csv"
check "the workbench renders its views (offscreen)" in_room APPIMAGE_EXTRACT_AND_RUN=1 QT_QPA_PLATFORM=offscreen \
  "$inside/Faultline.AppImage" "$inside/demo-appimage" --screenshot "$inside/shots"
check "screenshots are PNG files" bash -c "ls '$rootfs$inside/shots/'*.png > /dev/null && file '$rootfs$inside/shots/main-window.png' | grep -q 'PNG image'"
ln -s Faultline.AppImage "$rootfs$inside/faultline-cli"
check "a symlink named faultline-cli runs the CLI" bash -c \
  "chroot '$rootfs' /usr/bin/env -i PATH=/usr/bin:/bin APPIMAGE_EXTRACT_AND_RUN=1 '$inside/faultline-cli' --version | grep -q '^faultline-cli '"

# Every ELF in the image resolves with the clean room's libraries and the bundled ones.
(cd "$rootfs$inside" && ./Faultline.AppImage --appimage-extract > /dev/null 2>&1) # no chroot needed to unpack
cat > "$rootfs$inside/ldd_all.sh" <<'LDD'
#!/bin/sh
# ldd every ELF below $1; print the ones with a library "not found".
status=0
for f in $(find "$1" -type f \( -name '*.so*' -o -perm -u+x \)); do
  head -c 4 "$f" | grep -q 'ELF' || continue
  missing=$(LD_LIBRARY_PATH="$1/usr/lib" ldd "$f" 2>&1 | grep 'not found')
  [ -n "$missing" ] && { echo "$f: $missing"; status=1; }
done
exit $status
LDD
check "every ELF in the AppDir resolves (ldd: nothing not found)" in_room sh "$inside/ldd_all.sh" "$inside/squashfs-root"
check "no temp dir left by extract-and-run" bash -c "! ls -d '$rootfs'/tmp/appimage_extracted_* '$rootfs'/tmp/.mount_* 2>/dev/null | grep -q ."

# The FUSE path, where this machine can mount.
if [ -c /dev/fuse ]; then
  if in_room "$inside/Faultline.AppImage" cli --version > "$work/fuse.log" 2>&1; then
    pass "FUSE: cli --version from the mounted image"
    check "FUSE: the workbench renders from the mounted image" in_room QT_QPA_PLATFORM=offscreen \
      "$inside/Faultline.AppImage" "$inside/demo-appimage" --screenshot "$inside/shots-fuse"
  elif grep -q "appimage-extract-and-run" "$work/fuse.log"; then
    echo "SKIP FUSE: cannot mount here; the runtime said so in one line: $(head -1 "$work/fuse.log")"
  else
    fail "FUSE: cli --version"; tail -3 "$work/fuse.log"
  fi
  check "FUSE: no mount left behind" bash -c "! grep -q '\.mount_' /proc/mounts"
  check "FUSE: no mount dir left behind" bash -c "! ls -d '$rootfs'/tmp/.mount_* 2>/dev/null | grep -q ."
else
  echo "SKIP FUSE: /dev/fuse is missing on this machine"
fi

echo "AppImage: $(du -m "$appimage" | cut -f1) MB; $failures failure(s)"
[ "$failures" -eq 0 ]
