#!/bin/sh
# ft601_gate.sh BUILD MODEL OTHER_MODEL DIR [STAMP] - the ft601-a7 bitstream build stops with one
# line and a non-zero exit when the co-simulation stamp is missing, of another model, or of other
# RTL; and, given the good STAMP of a co-simulation of MODEL on a machine without Vivado, when
# Vivado is not installed.
set -u
build=$1 model=$2 other=$3 dir=$4 stamp=${5:-}
fail() { echo "ft601_gate: $*" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir" || fail "cannot create $dir"

# expect NAME PATTERN: the build of $model into $dir/out fails with exactly one line matching PATTERN
expect() {
	if "$build" "$model" "$dir/out" >"$dir/$1.out" 2>"$dir/$1.err"; then
		fail "$1: the build went ahead"
	fi
	[ "$(wc -l <"$dir/$1.err")" -eq 1 ] || fail "$1: expected one line, got: $(cat "$dir/$1.err")"
	grep -q "$2" "$dir/$1.err" || fail "$1: unexpected message: $(cat "$dir/$1.err")"
	[ ! -e "$dir/out/ft601-a7.bit" ] || fail "$1: a bitstream was written"
	echo "$1: $(cat "$dir/$1.err")"
}

expect missing "cosim.stamp is missing; run: boards/ft601-a7/build --cosim"

identity() {
	"$NLUT" info --json "$1" | sed -n 's/.*"identity":"\([0-9a-f]\{64\}\)".*/\1/p'
}
id=$(identity "$other")
[ -n "$id" ] || fail "cannot read the identity of $other"
printf 'model %s\nrtl %s\n' "$id" 0000000000000000000000000000000000000000000000000000000000000000 \
	>"$dir/out/cosim.stamp"
expect other_model "was of another model or RTL; run again"

id=$(identity "$model")
printf 'model %s\nrtl %s\n' "$id" 1111111111111111111111111111111111111111111111111111111111111111 \
	>"$dir/out/cosim.stamp"
expect stale_rtl "was of another model or RTL; run again"

if [ -n "$stamp" ]; then
	[ -r "$stamp" ] || fail "no co-simulation stamp $stamp"
	if command -v vivado >/dev/null 2>&1; then
		echo "no_vivado: vivado is installed here; not checked"
	else
		cp "$stamp" "$dir/out/cosim.stamp" || fail "cannot copy $stamp"
		expect no_vivado "vivado not found"
	fi
fi
echo "ft601_gate: every build refused"
