#!/bin/sh
# stream_programs.sh - nlut-run reads its input in batches (issue 15): the
# memory it needs does not grow with the file, the width is checked from the
# header before any data, a pipe works, and an input that breaks part way
# still gives the results of every vector before the break, then one error.
# Usage: stream_programs.sh NLUT_RUN EXAMPLES SHARED_DATA WORKDIR [MAX_RSS_KB]
# (MAX_RSS_KB 0: the peak is printed, not checked, as under the sanitizers)
set -u
RUN=$1 EX=$2 DATA=$3 W=$4 MAX_KB=${5:-120000}
rm -rf "$W" && mkdir -p "$W"
. "$(dirname "$0")/expect.sh"
IMG=$DATA/mnist/t10k-images-idx3-ubyte.gz LAB=$DATA/mnist/t10k-labels-idx1-ubyte.gz
M=$EX/mnist-dwn-xs.nlut
[ -f "$IMG" ] && [ -f "$LAB" ] || { echo "no MNIST in $DATA/mnist"; exit 77; }
command -v python3 >/dev/null || { echo "python3 needed to measure memory"; exit 77; }

# The reference: the 10,000 test images as they are.
"$RUN" -b golden -m "$M" -i "$IMG" --labels "$LAB" >"$W/ref" || { bad "reference run"; exit 1; }
correct=$(sed -n 's/^accuracy .*(\([0-9]*\) of 10000)/\1/p' "$W/ref")
[ -n "$correct" ] || { bad "no accuracy in the reference run"; cat "$W/ref"; exit 1; }

# Eight copies in one IDX file (80,000 images, 63 MB; batches do not divide
# it): the same answers eight times over, in memory far below the file's
# size as floats (250 MB), which the whole-file reader needed and more.
python3 - "$IMG" "$LAB" "$W/big-images-idx3-ubyte" "$W/big-labels-idx1-ubyte" <<'PY'
import gzip, struct, sys
img = gzip.open(sys.argv[1]).read(); lab = gzip.open(sys.argv[2]).read()
with open(sys.argv[3], "wb") as f:
    f.write(img[:4] + struct.pack(">I", 80000) + img[8:16])
    for _ in range(8): f.write(img[16:])
with open(sys.argv[4], "wb") as f:
    f.write(lab[:4] + struct.pack(">I", 80000))
    for _ in range(8): f.write(lab[8:])
PY
python3 - "$W/rss" "$RUN" -b golden -m "$M" -i "$W/big-images-idx3-ubyte" --batch 3000 >"$W/big" <<'PY'
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d %d\n" % (rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
read rc kb <"$W/rss"
[ "$rc" -eq 0 ] && grep -q "accuracy    .*($((correct * 8)) of 80000)" "$W/big" && ok ||
	{ bad "80,000 images: exit $rc"; cat "$W/big"; }
[ "$MAX_KB" -eq 0 ] || [ "$kb" -lt "$MAX_KB" ] && ok || bad "80,000 images (63 MB of pixels) took $kb KB of memory"
echo "80,000 images: peak $kb KB"

# A pipe, width checked from the header: the model of 64 inputs is refused
# before any image is decoded.
expect 1 "/dev/stdin has 784 features per row, model .*digits-tiny.nlut expects 64" -- \
	sh -c 'gzip -dc "$1" | "$2" -b golden -m "$3" -i /dev/stdin' sh "$IMG" "$RUN" "$EX/digits-tiny.nlut"
expect 0 "accuracy    .*($correct of 10000)" -- \
	sh -c 'gzip -dc "$1" | "$2" -b golden -m "$3" -i /dev/stdin --labels "$4"' sh "$IMG" "$RUN" "$M" "$LAB"

# Cut short: the vectors before the cut have their results, then one error
# naming the file and the cut; exit 1.
head -c 5000016 "$W/big-images-idx3-ubyte" >"$W/cut"
expect 1 "cut: truncated: header declares 80000x28x28 uint8 = 62720000 bytes of data, file holds 5000000.*stopped after 4096 vectors" -- \
	"$RUN" -b golden -m "$M" -i "$W/cut" --quiet -o "$W/cut.csv"
[ "$(wc -l <"$W/cut.csv")" -eq 4097 ] && ok || bad "cut: $(wc -l <"$W/cut.csv") lines of results, expected 4097"
# Bytes after the data: every vector answered, then the error.
{ gzip -dc "$IMG"; printf 'junk'; } >"$W/extra"
expect 1 "extra: 4 bytes after the 10000x28x28 uint8 data the header declares.*stopped after 10000 vectors" -- \
	"$RUN" -b golden -m "$M" -i "$W/extra" --labels "$LAB" -o "$W/extra.json"
[ "$(grep -c '"index"' "$W/extra.json")" -eq 10000 ] && ok || bad "extra: results not all written"
# A bad label part way through a CSV: the rows before it are answered.
cp "$EX/digits-test.csv" "$W/d.csv"
sed '300s/,\([0-9]*\)$/,12/' "$W/d.csv" >"$W/d-bad.csv"
expect 1 "row 299 has label 12 but the model has 10 classes" -- \
	"$RUN" -b golden -m "$EX/digits-tiny.nlut" -i "$W/d-bad.csv" --batch 100 -o "$W/d.csv.out.csv"
[ "$(wc -l <"$W/d.csv.out.csv")" -eq 201 ] && ok || bad "bad label: $(wc -l <"$W/d.csv.out.csv") lines, expected 201"
# CSV through a pipe, in batches that do not divide it: all 360 rows.
expect 0 "accuracy    .*(344 of 360)" -- \
	sh -c 'cat "$1" | "$2" -b golden -m "$3" -i /dev/stdin --batch 7 --inflight 3' sh "$W/d.csv" "$RUN" "$EX/digits-tiny.nlut"

finish
