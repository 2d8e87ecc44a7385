#!/bin/sh
# musl-toolchain/libseccomp.sh OUTDIR CC
#
# Builds a static libseccomp with CC (the musl toolchain, or gcc for a glibc
# variant) from Debian's source package, once, into OUTDIR/lib/libseccomp.a
# and OUTDIR/include/seccomp.h. The launcher links it for its seccomp
# policy (setup/seccomp_policy.c): the library crun and runc use, built for
# the same libc as mocker so that mocker stays one static binary.
#
# The source comes with `apt-get source`, which needs deb-src lines for the
# configured mirror: they are added (as a file of their own in
# /etc/apt/sources.list.d) when missing. Exit status: 0 built, 1 not.
set -eu

out=${1:?usage: libseccomp.sh OUTDIR CC}
cc=${2:?usage: libseccomp.sh OUTDIR CC}
prog=libseccomp
here=$(cd "$(dirname "$0")" && pwd)
fail() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
# configure runs in a directory of its own: a relative compiler path must
# become absolute
case $cc in
*/*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;;
esac

# shellcheck source=tests/packages.sh
. "$here/../tests/packages.sh"
ensure_packages dpkg-dev gperf make || exit 1

src=$out/src
mkdir -p "$src"
src=$(cd "$src" && pwd)

# deb-src lines for every deb line of the configured sources (deb822
# files, as Debian 12 has them, and one-line lists)
add_deb_src() {
	[ "$(id -u)" = 0 ] || fail "no deb-src lines for apt-get source; as root, add them (Types: deb-src) and run apt-get update"
	list=/etc/apt/sources.list.d/mocker-deb-src.sources
	: > "$list.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		if ! [ -e "$f" ] || [ "$f" = "$list" ]; then
			continue
		fi
		# each stanza of type deb, again as deb-src
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Types:[^\n]*deb([ \n]|$)/ && !/disabled-by/ {
		         sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >> "$list.tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/mocker-deb-src.list
	fi
	mv "$list.tmp" "$list"
	apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed"
}

dir=$(find "$src" -maxdepth 1 -type d -name 'libseccomp-[0-9]*' | head -n 1)
if [ -z "$dir" ]; then
	if ! (cd "$src" && apt-get source -qq libseccomp >/dev/null 2>&1); then
		add_deb_src
		(cd "$src" && apt-get source -qq libseccomp >/dev/null 2>&1) ||
			fail "apt-get source libseccomp failed"
	fi
	dir=$(find "$src" -maxdepth 1 -type d -name 'libseccomp-[0-9]*' | head -n 1)
	[ -n "$dir" ] || fail "apt-get source gave no libseccomp directory"
fi

prefix=$(cd "$out" && pwd)
build=$src/build
rm -rf "$build"
mkdir -p "$build"
log=$src/build.log
# its own flags: a user's CFLAGS (-Werror in make check) are for our code,
# and our make's command-line variables (CC=, CFLAGS=) must not reach its
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL DESTDIR PREFIX BINDIR MANDIR CFLAGS CPPFLAGS LDFLAGS
(cd "$build" && CC="$cc" CFLAGS="-O2" "$dir/configure" --quiet --enable-static \
	--disable-shared --prefix="$prefix" && make -s -C src && make -s -C src install &&
	make -s -C include install) >"$log" 2>&1 ||
	fail "building $(basename "$dir") failed; see $log"
[ -f "$prefix/lib/libseccomp.a" ] || fail "no $prefix/lib/libseccomp.a after the build"
