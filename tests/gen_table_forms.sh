#!/bin/sh
# gen_table_forms.sh - the ROM-array tables `nlut gen` writes by default equal
# the per-bit constants of `--tables bits` on every table entry, proven by
# yosys (equiv_make / equiv_simple / equiv_status -assert on each layer
# module): 8-bit tables (ROM arrays, unsplit), the cofactor muxes of a
# split 12-bit layer (one shifted word per neuron against one mux per bit),
# and at levels:1 a 10-bit layer split 4 ways (one ROM array per neuron
# holding its 4 cofactors of 8 bits, 3-bit outputs: shifts by sel * 3) and
# the muxes of the 12-bit layer after it, split 16 ways. A changed table
# entry must fail the proof (the check can fail).
# Usage: gen_table_forms.sh NLUT MKMODEL WORKDIR   (exit 77 without yosys)
set -u
NLUT=$1 MKMODEL=$2 W=$3
command -v yosys >/dev/null 2>&1 || { echo "gen_table_forms: yosys not found: skipped"; exit 77; }
rm -rf "$W" && mkdir -p "$W"
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# equal MODULE GOLD_DIR GATE_DIR: 0 when yosys proves the two modules equal.
equal() {
	cat >"$W/eq.ys" <<YS
read_verilog $2/$1.v
rename $1 gold
read_verilog $3/$1.v
rename $1 gate
proc
memory
opt_clean
equiv_make gold gate equiv
hierarchy -top equiv
equiv_simple
equiv_status -assert
YS
	yosys -q -l "$W/$1.log" -s "$W/eq.ys" >/dev/null 2>&1
}

"$MKMODEL" "$W/m8.nlut" 10x2:8/4/2,4/4/3 3 || exit 1
"$MKMODEL" "$W/m12.nlut" 10x2:8/6/2,4/6/3 3 || exit 1
"$NLUT" gen -q --bist-vectors 0 "$W/m8.nlut" -o "$W/rom8" || exit 1
"$NLUT" gen -q --bist-vectors 0 --tables bits "$W/m8.nlut" -o "$W/bits8" || exit 1
"$NLUT" gen -q --bist-vectors 0 "$W/m12.nlut" -o "$W/rom12" || exit 1
"$NLUT" gen -q --bist-vectors 0 --tables bits "$W/m12.nlut" -o "$W/bits12" || exit 1
"$MKMODEL" "$W/m10.nlut" 10x2:4/5/3,4/4/3 3 || exit 1
"$NLUT" gen -q --bist-vectors 0 --stages levels:1 "$W/m10.nlut" -o "$W/rom10" || exit 1
"$NLUT" gen -q --bist-vectors 0 --stages levels:1 --tables bits "$W/m10.nlut" -o "$W/bits10" || exit 1
grep -q "reg \[11:0\] N0_R \[0:255\];" "$W/rom10/nlut_layer0.v" ||
	bad "no 4-cofactor ROM array in rom10/nlut_layer0.v"
grep -q "reg \[1:0\] N0_R \[0:255\];" "$W/rom8/nlut_layer0.v" || bad "no ROM array in rom8/nlut_layer0.v"

for m in nlut_layer0 nlut_layer1; do
	equal $m "$W/bits8" "$W/rom8" || bad "$m: ROM arrays differ from the per-bit constants (see $W/$m.log)"
done
for m in nlut_layer0_sel nlut_layer1_sel; do
	[ -f "$W/rom12/$m.v" ] || { bad "no $m.v: the 12-bit model is not split"; continue; }
	equal $m "$W/bits12" "$W/rom12" || bad "$m: the cofactor muxes differ from the per-bit ones"
done
# (nlut_layer1's 16 cofactor tables: about 100 s of yosys, left out.)
for m in nlut_layer0 nlut_layer0_sel nlut_layer1_sel; do
	equal $m "$W/bits10" "$W/rom10" || bad "$m: the split layer differs from the per-bit form (see $W/$m.log)"
done

# flip_entry FROM TO CONST: a copy of the RTL in FROM to TO with entry 0 (the
# last hex digit's low bit) of table constant CONST of layer 0 flipped.
flip_entry() {
	mkdir -p "$W/$2" && cp "$W/$1/"*.v "$W/$2/"
	d=$(sed -n "s/.*$3 = 256'h[0-9a-f]*\([0-9a-f]\);.*/\1/p" "$W/$2/nlut_layer0.v")
	[ -n "$d" ] || bad "no $3 constant to change"
	nd=$(printf '%x' $((0x$d ^ 1)))
	sed -i "s/\($3 = 256'h[0-9a-f]*\)$d;/\1$nd;/" "$W/$2/nlut_layer0.v"
}

# Entry 0 (reachable whatever the sources; a neuron may read one source
# twice) of one table changed: the proof must fail.
flip_entry rom8 bad8 N3_B1
cmp -s "$W/rom8/nlut_layer0.v" "$W/bad8/nlut_layer0.v" && bad "the table was not changed"
! equal nlut_layer0 "$W/bits8" "$W/bad8" || bad "a changed table entry was proven equal"
# The same in a cofactor of the split layer (cofactor 2 of neuron 1).
flip_entry rom10 bad10 N1_C2_B0
cmp -s "$W/rom10/nlut_layer0.v" "$W/bad10/nlut_layer0.v" && bad "the cofactor table was not changed"
! equal nlut_layer0 "$W/bits10" "$W/bad10" || bad "a changed cofactor entry was proven equal"

[ "$fails" -eq 0 ] || { echo "$fails table-form check(s) failed"; exit 1; }
echo "table forms: ROM arrays, cofactor ROM arrays and shift muxes proven equal to the per-bit form"
