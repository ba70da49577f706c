#!/usr/bin/env bash
# Tests the Faultline AppImage type-2 runtime.
#
#   packaging/appimage/test_runtime.sh [RUNTIME]
#
# RUNTIME defaults to a fresh build of packaging/appimage/runtime in a
# temporary build directory. Needs mksquashfs/unsquashfs (squashfs-tools),
# a C compiler and libappimage-dev (pkg-config libappimage). Prints PASS/FAIL
# per check; exits nonzero when any check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/faultline-rt-test.XXXXXX")"
# Temp dirs the runtime creates (mount points, extractions) go here, so the
# leftover checks only see this test's directories.
rt_tmp="$work/tmp"
mkdir -p "$rt_tmp"

cleanup() {
    # Never leave mounts behind, even if the runtime misbehaved.
    local m
    for m in $(awk -v p="$rt_tmp/" 'index($2, p) == 1 {print $2}' /proc/mounts 2>/dev/null); do
        umount -l "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null || true
    done
    chmod -R u+rwX "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { # check "description" command...
    local desc="$1"; shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

runtime="${1:-}"
if [ -z "$runtime" ]; then
    echo "building runtime in $work/build"
    cmake -S "$here/runtime" -B "$work/build" >"$work/build.log" 2>&1 &&
        cmake --build "$work/build" >>"$work/build.log" 2>&1 || {
        cat "$work/build.log"; echo "FAIL: runtime build"; exit 1; }
    runtime="$work/build/runtime"
fi
runtime="$(readlink -f "$runtime")"
[ -x "$runtime" ] || { echo "FAIL: $runtime is not executable"; exit 1; }

# --- the test AppDir -------------------------------------------------------
appdir="$work/AppDir"
mkdir -p "$appdir/usr/bin" "$appdir/usr/share/faultline/nested" "$appdir/private"
cat >"$appdir/AppRun" <<'EOF'
#!/bin/sh
echo "APPIMAGE=$APPIMAGE"
echo "APPDIR=$APPDIR"
echo "ARGV0=$ARGV0"
echo "OWD=$OWD"
echo "NARGS=$#"
for a in "$@"; do echo "ARG=$a"; done
echo "DATA=$(cat "$APPDIR/usr/share/faultline/nested/data.txt")"
echo "LINK=$(cat "$APPDIR/usr/bin/tool-link")"
"$APPDIR/usr/bin/tool" && echo "TOOL=ok"
echo "LIST=$(ls "$APPDIR/usr/share/faultline/nested" | tr '\n' ' ')"
case "${1:-}" in
    exit7) exit 7 ;;
    sleep) [ -n "${READY_FILE:-}" ] && echo "$APPDIR" >"$READY_FILE"; sleep 30 ;;
esac
exit 0
EOF
chmod 755 "$appdir/AppRun"
printf '#!/bin/sh\nexit 0\n' >"$appdir/usr/bin/tool"
chmod 755 "$appdir/usr/bin/tool"
ln -s tool "$appdir/usr/bin/tool-link"
echo "hello from the squashfs" >"$appdir/usr/share/faultline/nested/data.txt"
chmod 640 "$appdir/usr/share/faultline/nested/data.txt"
echo "readme" >"$appdir/usr/share/faultline/README"
echo "secret" >"$appdir/private/file"
chmod 750 "$appdir/private"

img="$work/img.squashfs"
mksquashfs "$appdir" "$img" -comp zstd -root-owned -noappend -quiet >/dev/null
ai="$work/Test.AppImage"
cat "$runtime" "$img" >"$ai"
chmod +x "$ai"

# --- static properties -----------------------------------------------------
check "magic bytes 'AI\\x02' at offset 8" \
    test "$(od -An -tx1 -j8 -N3 "$ai" | tr -d ' \n')" = "414902"
rt_size="$(stat -c %s "$runtime")"
offset="$("$ai" --appimage-offset)"
check "--appimage-offset ($offset) equals runtime size ($rt_size)" test "$offset" = "$rt_size"
check "unsquashfs -o OFFSET -l lists AppRun" \
    bash -c "unsquashfs -o '$offset' -l '$ai' | grep -qx 'squashfs-root/AppRun'"
check "--appimage-version prints a version" \
    bash -c "'$ai' --appimage-version | grep -q 'runtime'"
