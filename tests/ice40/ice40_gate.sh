#!/bin/sh
# ice40_gate.sh BUILD MODEL OTHER_MODEL DIR - the iCE40 bitstream build stops with one line when
# the co-simulation stamp is missing, when it is of another model, and when it is of other RTL.
set -u
build=$1 model=$2 other=$3 dir=$4
fail() { echo "ice40_gate: $*" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir" || fail "cannot create $dir"

# expect NAME PATTERN: the build of $model into $dir/out fails with exactly one line matching PATTERN
expect() {
	if "$build" "$model" "$dir/out" >"$dir/$1.out" 2>"$dir/$1.err"; then
		fail "$1: the build went ahead"
	fi
	[ "$(wc -l <"$dir/$1.err")" -eq 1 ] || fail "$1: expected one line, got: $(cat "$dir/$1.err")"
	grep -q "$2" "$dir/$1.err" || fail "$1: unexpected message: $(cat "$dir/$1.err")"
	[ ! -e "$dir/out/ice40-hx8k.bin" ] || fail "$1: a bitstream was written"
	echo "$1: $(cat "$dir/$1.err")"
}

expect missing "cosim.stamp is missing; run: boards/ice40-hx8k/build --cosim"

# A stamp of another model (its identity, this RTL's hash is irrelevant).
id=$("$NLUT" info --json "$other" | sed -n 's/.*"identity":"\([0-9a-f]\{64\}\)".*/\1/p')
[ -n "$id" ] || fail "cannot read the identity of $other"
printf 'model %s\nrtl %s\n' "$id" 0000000000000000000000000000000000000000000000000000000000000000 \
	>"$dir/out/cosim.stamp"
expect other_model "was of another model or RTL; run again"

# This model's identity with the hash of other RTL (a stale stamp after an RTL change).
id=$("$NLUT" info --json "$model" | sed -n 's/.*"identity":"\([0-9a-f]\{64\}\)".*/\1/p')
printf 'model %s\nrtl %s\n' "$id" 1111111111111111111111111111111111111111111111111111111111111111 \
	>"$dir/out/cosim.stamp"
expect stale_rtl "was of another model or RTL; run again"
echo "ice40_gate: all three refused"
