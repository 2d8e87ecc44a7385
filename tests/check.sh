#!/bin/sh
# tests/check.sh CC MAX_BYTES: make check. Static analysis with cppcheck,
# ShellCheck and gcc -fanalyzer, a strict build of everything, and the
# init's promises: static, small. Exit 1 at the first finding.
set -eu
cd "$(dirname "$0")/.." || exit 1
cc=$1 max=$2
# shellcheck source=tests/packages.sh
. tests/packages.sh
ensure_packages cppcheck shellcheck file gcc

echo "  CHECK   cppcheck"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--inline-suppr --std=c11 -D__linux__ -D__x86_64__ -Icommon -Iinit -Isetup -Ibuild/gen \
	--suppress=missingIncludeSystem common init setup tests/helpers

echo "  CHECK   shellcheck"
# every shell script of the project, following what each one sources
git ls-files '*.sh' .ci/run | xargs shellcheck -x

echo "  CHECK   gcc -fanalyzer (the launcher and the shared code)"
mkdir -p build/analyzer
printf '#define MOCKER_VERSION "0"\n#define MOCKER_COMMIT "0"\n' > build/analyzer/version.h
for f in setup/*.c common/*.c; do
	gcc -std=gnu11 -D_GNU_SOURCE -fanalyzer -Werror -Wall -Wextra -Wno-unused-parameter \
		-Icommon -Isetup -Ibuild/analyzer -Ibuild/deps/include -Ibuild/gen -c -o /dev/null "$f"
done
rm -rf build/analyzer

echo "  CHECK   -Wall -Wextra -Wformat=2 -Werror build"
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
# init/start.c sets up a thread pointer and nothing of a TLS image
if readelf -lW build/mocker-init | grep -q '^ *TLS '; then
	echo "check: build/mocker-init has a TLS segment, which init/start.c does not set up" >&2
	exit 1
fi
size=$(stat -c %s build/mocker-init)
[ "$size" -le "$max" ] || { echo "check: build/mocker-init is $size bytes (> $max)" >&2; exit 1; }
echo "check: ok (mocker-init $size bytes, static)"