check "--appimage-help mentions --appimage-extract" \
    bash -c "'$ai' --appimage-help | grep -q -- '--appimage-extract'"
check "--appimage-updateinformation succeeds (empty .upd_info)" \
    bash -c "[ -z \"\$('$ai' --appimage-updateinformation)\" ]"
check "ELF has reserved sections .upd_info/.sha256_sig/.sig_key" bash -c "
    s=\$(readelf -SW '$runtime')
    echo \"\$s\" | grep -Eq '\\.upd_info +PROGBITS +[0-9a-f]+ [0-9a-f]+ 000400' &&
    echo \"\$s\" | grep -Eq '\\.sha256_sig +PROGBITS +[0-9a-f]+ [0-9a-f]+ 000400' &&
    echo \"\$s\" | grep -Eq '\\.sig_key +PROGBITS +[0-9a-f]+ [0-9a-f]+ 002000'"

# --- independent reader: libappimage ---------------------------------------
checker="$work/check_appimage"
if cc -std=c11 -Wall -Wextra -Werror -o "$checker" "$here/check_appimage.c" \
        $(pkg-config --cflags --libs libappimage) 2>"$work/checker.log"; then
    pass "check_appimage.c compiles"
    if "$checker" "$ai" AppRun usr/bin/tool usr/bin/tool-link \
            usr/share/faultline/nested/data.txt >"$work/checker.out" 2>&1 &&
        grep -qx 'type: 2' "$work/checker.out" &&
        grep -qx "payload_offset: $offset" "$work/checker.out"; then
        pass "libappimage: type 2, payload offset $offset, required files listed"
    else
        cat "$work/checker.out"; fail "libappimage check"
    fi
    check "libappimage check fails for a missing path" \
        bash -c "! '$checker' '$ai' does/not/exist >/dev/null 2>&1"
else
    cat "$work/checker.log"; fail "check_appimage.c compiles"
fi

