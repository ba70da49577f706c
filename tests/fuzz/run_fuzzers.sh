#!/usr/bin/env bash
# Builds Faultline's libFuzzer targets (tests/fuzz, ASan+UBSan, clang) in build-fuzz, replays every
# regression input under tests/fuzz/regressions/<target>/, then fuzzes each target for SECONDS
# (default 60) on a copy of its seed corpus (tests/fuzz/corpus/<target>/) and prints per target
# the executions, the final coverage (libFuzzer's cov:/ft:) and the crashes found.
# Exit status 1 when a regression input fails or any target crashed (reproducers are kept in
# build-fuzz/run/<target>/artifacts/ — copy one to tests/fuzz/regressions/<target>/ once fixed).
#   bash tests/fuzz/run_fuzzers.sh [SECONDS]       (or: bash .ci/run fuzz [SECONDS])
# Environment: FUZZ_TARGETS="fuzz_npy fuzz_csv_reader" to run only those; FUZZ_JOBS=N targets at
# once (default 1); CXX (default clang++); FUZZ_BUILD_DIR (default build-fuzz).
set -uo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET=${1:-60}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-1}
ALL_TARGETS=(fuzz_csv_reader fuzz_npy fuzz_safetensors fuzz_clip_tokenizer fuzz_clip_hf_vocab
             fuzz_caption_vocabulary fuzz_classifier_spec fuzz_class_names fuzz_generation_answer
             fuzz_image_decoder fuzz_project_store)
read -r -a TARGETS <<< "${FUZZ_TARGETS:-${ALL_TARGETS[*]}}"

# Inputs longer than any real header/answer add nothing but time.
max_len() {
  case "$1" in
    fuzz_clip_tokenizer|fuzz_classifier_spec) echo 4096 ;;
    fuzz_caption_vocabulary|fuzz_class_names) echo 16384 ;;
    fuzz_generation_answer|fuzz_image_decoder) echo 262144 ;;
    *) echo 65536 ;;
  esac
}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S tests/fuzz -B "$BUILD" "${generator[@]}" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo || exit 1
fi
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]}" || exit 1

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen

failed=0
# 1. Regressions: every input that once crashed a target must pass now.
for target in "${TARGETS[@]}"; do
  dir=tests/fuzz/regressions/$target
  [ -d "$dir" ] || continue
  mapfile -t inputs < <(find "$dir" -type f ! -name '*.md' | sort)
  [ ${#inputs[@]} -eq 0 ] && continue
  if "$BUILD/$target" -rss_limit_mb=2048 -timeout=10 "${inputs[@]}" > "$BUILD/regressions-$target.log" 2>&1; then
    echo "regressions $target: ${#inputs[@]} input(s) pass"
  else
    echo "regressions $target: FAILED (see $BUILD/regressions-$target.log)"
    tail -n 30 "$BUILD/regressions-$target.log"
    failed=1
  fi
done

# 2. Fuzzing, each target on a fresh copy of its seed corpus.
run_target() {
  local target=$1 work="$BUILD/run/$1"
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "tests/fuzz/corpus/$target/." "$work/corpus/" 2>/dev/null || true
  "$BUILD/$target" "$work/corpus" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" > "$work/log" 2>&1
  echo $? > "$work/rc"
}
running=0
for target in "${TARGETS[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

printf '\n%-26s %12s %8s %8s %8s  %s\n' target executions cov ft crashes result
for target in "${TARGETS[@]}"; do
  work="$BUILD/run/$target"
  status=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -oE '[0-9]+$' | tail -n 1)
  [ -n "$execs" ] || execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<< "$status")
  cov=$(grep -oE 'cov: [0-9]+' <<< "$status" | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' <<< "$status" | grep -oE '[0-9]+')
  crashes=$(find "$work/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  rc=$(cat "$work/rc" 2>/dev/null || echo 1)
  result=ok
  if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
    result="FAILED (rc $rc): $(grep -m1 -E 'ERROR: |runtime error|==ERROR|deadly signal|out-of-memory|timeout' "$work/log" | cut -c1-120)"
    failed=1
  fi
  printf '%-26s %12s %8s %8s %8s  %s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "$result"
done
[ "$failed" -eq 0 ] || { echo "fuzzing found problems: logs and reproducers under $BUILD/run/<target>/"; exit 1; }
echo "fuzzing: no crashes"
