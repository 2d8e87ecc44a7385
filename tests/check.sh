#!/bin/sh
# tests/check.sh CC MAX_BYTES: make check. Static analysis and a strict
# build of everything, and the init's promises: static, small.
set -eu
cd "$(dirname "$0")/.."
cc=$1 max=$2
. tests/packages.sh
ensure_packages cppcheck file

echo "  CHECK   cppcheck"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--inline-suppr --std=c11 -D__linux__ -D__x86_64__ -Iinit -Isetup \
	--suppress=missingIncludeSystem init setup tests/helpers

echo "  CHECK   -Wall -Wextra -Werror build"
strict=build/strict
rm -rf "$strict"
make -s B="$strict" CC="$cc" CFLAGS="-O2 -Werror" all helpers >/dev/null
rm -rf "$strict"

echo "  CHECK   build/mocker-init is static and at most $max bytes"
file -L build/mocker-init | grep -q 'statically linked' || {
	echo "check: build/mocker-init is not statically linked: $(file -L build/mocker-init)" >&2
	exit 1
}
if readelf -lW build/mocker-init | grep -q INTERP; then
	echo "check: build/mocker-init has a program interpreter" >&2
	exit 1
fi
size=$(stat -c %s build/mocker-init)
[ "$size" -le "$max" ] || { echo "check: build/mocker-init is $size bytes (> $max)" >&2; exit 1; }
echo "check: ok (mocker-init $size bytes, static)"
