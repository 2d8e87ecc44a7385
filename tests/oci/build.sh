#!/bin/sh
# Builds opencontainers/runtime-tools' validation suite into DIR (make
# test-oci: build/runtime-tools), from the source archive SRC, offline, with
# Debian 12's Go 1.19: the four Go 1.20/1.21 names it uses come from
# go-standins/ through a shadow GOROOT (symbolic links to the real one plus
# those files); no file of runtime-tools is changed.
# usage: build.sh SRC.tar.gz DIR
set -eu
src=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
dir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$dir/validation/default/default.t" ] && [ -x "$dir/runtimetest" ] && exit 0
command -v go >/dev/null || apt-get install -y golang-go >/dev/null
goroot=$(go env GOROOT)
rm -rf "${dir:?}"/* "$dir/.goroot" "$dir/.gocache"
tar xzf "$src" -C "$dir"
g=$dir/.goroot
mkdir -p "$g/src"
for f in "$goroot"/*; do
	[ "$(basename "$f")" = src ] || ln -s "$(readlink -f "$f")" "$g/$(basename "$f")"
done
for f in "$goroot"/src/*; do
	case $(basename "$f") in
	sync|strings) mkdir "$g/src/$(basename "$f")"
		for k in "$f"/*; do ln -s "$(readlink -f "$k")" "$g/src/$(basename "$f")/"; done ;;
	*) ln -s "$(readlink -f "$f")" "$g/src/$(basename "$f")" ;;
	esac
done
mkdir "$g/src/slices"
cp "$here/go-standins/slices/slices.go" "$g/src/slices/"
cp "$here/go-standins/sync/oncevalue_go121.go" "$g/src/sync/"
cp "$here/go-standins/strings/cutprefix_go120.go" "$g/src/strings/"
cd "$dir"
GOROOT=$g GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=$dir/.gocache \
	make runtimetest validation-executables >"$dir/build.log" 2>&1 ||
	{ tail -20 "$dir/build.log" >&2; echo "build.sh: runtime-tools did not build (build.log)" >&2; exit 1; }
