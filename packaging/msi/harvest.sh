#!/usr/bin/env bash
# Harvests a staged Faultline install tree (cmake --install on Windows, or test_msi.sh's stand-in)
# into the two WiX fragments faultline.wxs references, with Debian's wixl-heat:
#   OUT_DIR/bin-files.wxs    ComponentGroup BinRuntimeFiles: STAGE/bin minus faultline.exe and
#                            faultline-cli.exe (Qt DLLs, plugin folders, MSVC runtime ...), under BINDIR
#   OUT_DIR/share-files.wxs  ComponentGroup ShareFiles: STAGE/share (caption vocabularies, docs),
#                            under INSTALLDIR
# Sources are written as $(var.SourceDir)/...; build with wixl -D SourceDir=STAGE -D Win64=yes.
# Usage: harvest.sh STAGE OUT_DIR
set -euo pipefail
stage=${1:?usage: harvest.sh STAGE OUT_DIR}
out=${2:?usage: harvest.sh STAGE OUT_DIR}
cd "$stage"
out=$(cd "$OLDPWD" && mkdir -p "$out" && cd "$out" && pwd)
[ -f bin/faultline.exe ] && [ -f bin/faultline-cli.exe ] || { echo "harvest.sh: $stage/bin lacks the executables" >&2; exit 1; }

# bin's files are harvested relative to bin/ (-p strips the prefix from the names and the
# Source paths alike, so bin/ goes back into the Source paths); wixl-heat puts a folder's own
# files in a Directory named ".", which the MSI resolves to the parent (BINDIR).
find bin -type f ! -path bin/faultline.exe ! -path bin/faultline-cli.exe | LC_ALL=C sort |
  wixl-heat --directory-ref BINDIR --component-group BinRuntimeFiles --var var.SourceDir \
            -p bin/ --win64 |
  sed 's#Source="$(var.SourceDir)/#Source="$(var.SourceDir)/bin/#' > "$out/bin-files.wxs"
if [ -d share ]; then
  find "$PWD/share" -type f | LC_ALL=C sort |
    wixl-heat --directory-ref INSTALLDIR --component-group ShareFiles --var var.SourceDir \
              -p "$PWD/" --win64 > "$out/share-files.wxs"
else
  printf '<?xml version="1.0" encoding="utf-8"?>\n<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">\n  <Fragment>\n    <ComponentGroup Id="ShareFiles"/>\n  </Fragment>\n</Wix>\n' > "$out/share-files.wxs"
fi
