# shellcheck shell=dash
# Guest-side helpers for scenario scripts (busybox sh). /init sources this
# file before /scenario.sh, in the same shell, so the functions and the
# variables a step sets are visible to later steps.
#
# Every helper prints markers that tests/guest/run.py reads on the console:
#   @@STEP BEGIN name@@ / @@STEP PASS name@@ / @@STEP FAIL name (...)@@
#   @@STEP SKIP name (reason)@@
# A step's output is printed indented between BEGIN and PASS/FAIL.
#
#   step NAME CMD...              CMD must exit 0
#   step_fails NAME CMD...        CMD must exit non-zero
#   step_match NAME REGEX CMD...  CMD must exit 0 and print a line matching
#                                 the extended REGEX (grep -E)
#   step_nomatch NAME REGEX CMD...  CMD must exit 0 and print no such line
#   step_eq NAME TEXT CMD...      CMD must exit 0 and print exactly TEXT
#                                 (stdout and stderr; the last newline aside)
#   skip NAME REASON              report a skipped step
#   host TAG [ARGS...]            ask the host to run the scenario's HOST[TAG]
#                                 handler (QMP commands, host checks); prints
#                                 the reply and returns 0 if the handler
#                                 succeeded. Usually wrapped in a step.
#   note TEXT...                  a line in the console log
# After a step, $STEP_OUT is the file holding its output and $STEP_RC its
# exit status (e.g. count=$(grep -c '"memdev"' "$STEP_OUT")).
# A step's command runs in the current shell with stdin from /dev/null, so
# shell functions can be steps.

STEP_OUT=/tmp/.cxltest-step.out
STEP_RC=0
CXLTEST_FAILED_FILE=/tmp/.cxltest-failed
# The host channel's device: cxltest.sync= on the kernel command line (run.py
# names it where it is not ttyS1: /dev/ttyAMA1 on aarch64's virt), else
# /dev/ttyS1 (COM2 of x86's q35). Named, not probed: an arm64 kernel with
# the 8250 driver has ttyS0-3 nodes without any such UART behind them.
if [ -z "${CXLTEST_SYNC_PORT:-}" ]; then
    # shellcheck disable=SC2013  # (words, not lines)
    for _w in $(cat /proc/cmdline 2>/dev/null); do
        case $_w in cxltest.sync=*) CXLTEST_SYNC_PORT=${_w#cxltest.sync=} ;; esac
    done
    unset _w
fi
CXLTEST_SYNC_PORT=${CXLTEST_SYNC_PORT:-/dev/ttyS1}

_cxlt_failed() {
    local n
    n=$(cat "$CXLTEST_FAILED_FILE" 2>/dev/null || echo 0)
    echo $((n + 1)) >"$CXLTEST_FAILED_FILE"
}

_cxlt_run() {  # run CMD... capturing output into $STEP_OUT, set STEP_RC
    "$@" </dev/null >"$STEP_OUT" 2>&1
    STEP_RC=$?
    sed 's/^/    /' "$STEP_OUT"
}

_cxlt_result() {  # NAME OK(0/1) DETAIL
    if [ "$2" -eq 0 ]; then
        echo "@@STEP PASS $1@@"
        return 0
    fi
    echo "@@STEP FAIL $1 ($3)@@"
    _cxlt_failed
    return 1
}

step() {
    local _n=$1; shift
    echo "@@STEP BEGIN $_n@@"
    _cxlt_run "$@"
    _cxlt_result "$_n" "$([ $STEP_RC -eq 0 ]; echo $?)" "exit $STEP_RC"
}

step_fails() {
    local _n=$1; shift
    echo "@@STEP BEGIN $_n@@"
    _cxlt_run "$@"
    _cxlt_result "$_n" "$([ $STEP_RC -ne 0 ]; echo $?)" "expected failure, got exit 0"
}

# _cxlt_grep_step NAME RE WANT CMD...: pass if CMD succeeds and a line of its
# output matches RE (WANT=match) or none does (WANT=nomatch).
_cxlt_grep_step() {
    local _n=$1 _re=$2 _want=$3; shift 3
    echo "@@STEP BEGIN $_n@@"
    _cxlt_run "$@"
    if [ $STEP_RC -ne 0 ]; then
        _cxlt_result "$_n" 1 "exit $STEP_RC"
    elif grep -Eq -- "$_re" "$STEP_OUT"; then
        [ "$_want" = match ] && _cxlt_result "$_n" 0 "" ||
            _cxlt_result "$_n" 1 "a line matches /$_re/"
    else
        [ "$_want" = nomatch ] && _cxlt_result "$_n" 0 "" ||
            _cxlt_result "$_n" 1 "no line matches /$_re/"
    fi
}

step_match() {
    local _n=$1 _re=$2; shift 2
    _cxlt_grep_step "$_n" "$_re" match "$@"
}

step_nomatch() {
    local _n=$1 _re=$2; shift 2
    _cxlt_grep_step "$_n" "$_re" nomatch "$@"
}

step_eq() {
    local _n=$1 _want=$2; shift 2
    echo "@@STEP BEGIN $_n@@"
    _cxlt_run "$@"
    if [ $STEP_RC -ne 0 ]; then
        _cxlt_result "$_n" 1 "exit $STEP_RC"
    elif [ "$(cat "$STEP_OUT")" = "$_want" ]; then
        _cxlt_result "$_n" 0 ""
    else
        _cxlt_result "$_n" 1 "output is not '$_want'"
    fi
}

skip() {
    echo "@@STEP SKIP $1 (${2:-skipped})@@"
}

note() {
    echo "cxltest: $*"
}

# The host channel is the guest's second serial port ($CXLTEST_SYNC_PORT:
# ttyS1 on x86, ttyAMA1 on aarch64), a socket the runner serves. Requests and replies are single lines:
#   guest: REQ <tag> [args...]     host: ACK <tag> OK|FAIL [text]
_cxlt_sync_open() {
    [ -n "${_cxlt_sync_fd_open:-}" ] && return 0
    [ -c "$CXLTEST_SYNC_PORT" ] || { echo "host channel $CXLTEST_SYNC_PORT missing" >&2; return 1; }
    stty -F "$CXLTEST_SYNC_PORT" raw -echo clocal -crtscts 2>/dev/null
    exec 8<>"$CXLTEST_SYNC_PORT" || return 1
    _cxlt_sync_fd_open=1
}

host() {
    local _tag=$1 _kw _t _st _rest
    _cxlt_sync_open || return 1
    # to the console, not stdout: $(host TAG) captures only the reply
    echo "@@HOST $*@@" >/dev/console
    echo "REQ $*" >&8
    while read -r _kw _t _st _rest <&8; do
        [ "$_kw" = ACK ] && [ "$_t" = "$_tag" ] || continue
        [ -n "$_rest" ] && printf '%s\n' "$_rest" | sed 's/\\n/\n/g'
        [ "$_st" = OK ]
        return
    done
    echo "host channel closed" >&2
    return 1
}
