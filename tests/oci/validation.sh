#!/bin/bash
# Runs runtime-tools' validation tests (built by build.sh in DIR) against
# each RUNTIME (a name on PATH or a path), side by side, and prints their
# table in Markdown on stdout; each test's TAP is kept in DIR/out/NAME/.
# usage: validation.sh DIR RUNTIME...
#
# A test passes when it exits 0 with no "not ok" line and, when it has no
# test points (the hook tests report only so), no "error" diagnostic. (The
# tests of failures, *_fail, print nothing when the runtime refuses.) Each
# runtime runs in a mount namespace of its own (a test that leaves a mount
# behind leaves it there); crun 1.8 there sees no cgroup.controllers in a
# hybrid host's unified tree, which it cannot use. Afterwards the test
# cgroups, bundles and containers left by any runtime are removed.
set -u
dir=$(cd "$1" && pwd)
shift
cd "$dir" || exit 1
tests=$(make -s print-validation-tests | tr ' ' '\n' | sort)

clean_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/cgrouptest /sys/fs/cgroup/*/testdir/cgrouptest \
	         /sys/fs/cgroup/cgrouptest /sys/fs/cgroup/*/*/testdir/cgrouptest/container \
	         /sys/fs/cgroup/*/testdir/cgrouptest/container; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	for d in /sys/fs/cgroup/*/testdir/cgrouptest /sys/fs/cgroup/*/testdir \
	         /sys/fs/cgroup/*/*/testdir/cgrouptest /sys/fs/cgroup/*/*/testdir; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	return 0
}

run_one() { # RUNTIME NAME
	local rt=$1 name=$2 out=$dir/out/$2 t n rc ok notok verdict
	rm -rf "$out" "$dir/tmp"
	mkdir -p "$out" "$dir/tmp"
	: >"$dir/empty"
	for t in $tests; do
		n=$(basename "$t" .t)
		# shellcheck disable=SC2016 # arguments of the inner bash
		RUNTIME=$rt TMPDIR=$dir/tmp unshare -m bash -c '
			[ "$(basename "$RUNTIME")" = crun ] &&
			[ -f /sys/fs/cgroup/unified/cgroup.controllers ] &&
			mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers
			exec timeout -k 5 60 "$2"' _ "$dir/empty" "$t" >"$out/$n.tap" 2>"$out/$n.err"
		rc=$?
		ok=$(grep -c '^ok' "$out/$n.tap")
		notok=$(grep -c '^not ok' "$out/$n.tap")
		verdict=PASS
		if [ "$rc" != 0 ] || [ "$notok" != 0 ] ||
		   { [ "$ok" = 0 ] && grep -q '"error":' "$out/$n.tap"; }; then
			verdict=FAIL
		fi
		printf '%s\t%s\n' "$n" "$verdict" >>"$out/results.tsv"
		clean_cgroups
	done
	# what a failed test left: its containers, then its bundles
	"$rt" list -q 2>/dev/null | while read -r id; do "$rt" delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$dir/tmp"
}

names=()
for rt in "$@"; do
	name=$(basename "$rt")
	names+=("$name")
	run_one "$rt" "$name"
done

printf '| test |'
for n in "${names[@]}"; do printf ' %s |' "$n"; done
printf '\n|---|'
for n in "${names[@]}"; do printf -- '---|'; done
printf '\n'
for t in $tests; do
	n=$(basename "$t" .t)
	printf '| %s |' "$n"
	for name in "${names[@]}"; do
		printf ' %s |' "$(awk -v n="$n" '$1 == n { print $2 }' "$dir/out/$name/results.tsv")"
	done
	printf '\n'
done
printf '| **passed** |'
for name in "${names[@]}"; do
	printf ' **%s of %s** |' "$(grep -c 'PASS$' "$dir/out/$name/results.tsv")" \
		"$(wc -l <"$dir/out/$name/results.tsv")"
done
printf '\n'
