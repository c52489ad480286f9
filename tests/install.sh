#!/bin/sh
# install.sh - `cmake --install` into a scratch prefix, then build a program
# against it three ways (pkg-config, CMake package shared and static) and
# check each one's answer against `nlut info`.
# Usage: install.sh BUILD_DIR SOURCE_DIR WORKDIR MODEL
set -eu
BUILD=$1 SRC=$2 W=$3 MODEL=$4
rm -rf "$W" && mkdir -p "$W"
P="$W/prefix"
cmake --install "$BUILD" --prefix "$P" >/dev/null

for f in include/nlut/nlut.h include/nlut/model.h include/nlut/version.h lib/libnlut.a \
	 lib/pkgconfig/nlut.pc lib/cmake/nlut/nlutConfig.cmake bin/nlut; do
	[ -e "$P/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$P"/lib/libnlut.so.* >/dev/null || { echo "FAIL: shared library not installed"; exit 1; }

want=$("$P/bin/nlut" info "$MODEL" | sed -n 's/^identity  //p')
[ -n "$want" ] || { echo "FAIL: installed nlut printed no identity"; exit 1; }

PKG_CONFIG_PATH="$P/lib/pkgconfig" cc -std=c11 -o "$W/consumer_pc" "$SRC/tests/install/consumer.c" \
	$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs nlut)
cmake -S "$SRC/tests/install" -B "$W/cm" -DCMAKE_PREFIX_PATH="$P" >/dev/null
cmake --build "$W/cm" >/dev/null

fails=0
for exe in "$W/consumer_pc" "$W/cm/consumer_shared" "$W/cm/consumer_static"; do
	got=$(LD_LIBRARY_PATH="$P/lib" "$exe" "$MODEL" | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then echo "ok: $(basename "$exe")"; else
		echo "FAIL: $(basename "$exe") printed '$got', nlut info says '$want'"; fails=$((fails + 1)); fi
done
echo "$((3 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
