#!/usr/bin/env bash
# make fuzz FUZZ_S=N: coverage-guided fuzzing of our devices for N seconds
# (default 60) with QEMU's fuzzer (libFuzzer, ASan, UBSan; the build is
# build/qemu-build-fuzz, made here if needed: scripts/build.sh with
# CXL_QEMU_FUZZ=1).
#
#   FUZZ_MODE=cxl      (default) the structured target cxl-fuzz
#                      (tests/qtest/fuzz/cxl-fuzz-ops.c). Seeds: the repo
#                      corpus tests/qtest/fuzz/cxl-corpus; new inputs go to
#                      build/fuzz/cxl/work; afterwards the corpus is
#                      re-minimized (libFuzzer -merge=1) with them, crash
#                      reproducers (crash-*) kept, and the coverage of
#                      hw/cxl/*.c and hw/mem/cxl-*.c it reaches is printed.
#   FUZZ_MODE=generic  QEMU's generic-fuzz on the same topology, raw MMIO,
#                      PIO and DMA on the regions of our devices
#                      (QEMU_FUZZ_OBJECTS); its corpus stays in
#                      build/fuzz/generic.
#   FUZZ_JOBS=N        libFuzzer workers (default 1; the machine is shared)
#
# Crashes (and ASan/UBSan reports) land in build/fuzz/MODE/artifacts and
# stop the run. Each run appends its time and executions to
# build/fuzz/history.log. Runs niced (nice -n 19).
set -euo pipefail
. "$(dirname "$0")/common.sh"

secs=${FUZZ_S:-60}
mode=${FUZZ_MODE:-cxl}
jobs=${FUZZ_JOBS:-1}
CORPUS=$TOP/tests/qtest/fuzz/cxl-corpus
OUT=$BUILD/fuzz/$mode
FUZZER=$BUILD/bin-fuzz/qemu-fuzz-x86_64

CXL_QEMU_FUZZ=1 "$TOP/scripts/build.sh"
[ -x "$FUZZER" ] || die "no $FUZZER"

mkdir -p "$OUT/work" "$OUT/artifacts" "$CORPUS"
export CXL_QTEST_FIRMWARE=$BUILD/firmware
# UBSan reports are crashes; leaks are make check-sanitize's business (QEMU
# keeps per-reset allocations the fuzzer's per-input leak check flags)
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
log=$OUT/fuzz.log
common=(-artifact_prefix="$OUT/artifacts/" -max_len=512 -timeout=60
        -rss_limit_mb=6144 -detect_leaks=0)
par=()
[ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")

case $mode in
cxl)
    target=(--fuzz-target=cxl-fuzz)
    seeds=("$OUT/work" "$CORPUS")
    ;;
generic)
    target=(--fuzz-target=generic-fuzz)
    # the cxl-fuzz topology (its devices' registers, config space, windows)
    QEMU_FUZZ_ARGS=$(sed -n '/^#define CXL_FUZZ_ARGS/,/^$/p' \
        "$TOP/tests/qtest/fuzz/cxl-fuzz-ops.h" | grep -o '"[^"]*"' |
        tr -d '"' | tr -d '\n')
    QEMU_FUZZ_ARGS="-L $BUILD/firmware $QEMU_FUZZ_ARGS"
    export QEMU_FUZZ_ARGS
    # generic-fuzz maps and configures PCI devices of bus 0 only (ours
    # sit behind the host bridge and root ports): of ours it reaches the
    # host bridge's registers and the window (memory region names; no
    # device type may match)
    export QEMU_FUZZ_OBJECTS="cxl-host-bridge-registers cxl-fixed-memory-window-*"
    seeds=("$OUT/work")
    ;;
*)
    die "FUZZ_MODE is cxl or generic"
    ;;
esac

log "fuzzing ($mode) for ${secs}s; log $log"
start=$(date +%s)
rc=0
(cd "$OUT" && nice -n 19 "$FUZZER" "${target[@]}" "${common[@]}" \
    -max_total_time="$secs" -print_final_stats=1 "${par[@]}" \
    "${seeds[@]}") > "$log" 2>&1 || rc=$?
# (with workers, libFuzzer copies their logs fuzz-N.log into its own)
rm -f "$OUT"/fuzz-[0-9]*.log
end=$(date +%s)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
        awk '{s += $1} END {print s + 0}')
rate=$(( execs / (end - start > 0 ? end - start : 1) ))
printf '%s mode=%s seconds=%s workers=%s executions=%s rc=%s\n' \
    "$(date -u +%FT%TZ)" "$mode" "$((end - start))" "$jobs" "$execs" "$rc" \
    >> "$BUILD/fuzz/history.log"
log "$execs executions in $((end - start)) s ($rate/s)"
if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR: |runtime error|SUMMARY|Test unit written' "$log" | head -20 >&2
    die "the fuzzer found a crash (exit $rc): see $log and $OUT/artifacts"
fi

[ "$mode" = cxl ] || exit 0

# Re-minimize the corpus with the new inputs: the smallest set with the
# same coverage. Crash reproducers (crash-*) stay whatever they cover.
new=$OUT/merged
rm -rf "$new"
mkdir -p "$new"
nice -n 19 "$FUZZER" "${target[@]}" "${common[@]}" -merge=1 "$new" \
    "$CORPUS" "$OUT/work" > "$OUT/merge.log" 2>&1 ||
    { tail -20 "$OUT/merge.log" >&2; die "merge failed: $OUT/merge.log"; }
find "$CORPUS" -maxdepth 1 -type f ! -name 'crash-*' -delete
cp "$new"/* "$CORPUS/" 2>/dev/null || true
log "corpus: $(find "$CORPUS" -type f | wc -l) inputs, $(du -sk --apparent-size "$CORPUS" | cut -f1) KiB"

# Coverage of our files by the corpus: libFuzzer's per-function report
nice -n 19 "$FUZZER" "${target[@]}" "${common[@]}" -runs=0 \
    -print_coverage=1 "$CORPUS" > "$OUT/coverage.log" 2>&1 || true
"$PYTHON" "$TOP/scripts/fuzz-coverage.py" "$OUT/coverage.log" |
    tee "$OUT/coverage.txt"
awk '{ w = 1; for (i = 1; i <= NF; i++) { split($i, kv, "=");
       if (kv[1] == "seconds") t = kv[2]; if (kv[1] == "workers") w = kv[2];
       if (kv[1] == "executions") e += kv[2] }; s += t; ws += t * w }
     END { printf "fuzz total so far: %.2f h (%.2f worker-hours), %d executions\n",
           s / 3600, ws / 3600, e }' "$BUILD/fuzz/history.log"
