#!/bin/sh
# tests/run.sh [SUITE...]: runs every tests/*_test.sh (or those named), as
# root, against the real kernel, and ends with one line: N passed, N failed.
# Exit status: 0 when nothing failed, 1 otherwise.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" != 0 ]; then
	echo "tests: must run as root (namespaces, mounts, cgroups)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
. tests/packages.sh
ensure_packages shunit2 util-linux procps psmisc file || {
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
mounts_before=$(wc -l < /proc/self/mountinfo)

passed=0 failed=0
for suite in $suites; do
	name=$(basename "$suite" .sh)
	start=$(date +%s)
	timeout -k 10 ${SUITE_TIMEOUT:-300} bash "$suite" > "$log/$name.log" 2>&1
	rc=$?
	ran=$(sed -n 's/^Ran \([0-9]*\) test.*/\1/p' "$log/$name.log" | tail -n 1)
	fails=$(sed -n 's/^FAILED (failures=\([0-9]*\).*/\1/p' "$log/$name.log" | tail -n 1)
	skips=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$log/$name.log" | tail -n 1)
	ran=${ran:-0} fails=${fails:-0} skips=${skips:-0}
	if [ "$ran" = 0 ] || { [ "$rc" != 0 ] && [ "$fails" = 0 ]; }; then
		fails=$((fails + 1)) # the suite itself broke
		ran=$((ran + 1))
	fi
	ok=$((ran - fails))
	passed=$((passed + ok))
	failed=$((failed + fails))
	printf '%-28s %3d passed, %d failed%s (%ds)\n' "$name" "$ok" "$fails" \
		"$([ "$skips" != 0 ] && echo ", $skips skipped")" "$(($(date +%s) - start))"
	if [ "$fails" != 0 ]; then
		grep -E '^(ASSERT|test_|FAILED|SKIPPED|.*: (line|error))' "$log/$name.log" | head -n 40 | sed 's/^/    /'
		echo "    (whole log: $log/$name.log)"
	fi
	# a killed container's processes take a moment to go
	for i in $(seq 300); do
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
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
