#!/bin/sh
# ft601_run.sh WRAPPER FT601_RUN NLUT_RUN BOARDS MODEL DATA DIR - nlut-run --board ft601-a7 against
# the board's RTL (ft601_run, under umockdev) writes the same result file, byte for byte, as
# nlut-run --board golden, with its self-test run first and every result compared on the way.
set -u
wrapper=$1 ft601_run=$2 nlut_run=$3 boards=$4 model=$5 data=$6 dir=$7
fail() { echo "ft601_run: $*" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir" || fail "cannot create $dir"
"$nlut_run" --quiet --board golden --boards-dir "$boards" -m "$model" -i "$data" -o "$dir/golden.csv" \
	>"$dir/golden.log" 2>&1 || fail "nlut-run --board golden failed: $(tail -n 1 "$dir/golden.log")"
"$wrapper" "$ft601_run" --quiet --board ft601-a7 --boards-dir "$boards" -m "$model" -i "$data" \
	--bist --compare golden -o "$dir/ft601.csv" >"$dir/ft601.log" 2>&1
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || fail "nlut-run --board ft601-a7 failed ($rc): $(tail -n 1 "$dir/ft601.log")"
cmp -s "$dir/golden.csv" "$dir/ft601.csv" || fail "the ft601-a7 results differ from golden's ($dir)"
cat "$dir/ft601.log"
echo "ft601_run: $(wc -l <"$dir/ft601.csv") result lines equal to golden's, byte for byte"
