#!/bin/sh
# gate_equal.sh CTRL_SIM CTRL_SIM_GATE PROG.elf... - the controller with its CPU clock gated in wfi
# (NLUT_SIM_GATE_CTRL, nlut_ctrl.v) behaves as the plain RTL cycle for cycle: for each program both
# simulations pass and retire the same instructions with the same results in the same clock cycles
# (--itrace-cycles, the same register-port wait states from +seed).
sim=$1
gate=$2
shift 2
[ $# -gt 0 ] || { echo "usage: gate_equal.sh CTRL_SIM CTRL_SIM_GATE PROG.elf..." >&2; exit 2; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for elf in "$@"; do
	for v in plain gate; do
		s=$sim
		[ $v = gate ] && s=$gate
		if ! "$s" --itrace "$tmp/$v.trace" --itrace-cycles +seed=11 "$elf" >"$tmp/$v.out" 2>"$tmp/$v.err"; then
			cat "$tmp/$v.out" "$tmp/$v.err"
			echo "gate_equal: FAIL: $elf does not pass on the $v controller"
			exit 1
		fi
	done
	if ! cmp -s "$tmp/plain.trace" "$tmp/gate.trace"; then
		diff "$tmp/plain.trace" "$tmp/gate.trace" | head -n 10
		echo "gate_equal: FAIL: $elf: the gated controller retires differently (< plain, > gated)"
		exit 1
	fi
	echo "gate_equal: $(basename "$elf"): $(wc -l <"$tmp/plain.trace") retirements agree; $(sed -n 's/.*PASS [^:]*: \([0-9]* cycles\).*/\1/p' "$tmp/gate.err")"
done
