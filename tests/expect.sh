# expect.sh - helpers for the program tests, sourced after W (a scratch
# folder) is set: ok, bad MESSAGE, and expect CODE PATTERN -- COMMAND...
# (the exit code, and a line of the output matching PATTERN).
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
	code=$1 pat=$2
	shift 3
	"$@" >"$W/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then bad "'$*' exited $rc, expected $code"; head -5 "$W/out"; return; fi
	if ! grep -q -- "$pat" "$W/out"; then bad "'$*' output lacks '$pat'"; head -5 "$W/out"; return; fi
	ok
}
# The tally, and the exit status of the test.
finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
