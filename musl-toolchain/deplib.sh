#!/bin/sh
# musl-toolchain/deplib.sh LIB OUTDIR CC
#
# Builds one static library the launcher links, with CC (the musl
# toolchain, or gcc for a glibc variant), from Debian's source package,
# once, into OUTDIR/lib and OUTDIR/include. mocker stays one static binary
# built for one libc (docs/dependencies.md says why and what each is for):
#
#   libseccomp   the seccomp policy (setup/seccomp_policy.c), as crun and runc
#   zlib, zstd   gzip and zstd layers, for libarchive
#   libarchive   reading image layers (setup/layer_unpack.c)
#   jansson      image manifests and configs (setup/image_config.c)
#
# The source comes with `apt-get source`, which needs deb-src lines for the
# configured mirror: they are added (as a file of their own in
# /etc/apt/sources.list.d) when missing. Where the newest version's source
# is not on the mirror (a security update's can be missing), an older one
# of the same release is taken. Exit status: 0 built, 1 not.
set -eu

lib=${1:?usage: deplib.sh LIB OUTDIR CC}
out=${2:?usage: deplib.sh LIB OUTDIR CC}
cc=${3:?usage: deplib.sh LIB OUTDIR CC}
prog=$lib
here=$(cd "$(dirname "$0")" && pwd)
fail() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
# configure runs in a directory of its own: a relative compiler path must
# become absolute
case $cc in
*/*) cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc") ;;
esac

case $lib in
libseccomp) pkg=libseccomp ;;
zlib) pkg=zlib ;;
zstd) pkg=libzstd ;;
libarchive) pkg=libarchive ;;
jansson) pkg=jansson ;;
*) fail "unknown library (libseccomp, zlib, zstd, libarchive, jansson)" ;;
esac

# shellcheck source=tests/packages.sh
. "$here/../tests/packages.sh"
ensure_packages dpkg-dev gperf make cmake || exit 1

mkdir -p "$out/src"
src=$(cd "$out/src" && pwd)
prefix=$(cd "$out" && pwd)

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

# apt-get source PKG, else each version the mirror lists, newest first
get_source() {
	(cd "$src" && apt-get source -qq "$pkg" >/dev/null 2>&1) && return 0
	for v in $(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -u -r -V); do
		(cd "$src" && apt-get source -qq "$pkg=$v" >/dev/null 2>&1) && return 0
	done
	return 1
}

srcdir() { find "$src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1; }

dir=$(srcdir)
if [ -z "$dir" ]; then
	if ! get_source; then
		add_deb_src
		get_source || fail "apt-get source $pkg failed"
	fi
	dir=$(srcdir)
	[ -n "$dir" ] || fail "apt-get source gave no $pkg directory"
fi

build=$src/build-$lib
rm -rf "$build"
mkdir -p "$build"
log=$src/build-$lib.log
# its own flags: a user's CFLAGS (-Werror in make check) are for our code,
# and our make's command-line variables (CC=, CFLAGS=) must not reach its
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL DESTDIR PREFIX BINDIR MANDIR CFLAGS CPPFLAGS LDFLAGS
jobs=$(nproc 2>/dev/null || echo 1)

build_it() {
	case $lib in
	libseccomp)
		(cd "$build" && CC="$cc" CFLAGS="-O2" "$dir/configure" --quiet --enable-static \
			--disable-shared --prefix="$prefix" && make -s -C src && make -s -C src install &&
			make -s -C include install) ;;
	zlib)
		# its configure builds in the source tree: a copy of it
		cp -R "$dir/." "$build/" &&
			(cd "$build" && CC="$cc" CFLAGS="-O2" ./configure --static --prefix="$prefix" &&
				make -s -j"$jobs" libz.a && make -s install) ;;
	zstd)
		cp -R "$dir/." "$build/" &&
			make -s -j"$jobs" -C "$build/lib" CC="$cc" CFLAGS="-O2" ZSTD_LEGACY_SUPPORT=0 \
				libzstd.a &&
			mkdir -p "$prefix/lib" "$prefix/include" &&
			cp "$build/lib/libzstd.a" "$prefix/lib/" &&
			cp "$build/lib/zstd.h" "$build/lib/zstd_errors.h" "$prefix/include/" ;;
	libarchive)
		# reading only, the filters and formats of image layers: no
		# compression library but zlib and zstd, no crypto, no ACLs.
		# CMake: Debian's patches leave autoconf's files out of date.
		(cd "$build" && cmake -S "$dir" -B . -DCMAKE_C_COMPILER="$cc" \
			-DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-O2" -DCMAKE_PREFIX_PATH="$prefix" \
			-DBUILD_SHARED_LIBS=OFF -DENABLE_TAR=OFF -DENABLE_CPIO=OFF -DENABLE_CAT=OFF \
			-DENABLE_TEST=OFF -DENABLE_ACL=OFF -DENABLE_XATTR=OFF -DENABLE_ICONV=OFF \
			-DENABLE_OPENSSL=OFF -DENABLE_NETTLE=OFF -DENABLE_MBEDTLS=OFF -DENABLE_CNG=OFF \
			-DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF -DENABLE_LZMA=OFF -DENABLE_LZ4=OFF \
			-DENABLE_LZO=OFF -DENABLE_BZip2=OFF -DENABLE_LIBB2=OFF -DENABLE_ZLIB=ON \
			-DENABLE_ZSTD=ON -DENABLE_WERROR=OFF &&
			cmake --build . -j "$jobs" --target archive_static &&
			mkdir -p "$prefix/lib" "$prefix/include" &&
			cp libarchive/libarchive.a "$prefix/lib/libarchive.a" &&
			cp "$dir/libarchive/archive.h" "$dir/libarchive/archive_entry.h" "$prefix/include/") ;;
	jansson)
		(cd "$build" && cmake -S "$dir" -B . -DCMAKE_C_COMPILER="$cc" \
			-DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-O2" -DCMAKE_INSTALL_PREFIX="$prefix" \
			-DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF \
			-DJANSSON_WITHOUT_TESTS=ON && cmake --build . -j "$jobs" &&
			cmake --install . >/dev/null) ;;
	esac
}

build_it >"$log" 2>&1 || fail "building $(basename "$dir") failed; see $log"
case $lib in
zstd) a=libzstd.a ;;
zlib) a=libz.a ;;
jansson) a=libjansson.a ;;
*) a=$lib.a ;;
esac
[ -f "$prefix/lib/$a" ] || fail "no $prefix/lib/$a after the build"
rm -rf "$build"
