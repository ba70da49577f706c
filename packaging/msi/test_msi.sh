#!/usr/bin/env bash
# Checks the MSI recipe (faultline.wxs + harvest.sh) with Debian's msitools: builds an MSI with
# wixl over a STAND-IN staged tree and reads it back with msiinfo / msiextract.
#
# The stand-in tree holds text files named like the real install (faultline.exe, Qt DLLs, a
# plugin folder, caption vocabularies): the MSI made here is a test artefact that proves the
# recipe's tables, never a Windows build. Real MSIs come from .github/workflows/windows.yml.
#
# Usage: test_msi.sh [KEEP_DIR]   (KEEP_DIR: keep the stand-in tree and MSI there)
# Needs: wixl, wixl-heat, msiinfo, msiextract (Debian: wixl, msitools).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
upgrade_code=ABCB6D41-517F-4FE7-8F63-0AC35E381AB2
version=0.1.0

for tool in wixl wixl-heat msiinfo msiextract; do
  command -v "$tool" >/dev/null || { echo "test_msi.sh: $tool not found (apt-get install wixl msitools)"; exit 1; }
done

if [ $# -ge 1 ]; then
  work=$(mkdir -p "$1" && cd "$1" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/faultline-msi-test.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
cd "$work" || exit 1
rm -rf stage fragments extracted ./*.msi

failures=0
check() { # description command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then echo "PASS: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
table() { msiinfo export "$1" "$2" 2>/dev/null | tr -d '\r' | tail -n +4; }   # rows only (3 header lines; msiinfo writes CRLF)
has_row() { # msi table regex
  table "$1" "$2" | grep -Eq "$3"
}

# --- the stand-in staged tree (what cmake --install + windeployqt would produce on Windows) ---
standin() { printf 'STAND-IN for %s: a test artefact of packaging/msi/test_msi.sh, not a Windows binary\n' "$1" > "stage/$1"; }
mkdir -p stage/bin/platforms stage/bin/imageformats stage/bin/sqldrivers \
         stage/share/faultline/captions stage/share/doc/Faultline
for f in bin/faultline.exe bin/faultline-cli.exe bin/Qt6Core.dll bin/Qt6Gui.dll bin/Qt6Widgets.dll \
         bin/Qt6Sql.dll bin/Qt6Network.dll bin/Qt6Concurrent.dll bin/torch_cpu.dll bin/c10.dll \
         bin/opencv_world4.dll bin/msvcp140.dll bin/vcruntime140.dll bin/qt.conf \
         bin/platforms/qwindows.dll bin/imageformats/qjpeg.dll bin/sqldrivers/qsqlite.dll \
         share/faultline/captions/generic.json share/faultline/captions/paper.json \
         share/doc/Faultline/LICENSE share/doc/Faultline/README.md; do
  standin "$f"
done
staged_files=$(find stage -type f | wc -l)
# wixl resolves Source paths relative to the working directory (absolute ones fail): the icon
# is copied next to the stand-in tree.
cp "$root/packaging/windows/faultline.ico" faultline.ico

# --- harvest and build ---
check "harvest.sh: wixl-heat fragments for bin/ and share/" bash "$here/harvest.sh" stage fragments
build() { # out.msi version
  wixl -a x64 -D Version="$2" -D SourceDir=stage -D IconFile=faultline.ico -D Win64=yes \
       -o "$1" "$here/faultline.wxs" fragments/bin-files.wxs fragments/share-files.wxs 2>build.log
  local rc=$?
  # wixl warns that it has no Package/@Platform property (it takes the platform from -a).
  grep -v -e "no property named 'Platform'" -e '^$' build.log >&2
  return $rc
}
check "wixl -a x64 -D Version=$version builds faultline.msi" build faultline.msi "$version"
[ -f faultline.msi ] || { echo "FAIL: no MSI built; $failures failure(s)"; exit 1; }
msi=faultline.msi

# --- tables ---
check "File table: faultline.exe" has_row $msi File $'^[^\t]+\t[^\t]+\tfaultline\\.exe\t'
check "File table: faultline-cli.exe" has_row $msi File $'^[^\t]+\t[^\t]+\tfaultline-cli\\.exe\t'
check "File table: every staged file ($staged_files)" test "$(table $msi File | wc -l)" -eq "$staged_files"
check "Component table non-empty" test "$(table $msi Component | wc -l)" -gt 0
all_64bit() { table "$1" Component | awk -F'\t' '{ if (int($4 / 256) % 2 != 1) bad = 1 } END { exit bad }'; }
check "Component table: every component 64-bit (attribute 256)" all_64bit $msi
check "Directory table: INSTALLDIR = ProgramFiles64Folder\\Faultline" has_row $msi Directory $'^INSTALLDIR\tProgramFiles64Folder\tFaultline$'
check "Directory table: BINDIR = INSTALLDIR\\bin" has_row $msi Directory $'^BINDIR\tINSTALLDIR\tbin$'
check "Directory table: start-menu folder under ProgramMenuFolder" has_row $msi Directory $'^ApplicationProgramsFolder\tProgramMenuFolder\tFaultline$'
check "Shortcut table: Faultline start-menu shortcut to [BINDIR]faultline.exe" \
  has_row $msi Shortcut $'^[^\t]+\tApplicationProgramsFolder\tFaultline\t[^\t]+\t\\[BINDIR\\]faultline\\.exe\t'
check "RemoveFile table: start-menu folder removed on uninstall" has_row $msi RemoveFile $'\tApplicationProgramsFolder\t2$'
check "Registry table: HKCU (root 1) key path of the shortcut component" has_row $msi Registry $'\t1\tSoftware\\\\Faultline\\\\Faultline\t'
check "Upgrade table: UpgradeCode {$upgrade_code}" has_row $msi Upgrade "^[{]$upgrade_code[}]"
check "Upgrade table: major upgrade of older versions (WIX_UPGRADE_DETECTED)" has_row $msi Upgrade 'WIX_UPGRADE_DETECTED'
check "InstallExecuteSequence: RemoveExistingProducts" has_row $msi InstallExecuteSequence '^RemoveExistingProducts'
check "Property: ProductName=Faultline" has_row $msi Property $'^ProductName\tFaultline$'
check "Property: ProductVersion=$version" has_row $msi Property $'^ProductVersion\t'"${version//./\\.}"'$'
check "Property: UpgradeCode={$upgrade_code}" has_row $msi Property $'^UpgradeCode\t[{]'"$upgrade_code"'[}]$'
check "Property: ALLUSERS=1 (per machine)" has_row $msi Property $'^ALLUSERS\t1$'
arp_icon() { has_row "$1" Property $'^ARPPRODUCTICON\tfaultline\.ico$' && has_row "$1" Icon $'^faultline\.ico\t'; }
check "Property: ARPPRODUCTICON=faultline.ico, in the Icon table" arp_icon $msi
check "Media: one embedded cabinet" has_row $msi Media $'^1\t[0-9]+\t[^\t]*\t#faultline\\.cab'
check "suminfo: Template x64" bash -c "msiinfo suminfo '$msi' | grep -Eq '^Template: x64;'"

# --- payload: msiextract lays out Program Files\Faultline as staged ---
check "msiextract: payload equals the staged tree" bash -c \
  "msiextract -C extracted '$msi' >/dev/null && diff -r stage extracted/Faultline"

# --- a later version: same UpgradeCode, new ProductCode ---
check "wixl builds 0.2.0 from the same recipe" build faultline-0.2.0.msi 0.2.0
product_code() { table "$1" Property | awk -F'\t' '$1 == "ProductCode" { print $2 }'; }
later_version() {
  has_row faultline-0.2.0.msi Property $'^UpgradeCode\t[{]'"$upgrade_code"'[}]$' &&
    has_row faultline-0.2.0.msi Property $'^ProductVersion\t0\\.2\\.0$' &&
    [ -n "$(product_code faultline.msi)" ] &&
    [ "$(product_code faultline.msi)" != "$(product_code faultline-0.2.0.msi)" ]
}
check "0.2.0: same UpgradeCode, new ProductCode (a major upgrade of 0.1.0)" later_version

# --- the installer UI is only behind WithUI (wixl has none; WiX 3 builds use it) ---
check "without WithUI: no UIRef" bash -c "! wixl -E -D Version=$version -D SourceDir=stage -D IconFile=faultline.ico '$here/faultline.wxs' 2>/dev/null | grep -q UIRef"
check "with WithUI: UIRef WixUI_InstallDir" bash -c "wixl -E -D WithUI -D Version=$version -D SourceDir=stage -D IconFile=faultline.ico '$here/faultline.wxs' 2>/dev/null | grep -q 'UIRef Id=\"WixUI_InstallDir\"'"

# --- the recipe and CPack agree on the UpgradeCode ---
check "CPackWix.cmake: CPACK_WIX_UPGRADE_GUID is the same UpgradeCode" \
  grep -q "CPACK_WIX_UPGRADE_GUID \"$upgrade_code\"" "$root/packaging/windows/CPackWix.cmake"

if [ "$failures" -eq 0 ]; then echo "test_msi.sh: all checks passed"; exit 0; fi
echo "test_msi.sh: $failures check(s) failed"; exit 1