# --- --appimage-extract ----------------------------------------------------
ex="$work/extract"
mkdir -p "$ex"
(cd "$ex" && "$ai" --appimage-extract >/dev/null)
sr="$ex/squashfs-root"
check "extract: AppRun is an executable file (755)" test "$(stat -c %a "$sr/AppRun" 2>/dev/null)" = 755
check "extract: nested file content and mode 640" bash -c "
    [ \"\$(cat '$sr/usr/share/faultline/nested/data.txt')\" = 'hello from the squashfs' ] &&
    [ \"\$(stat -c %a '$sr/usr/share/faultline/nested/data.txt')\" = 640 ]"
check "extract: directory mode 750 preserved" test "$(stat -c %a "$sr/private" 2>/dev/null)" = 750
check "extract: symlink preserved" bash -c "[ -L '$sr/usr/bin/tool-link' ] &&
    [ \"\$(readlink '$sr/usr/bin/tool-link')\" = tool ]"
check "extract: identical to the AppDir" diff -r --no-dereference "$appdir" "$sr"

exp="$work/extract-pattern"
mkdir -p "$exp"
(cd "$exp" && "$ai" --appimage-extract 'usr/share/*' >/dev/null)
check "extract PATTERN: matching files extracted" \
    test -f "$exp/squashfs-root/usr/share/faultline/nested/data.txt" -a \
         -f "$exp/squashfs-root/usr/share/faultline/README"
check "extract PATTERN: non-matching files not extracted" \
    test ! -e "$exp/squashfs-root/AppRun" -a ! -e "$exp/squashfs-root/usr/bin/tool" \
         -a ! -e "$exp/squashfs-root/private"

# --- running AppRun --------------------------------------------------------
leftovers() { # prints temp dirs / mounts the runtime left behind
    find "$rt_tmp" -mindepth 1 -maxdepth 1 2>/dev/null
    awk -v p="$rt_tmp/" 'index($2, p) == 1 {print "mount:", $2}' /proc/mounts
}
check_no_leftovers() {
    local what="$1" left
    left="$(leftovers)"
    if [ -z "$left" ]; then pass "$what: no temp dir or mount left"
    else fail "$what: left behind: $left"; fi
}

# verify_run NAME OUTFILE RC EXPECTED_RC APPDIR_PREFIX
verify_run() {
    local name="$1" out="$2" rc="$3" want_rc="$4" prefix="$5"
    local ok=1
    grep -qx "APPIMAGE=$ai" "$out" || { echo "  bad APPIMAGE"; ok=0; }
    grep -q "^APPDIR=$rt_tmp/$prefix" "$out" || { echo "  bad APPDIR"; ok=0; }
    grep -qx "ARGV0=$ai" "$out" || { echo "  bad ARGV0"; ok=0; }
    grep -qx "OWD=$work/owd" "$out" || { echo "  bad OWD"; ok=0; }
    grep -qx "DATA=hello from the squashfs" "$out" || { echo "  cannot read file"; ok=0; }
    grep -qx "LINK=#!/bin/sh" "$out" || { echo "  cannot read symlink"; ok=0; }
    grep -qx "TOOL=ok" "$out" || { echo "  cannot execute tool"; ok=0; }
    grep -qx "LIST=data.txt " "$out" || { echo "  bad listing"; ok=0; }
    if [ "$ok" = 1 ]; then pass "$name: APPIMAGE/APPDIR/ARGV0/OWD set, files readable"
    else sed 's/^/  | /' "$out"; fail "$name: environment / files"; fi
    check "$name: exit status $want_rc propagated (got $rc)" test "$rc" = "$want_rc"
}
mkdir -p "$work/owd"

# run_case NAME EXPECTED_RC PREFIX ENV... -- ARGS...
run_case() {
    local name="$1" want_rc="$2" prefix="$3"; shift 3
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    local out="$work/out.$RANDOM" rc=0
    (cd "$work/owd" && env TMPDIR="$rt_tmp" "${envs[@]}" "$ai" "$@") >"$out" 2>"$out.err" || rc=$?
    LAST_OUT="$out"
    if grep -q "cannot mount the AppImage with FUSE" "$out.err"; then
        LAST_FUSE_UNSUPPORTED=1
        return 0
    fi
    LAST_FUSE_UNSUPPORTED=0
    verify_run "$name" "$out" "$rc" "$want_rc" "$prefix"
    cat "$out.err" >&2
}

run_case "extract-and-run" 0 appimage_extracted_ -- --appimage-extract-and-run one "two words" ''
check "extract-and-run: args passed (3, with spaces and empty)" bash -c "
    grep -qx 'NARGS=3' '$LAST_OUT' && grep -qx 'ARG=one' '$LAST_OUT' &&
    grep -qx 'ARG=two words' '$LAST_OUT' && grep -qx 'ARG=' '$LAST_OUT'"
check_no_leftovers "extract-and-run"
run_case "extract-and-run exit7" 7 appimage_extracted_ -- --appimage-extract-and-run exit7
check_no_leftovers "extract-and-run exit7"
run_case "APPIMAGE_EXTRACT_AND_RUN=1" 7 appimage_extracted_ APPIMAGE_EXTRACT_AND_RUN=1 -- exit7 x
check "APPIMAGE_EXTRACT_AND_RUN=1: args passed" bash -c "
    grep -qx 'NARGS=2' '$LAST_OUT' && grep -qx 'ARG=exit7' '$LAST_OUT' && grep -qx 'ARG=x' '$LAST_OUT'"
check_no_leftovers "APPIMAGE_EXTRACT_AND_RUN=1"
run_case "NO_CLEANUP=1" 0 appimage_extracted_ NO_CLEANUP=1 -- --appimage-extract-and-run
kept="$(find "$rt_tmp" -mindepth 1 -maxdepth 1 -name 'appimage_extracted_*')"
check "NO_CLEANUP=1 keeps the extracted dir" test -n "$kept" -a -x "$kept/AppRun"
rm -rf "$kept"

# --- FUSE ------------------------------------------------------------------
fuse_works=0
if [ -e /dev/fuse ]; then
    run_case "FUSE run" 0 .mount_ -- one "two words"
    if [ "$LAST_FUSE_UNSUPPORTED" = 1 ]; then
        echo "note: FUSE mount not possible here: $(cat "$LAST_OUT.err")"
        check "FUSE unsupported: exactly one line on stderr" test "$(wc -l <"$LAST_OUT.err")" = 1
        check_no_leftovers "FUSE unsupported"
    else
        fuse_works=1
        check "FUSE run: args passed" bash -c "grep -qx 'NARGS=2' '$LAST_OUT' &&
            grep -qx 'ARG=two words' '$LAST_OUT'"
        check_no_leftovers "FUSE run"
        run_case "FUSE run exit7" 7 .mount_ -- exit7
        check_no_leftovers "FUSE run exit7"
    fi
else
    echo "note: no /dev/fuse here"
    rc=0
    (cd "$work/owd" && TMPDIR="$rt_tmp" "$ai") >/dev/null 2>"$work/nofuse.err" || rc=$?
    check "no /dev/fuse: exit 1 with one-line message" bash -c "[ $rc = 1 ] &&
        [ \$(wc -l <'$work/nofuse.err') = 1 ] && grep -q 'appimage-extract-and-run' '$work/nofuse.err'"
    check_no_leftovers "no /dev/fuse"
fi

# Mount failure path: hide the real /dev/fuse in a private mount namespace.
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
    rc=0
    (cd "$work/owd" && TMPDIR="$rt_tmp" unshare -m sh -c \
        'mount --bind /dev/null /dev/fuse && exec "$0"' "$ai") \
        >/dev/null 2>"$work/fail.err" || rc=$?
    check "FUSE failure: exit 1 with ONE line naming the fallbacks" bash -c "[ $rc = 1 ] &&
        [ \$(wc -l <'$work/fail.err') = 1 ] &&
        grep -q '^faultline: cannot mount the AppImage with FUSE (.*); run it with --appimage-extract-and-run or set APPIMAGE_EXTRACT_AND_RUN=1\$' '$work/fail.err'" ||
        sed 's/^/  | /' "$work/fail.err"
    check_no_leftovers "FUSE failure"
else
    echo "note: unshare -m not available; FUSE failure path not exercised"
fi

# --- signals ---------------------------------------------------------------
# signal_case NAME PREFIX [runtime args before 'sleep']
signal_case() {
    local name="$1" prefix="$2"; shift 2
    local ready="$work/ready.$RANDOM" rc=0 pid i
    (cd "$work/owd" && exec env TMPDIR="$rt_tmp" READY_FILE="$ready" "$ai" "$@" sleep) \
        >"$work/sig.out" 2>"$work/sig.err" &
    pid=$!
    for i in $(seq 1 100); do [ -s "$ready" ] && break; sleep 0.1; done
    if [ ! -s "$ready" ]; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" || true
        if grep -q "cannot mount" "$work/sig.err"; then
            echo "note: $name skipped (no FUSE)"; return 0; fi
        fail "$name: AppRun did not start"; cat "$work/sig.err"; return 0
    fi
    case "$(cat "$ready")" in "$rt_tmp/$prefix"*) ;; *) fail "$name: unexpected APPDIR";; esac
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    check "$name: runtime exits after SIGTERM (rc $rc = 143)" test "$rc" = 143
    # The orphaned 'sleep' of AppRun must not keep anything alive.
    check_no_leftovers "$name"
}
signal_case "SIGTERM extract-and-run" appimage_extracted_ --appimage-extract-and-run
if [ "$fuse_works" = 1 ]; then
    signal_case "SIGTERM FUSE" .mount_
    # --appimage-mount: prints the mount point, serves until interrupted.
    (TMPDIR="$rt_tmp" exec "$ai" --appimage-mount) >"$work/mount.out" 2>"$work/mount.err" &
    pid=$!
    for i in $(seq 1 100); do [ -s "$work/mount.out" ] && break; sleep 0.1; done
    mnt="$(head -n1 "$work/mount.out")"
    check "--appimage-mount: mount point serves the files" bash -c "[ -n '$mnt' ] &&
        grep -q ' $mnt fuse' /proc/mounts && [ -x '$mnt/AppRun' ] && [ -L '$mnt/usr/bin/tool-link' ]"
    kill -INT "$pid"
    rc=0; wait "$pid" || rc=$?
    check "--appimage-mount: exits 0 on SIGINT" test "$rc" = 0
    check_no_leftovers "--appimage-mount"
fi

echo
if [ "$fuse_works" = 1 ]; then echo "FUSE mount: worked on this machine"
else echo "FUSE mount: NOT available on this machine (fallback message checked)"; fi
if [ "$failures" -eq 0 ]; then echo "ALL PASSED"; exit 0; fi
echo "$failures check(s) FAILED"
exit 1
