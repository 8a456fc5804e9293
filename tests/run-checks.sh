#!/usr/bin/env bash
# The test driver behind `make check` and its sub-targets.
#   tests/run-checks.sh all            every suite
#   tests/run-checks.sh strip|series|unit|qtest|cli   one suite
#   tests/run-checks.sh guest [NAME…]  guest scenarios (all, or the named ones)
#   tests/run-checks.sh by-hand        the docs' boot-by-hand examples
#   tests/run-checks.sh sanitize       unit, x86 qtests and some scenarios on
#                                      the ASan/UBSan build (make check-sanitize)
# Each check prints PASS/FAIL; the last line is "N passed, N failed", also
# written to build/test-summary.txt for CI.
set -uo pipefail
. "$(dirname "$0")/../scripts/common.sh"

passed=0
failed=0
skipped=0
failures=()
# The build the unit tests and qtests come from, and its QEMU binaries
QBUILD=$BUILD/qemu-build
QBIN=$BUILD/bin
mkdir -p "$BUILD"
summary=$BUILD/test-summary.txt
rm -f "$summary"

# run NAME CMD…: one check; its outcome is CMD's exit status.
run() {
    local name=$1; shift
    local t0=$SECONDS
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "--- PASS $name ($((SECONDS - t0))s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- FAIL $name ($((SECONDS - t0))s)"
    fi
}

suite_strip() {
    run strip/upstream-cxl-removed /usr/bin/python3 "$TOP/tests/strip/check-strip.py" \
        "$BASE_FILES/$QEMU_ORIG" "$SRC" "$TOP" "$TOP/scripts/upstream-cxl-files.txt"
}

suite_series() {
    run series/export "$TOP/scripts/make-series.sh"
    run series/apply-and-compare "$TOP/scripts/check-series.sh"
}

# qtests: each TAP test case counts as one check; a crash fails the binary.
suite_qtest() {
    local t
    for t in $QTESTS; do
        tap_suite "qtest/$t" env QTEST_QEMU_BINARY="$QBIN/qemu-system-x86_64" \
            CXL_QTEST_FIRMWARE="$BUILD/firmware" \
            CXL_FUZZ_CORPUS="$TOP/tests/qtest/fuzz/cxl-corpus" \
            "$QBUILD/tests/qtest/$t" --tap -k
    done
    [ -x "$QBIN/qemu-system-aarch64" ] || return 0
    for t in $QTESTS_AARCH64; do
        tap_suite "qtest-aarch64/$t" env QTEST_QEMU_BINARY="$QBIN/qemu-system-aarch64" \
            CXL_QTEST_FIRMWARE="$BUILD/firmware" "$QBUILD/tests/qtest/$t" --tap -k
    done
}

# add_summary NAME RC OUTPUT_FILE: count a runner's own "N passed, N failed"
# line; a missing line, or a failing exit with nothing failed, is a failure.
add_summary() {
    local name=$1 rc=$2 line p f
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$3" | tail -1)
    if [ -z "$line" ]; then
        failed=$((failed + 1)); failures+=("$name (no summary, exit $rc)")
        return
    fi
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -eq 0 ] || failures+=("$name ($f)")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1)); failures+=("$name exit $rc")
    fi
}

# Command-line checks (and the docs' example command lines): one check each.
suite_cli() {
    local out rc
    echo "=== cli"
    out=$(mktemp)
    /usr/bin/python3 "$TOP/tests/cli/cxl-options.py" "$BUILD/bin/qemu-system-x86_64" \
        "$BUILD/firmware" "$TOP/docs/system/devices/cxl.rst" \
        "$BASE_DIR/docs/system/devices/cxl.rst" > "$out" 2>&1
    rc=$?
    cat "$out"
    add_summary cli "$rc" "$out"
    rm -f "$out"
    # Upstream's interface (tests/data/upstream-*): every command, argument,
    # device property and machine option it has, ours has, so every call
    # and command line written for it works here. One check per release.
    local ref
    for ref in upstream-10.2 upstream-11.1; do
        echo "=== cli/interface-$ref"
        if /usr/bin/python3 "$TOP/scripts/upstream-interface.py" compare \
               --qemu "$BUILD/bin/qemu-system-x86_64" "$TOP/tests/data/$ref" \
               -- -L "$BUILD/firmware" > "$out" 2>&1; then
            tail -1 "$out"; passed=$((passed + 1))
        else
            cat "$out"; failed=$((failed + 1)); failures+=("cli/interface-$ref")
        fi
    done
    rm -f "$out"
}

# Unit tests: each TAP test case counts as one check; a crash fails the binary.
suite_unit() {
    local t
    # Linux's own translation functions are the oracle for the interleave
    # arithmetic: generate vectors from the guest kernel's source.
    local vec=$BUILD/linux-interleave-vectors.txt
    echo "=== unit/linux-oracle-vectors"
    if "$TOP/scripts/fetch-oracles.sh" >/dev/null &&
       /usr/bin/python3 "$TOP/tests/unit/linux-interleave-vectors.py" "$CACHE/oracles/linux" "$vec"; then
        export CXL_LINUX_VECTORS=$vec
    else
        failed=$((failed + 1)); failures+=("unit/linux-oracle-vectors")
    fi
    for t in $UNIT_TESTS; do
        tap_suite "unit/$t" "$QBUILD/tests/unit/$t" --tap -k
    done
}

