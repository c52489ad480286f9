#!/bin/sh
# run_qemu.sh QEMU PROG.elf - run a controller test program on QEMU's spike machine as a plain RV32I hart (no C,
# so misaligned jumps trap; no M, A, F, D, so those encodings are illegal as on the core).
# Exit 0 on pass, 1 on failure or timeout, 77 without QEMU.
qemu=$1
elf=$2
if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "run_qemu: $qemu not found (install qemu-system-misc): skipped"
	exit 77
fi
timeout 20 "$qemu" -M spike -cpu rv32,c=false,m=false,a=false,f=false,d=false -bios none -nographic \
	-monitor none -kernel "$elf" </dev/null
rc=$?
case $rc in
0) exit 0 ;;
124) echo "run_qemu: TIMEOUT $elf" ;;
*) echo "run_qemu: FAIL $elf: test $rc (low 8 bits of tohost >> 1)" ;;
esac
exit 1
