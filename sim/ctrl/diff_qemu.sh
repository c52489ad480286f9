#!/bin/sh
# diff_qemu.sh QEMU CTRL_SIM PROG.elf - run a signature program on the core (ctrl_sim) and on QEMU's spike
# machine: both must pass and print the same console output (HTIF putchar). Exit 77 without QEMU.
qemu=$1
sim=$2
elf=$3
if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "diff_qemu: $qemu not found (install qemu-system-misc): skipped"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$sim" "$elf" >"$tmp/core.raw" || { cat "$tmp/core.raw"; echo "diff_qemu: FAIL on the core"; exit 1; }
grep -v '^ctrl_sim: ' "$tmp/core.raw" >"$tmp/core.out"
timeout 20 "$qemu" -M spike -cpu rv32,c=false,m=false,a=false,f=false,d=false -bios none -nographic \
	-monitor none -kernel "$elf" </dev/null >"$tmp/qemu.out" || { cat "$tmp/qemu.out"; echo "diff_qemu: FAIL on QEMU"; exit 1; }
if [ ! -s "$tmp/core.out" ]; then
	echo "diff_qemu: the program printed nothing"
	exit 1
fi
if ! diff -u "$tmp/qemu.out" "$tmp/core.out"; then
	echo "diff_qemu: core and QEMU disagree (- QEMU, + core)"
	exit 1
fi
echo "diff_qemu: $(wc -l <"$tmp/core.out") lines agree"