# tap_suite NAME CMD...: run a glib TAP test binary; count its cases.
tap_suite() {
    local name=$1 out rc ok nok skip
    shift
    echo "=== $name"
    out=$("$@" 2>&1)
    rc=$?
    echo "$out" | grep -E '^(ok|not ok)'
    ok=$(echo "$out" | grep '^ok ' | grep -vc '# SKIP')
    skip=$(echo "$out" | grep '^ok ' | grep -c '# SKIP')
    nok=$(echo "$out" | grep -c '^not ok ')
    passed=$((passed + ok)); failed=$((failed + nok)); skipped=$((skipped + skip))
    [ "$nok" -eq 0 ] || failures+=("$name ($nok)")
    if [ $rc -ne 0 ] && [ "$nok" -eq 0 ]; then
        echo "$out" | tail -5
        failed=$((failed + 1)); failures+=("$name exited $rc")
    fi
}

# Guest scenarios count one check each; run.py prints its own per-step lines.
suite_guest() {
    local out rc
    out=$(mktemp)
    /usr/bin/python3 "$TOP/tests/guest/run.py" "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    add_summary "guest scenarios" "$rc" "$out"
    rm -f "$out"
}

# The documents' boot-by-hand examples (after the scenarios, which build
# the image and the full kernel): one check each.
suite_by_hand() {
    local out rc
    echo "=== by-hand"
    out=$(mktemp)
    /usr/bin/python3 "$TOP/tests/guest/by-hand.py" > "$out" 2>&1
    rc=$?
    cat "$out"
    add_summary by-hand "$rc" "$out"
    rm -f "$out"
}

# make check-sanitize: the unit tests, the qtests and a representative set
# of guest scenarios (every device kind, the fast path, switches, the
# mailbox's background operations, MCTP, MLDs) on the AddressSanitizer and
# UndefinedBehaviorSanitizer build. A sanitizer report anywhere (QEMU, the
# test programs; leaks included) is written to build/sanitize-logs and
# fails the last check even when the test that caused it passed.
SANITIZE_SCENARIOS=${CXL_SANITIZE_SCENARIOS-"type3-ram type3-pmem switch interleave-4way
    type3-poison type3-events type3-sanitize type3-fw-update dcd-raw switch-bind mld-fm
    fast-path-shadow migrate snapshot migrate-sanitize"}
suite_sanitize() {
    local logs=$BUILD/sanitize-logs f n
    rm -rf "$logs"
    mkdir -p "$logs"
    QBUILD=$BUILD/qemu-build-sanitize
    QBIN=$BUILD/bin-sanitize
    # fast_unwind_on_malloc=0: the frame-pointer unwinder stops at glib's
    # frames, leaving leak stacks (and the suppressions) nothing to match
    export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0"
    export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=0"
    export LSAN_OPTIONS="suppressions=$TOP/tests/sanitize/lsan.supp:print_suppressions=0"
    suite_unit
    suite_qtest
    # shellcheck disable=SC2086
    [ -z "${SANITIZE_SCENARIOS// /}" ] ||
        CXL_QEMU=$QBIN/qemu-system-x86_64 CXL_GUEST_TIME_SCALE=3 suite_guest $SANITIZE_SCENARIOS
    n=0
    for f in "$logs"/*; do
        [ -e "$f" ] || continue
        # ASan's warnings about QEMU's coroutines (swapcontext, and the
        # __asan_handle_no_return it ignores on their stacks) are no
        # report: a report has an ERROR or a runtime error line
        if ! grep -qE "ERROR: |runtime error: " "$f"; then
            rm -f "$f"
            continue
        fi
        n=$((n + 1))
        echo "--- sanitizer report $f:"
        head -60 "$f"
    done
    run "sanitize/reports ($n)" test "$n" -eq 0
}

what=${1:-all}
[ $# -gt 0 ] && shift
case $what in
    all)    suite_strip; suite_series; suite_unit; suite_qtest; suite_cli; suite_guest; suite_by_hand ;;
    qtest)  suite_qtest ;;
    strip)  suite_strip ;;
    unit)   suite_unit ;;
    cli)    suite_cli ;;
    series) suite_series ;;
    guest)  suite_guest "$@" ;;
    by-hand) suite_by_hand ;;
    sanitize) suite_sanitize ;;
    *)      die "unknown suite '$what' (all, strip, series, unit, qtest, cli, guest, by-hand, sanitize)" ;;
esac

echo
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped" | tee "$summary"
else
    echo "$passed passed, $failed failed" | tee "$summary"
fi
[ "$failed" -eq 0 ]
