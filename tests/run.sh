#!/bin/sh
# tests/run.sh [--repeat N] [SUITE...]: runs every tests/*_test.sh (or those
# named), as root, against the real kernel, N times over (default once),
# and ends with one line: N passed, N failed (tests, over all rounds; a
# test fails when any of its assertions does, and a suite that breaks or
# leaves processes or mounts behind counts as one more failure).
# Exit status: 0 when nothing failed, 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)

rounds=1
if [ "${1:-}" = --repeat ]; then
	rounds=${2:-}
	shift 2 2>/dev/null
	case $rounds in
	'' | *[!0-9]* | 0)
		echo "tests: --repeat takes a number of rounds, 1 or more" >&2
		echo "0 passed, 1 failed"
		exit 1
		;;
	esac
fi

if [ "$(id -u)" != 0 ]; then
	echo "tests: must run as root (namespaces, mounts, cgroups)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# shellcheck source=tests/packages.sh
. tests/packages.sh
ensure_packages shunit2 util-linux procps psmisc file strace passt iproute2 nftables \
	skopeo umoci docker-registry python3 uidmap || {
	echo "0 passed, 1 failed"
	exit 1
}

suites=${*:-$(ls tests/*_test.sh)}
log=${TEST_LOG_DIR:-$top/build/test-logs}
mkdir -p "$log"

# What a suite may not leave behind.
host_pidns=$(readlink /proc/self/ns/pid)
foreign_procs() {
	for d in /proc/[0-9]*; do
		ns=$(readlink "$d/ns/pid" 2>/dev/null) || continue
		[ "$ns" = "$host_pidns" ] || echo "${d#/proc/}"
	done
}

# Failed tests in a shunit2 log: shunit2 prints each test's name, then an
# ASSERT line per failed assertion; its own "failures=" counts assertions.
# Assertions failed outside any test (oneTimeSetUp) count as one.
failed_tests() {
	awk '/^test_[A-Za-z0-9_]*$/ { cur = $0; next }
	     /^ASSERT:/ { if (cur == "") outside = 1; else if (!(cur in f)) { f[cur] = 1; n++ } }
	     END { print n + outside }' "$1"
}

total_passed=0 total_failed=0
round=1
while [ "$round" -le "$rounds" ]; do
	[ "$rounds" -gt 1 ] && echo "round $round of $rounds"
	mounts_before=$(wc -l < /proc/self/mountinfo)
	passed=0 failed=0
	for suite in $suites; do
		name=$(basename "$suite" .sh)
		start=$(date +%s)
		timeout -k 10 "${SUITE_TIMEOUT:-600}" bash "$suite" > "$log/$name.log" 2>&1
		rc=$?
		ran=$(sed -n 's/^Ran \([0-9]*\) test.*/\1/p' "$log/$name.log" | tail -n 1)
		skips=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$log/$name.log" | tail -n 1)
		fails=$(failed_tests "$log/$name.log")
		ran=${ran:-0} skips=${skips:-0}
		if [ "$ran" = 0 ] || { [ "$rc" != 0 ] && [ "$fails" = 0 ]; }; then
			fails=$((fails + 1)) # the suite itself broke
			ran=$((ran + 1))
		fi
		ok=$((ran - fails))
		[ "$ok" -lt 0 ] && ok=0
		passed=$((passed + ok))
		failed=$((failed + fails))
		printf '%-28s %3d passed, %d failed%s (%ds)\n' "$name" "$ok" "$fails" \
			"$([ "$skips" != 0 ] && echo ", $skips skipped")" "$(($(date +%s) - start))"
		if [ "$fails" != 0 ]; then
			grep -E '^(ASSERT|test_|FAILED|SKIPPED|.*: (line|error))' "$log/$name.log" |
				head -n 40 | sed 's/^/    /'
			cp "$log/$name.log" "$log/$name.round$round.log"
			echo "    (whole log: $log/$name.round$round.log)"
		fi
		# a killed container's processes take a moment to go
		for _ in $(seq 300); do
			left=$(foreign_procs)
			[ -z "$left" ] && break
			sleep 0.01
		done
		if [ -n "$left" ]; then
			echo "    $name left processes behind: $left"
			failed=$((failed + 1))
			for p in $left; do kill -9 "$p" 2>/dev/null; done
		fi
	done
	mounts_after=$(wc -l < /proc/self/mountinfo)
	if [ "$mounts_after" != "$mounts_before" ]; then
		echo "mounts leaked: $mounts_before lines before, $mounts_after after"
		failed=$((failed + 1))
	fi
	[ "$rounds" -gt 1 ] && echo "round $round of $rounds: $passed passed, $failed failed"
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	round=$((round + 1))
done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
