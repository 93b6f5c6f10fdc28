# lib.sh: helpers for the command-line tests. Each test script is run as
#   bash tests/cli/NAME.sh CARECAST_BINARY PROJECT_DIR
# and sources this file. A failed expectation prints why and exits 1.
set -u
CARECAST=$1
PROJECT=$2
WORK=$(mktemp -d /tmp/carecast-cli-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
checks=0
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_exit CODE COMMAND...: run COMMAND, keeping stdout in $WORK/out and stderr in $WORK/err.
expect_exit() {
  want=$1; shift
  checks=$((checks + 1))
  "$@" >"$WORK/out" 2>"$WORK/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    fail "exit $got, expected $want: $*"
    sed 's/^/  stderr: /' "$WORK/err" | head -5 >&2
  fi
}

# expect_grep FILE PATTERN: FILE holds a line matching the fixed string PATTERN.
expect_grep() {
  checks=$((checks + 1))
  grep -qF -- "$2" "$1" || { fail "$1 lacks: $2"; sed 's/^/  got: /' "$1" | head -5 >&2; }
}

# expect_same FILE GOLDEN: FILE equals the golden file.
expect_same() {
  checks=$((checks + 1))
  diff -u "$2" "$1" >"$WORK/diff" || { fail "$1 differs from $2"; head -20 "$WORK/diff" >&2; }
}

# check_csv FILE: a forecast CSV with no count below zero and its bounds in order (lo95 <= lo80 <= hi80 <= hi95).
check_csv() {
  checks=$((checks + 1))
  awk -F, 'NR > 1 { for (i = 4; i <= 8; i++) if ($i + 0 < 0) { print "negative: " $0; bad = 1 } } END { exit bad }' "$1" ||
    fail "$1: a count was forecast below zero"
  checks=$((checks + 1))
  awk -F, 'NR > 1 && !($7 <= $5 && $5 <= $6 && $6 <= $8) { print; bad = 1 } END { exit bad }' "$1" ||
    fail "$1: bounds out of order"
}

# run_of: the run id that the last `carecast fit` printed to $WORK/out.
run_of() { sed -n 's/^fit: run \([^:]*\):.*/\1/p' "$WORK/out"; }

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
