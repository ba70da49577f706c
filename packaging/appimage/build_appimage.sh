#!/usr/bin/env bash
# Builds Faultline-<version>-x86_64.AppImage from source, offline (packaging/README.md):
#   bash packaging/appimage/build_appimage.sh [OUT_DIR]      (OUT_DIR defaults to the repo root)
# 1. make the demo dataset; configure a build for the AppDir (rpath $ORIGIN/../lib as DT_RPATH, which also covers the
#    libraries and plugins they load) and `cmake --install` it into an AppDir;
# 2. add the Qt plugins, qt.conf, AppRun, .DirIcon and the top-level .desktop and icon;
# 3. copy the runtime libraries (BundleLibraries.cmake), drop those never used
#    (trim_unused_libraries.sh), add their Debian licence notices;
# 4. pack the AppDir with mksquashfs (zstd) behind the project's own type-2 runtime (runtime/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "${1:-$root}"
out=$(realpath "${1:-$root}")
build=${FAULTLINE_APPIMAGE_BUILD_DIR:-$root/build-appimage}
export CCACHE_BASEDIR=$root
qt_plugins=/usr/lib/x86_64-linux-gnu/qt6/plugins
app_id=io.github.faultline.Faultline

mkdir -p "$build"
# The demo dataset the welcome page opens: the repo's demo-data (made by `bash .ci/run demo`) or a
# fresh one, without the project store an earlier analysis left in it.
demo=$build/demo/fashion-mnist
rm -rf "$demo"; mkdir -p "$(dirname "$demo")"
if [ -f "$root/demo-data/fashion-mnist/predictions.csv" ]; then
  cp -r "$root/demo-data/fashion-mnist" "$demo"
  rm -rf "$demo/.faultline"
else
  /usr/bin/python3 "$root/resources/demo/make_demo_dataset.py" --out "$demo" > "$build/demo.log"
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFAULTLINE_BUILD_TESTS=OFF \
  "-DFAULTLINE_DEMO_DATASET=$demo" \
  -DCMAKE_INSTALL_PREFIX=/usr '-DCMAKE_INSTALL_RPATH=$ORIGIN/../lib' \
  -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags > "$build/configure.log"
cmake --build "$build" -j"$(nproc)" --target faultline faultline-cli
cmake -S "$here/runtime" -B "$build/runtime" -DCMAKE_BUILD_TYPE=Release > "$build/runtime-configure.log"
cmake --build "$build/runtime"

appdir=$build/AppDir
rm -rf "$appdir"
cmake --install "$build" --prefix "$appdir/usr" --strip > /dev/null
version=$("$appdir/usr/bin/faultline-cli" --version | awk '{print $2}')

# Qt plugins: the platforms Faultline runs on (xcb for desktops, offscreen for --screenshot and
# servers), GL integration, image formats, SVG icons, the SQLite driver, the portal theme.
mkdir -p "$appdir/usr/plugins"
for plugin in platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqminimal.so \
              xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so \
              imageformats/libqjpeg.so imageformats/libqgif.so imageformats/libqico.so imageformats/libqsvg.so \
              iconengines/libqsvgicon.so sqldrivers/libqsqlite.so platformthemes/libqxdgdesktopportal.so; do
  mkdir -p "$appdir/usr/plugins/$(dirname "$plugin")"
  cp "$qt_plugins/$plugin" "$appdir/usr/plugins/$plugin"
done
cp "$here/qt.conf" "$appdir/usr/bin/qt.conf"
cmake -DAPPDIR="$appdir" -P "$here/BundleLibraries.cmake"
bash "$here/trim_unused_libraries.sh" "$appdir" | tail -1

# Licence notices of everything bundled, from the Debian packages the files came from.
while IFS=$'\t' read -r soname library; do
  [ -f "$appdir/usr/lib/$soname" ] || continue # trimmed
  # dpkg knows a file by the path its package ships (merged /usr: /lib or /usr/lib).
  package=$( (dpkg-query -S "$library" || dpkg-query -S "${library#/usr}" || dpkg-query -S "/usr$library") 2>/dev/null \
            | head -1 | cut -d: -f1) || true
  [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ] || continue
  mkdir -p "$appdir/usr/share/doc/$package"
  cp "/usr/share/doc/$package/copyright" "$appdir/usr/share/doc/$package/copyright"
done < "$build/bundled-libraries.txt"

install -m 755 "$here/AppRun" "$appdir/AppRun"
cp "$appdir/usr/share/applications/$app_id.desktop" "$appdir/$app_id.desktop"
cp "$appdir/usr/share/icons/hicolor/scalable/apps/$app_id.svg" "$appdir/$app_id.svg"
cp "$appdir/usr/share/icons/hicolor/256x256/apps/$app_id.png" "$appdir/.DirIcon"

image=$build/Faultline.squashfs
rm -f "$image"
mksquashfs "$appdir" "$image" -comp zstd -b 128K -root-owned -noappend -quiet -no-progress
target=$out/Faultline-$version-x86_64.AppImage
cat "$build/runtime/runtime" "$image" > "$target.tmp"
chmod 755 "$target.tmp"
mv "$target.tmp" "$target"
echo "AppImage: $target ($(du -m "$target" | cut -f1) MB, $(ls "$appdir/usr/lib" | wc -l) bundled libraries)"
