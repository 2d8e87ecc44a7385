#!/bin/bash
# make soak: the lifecycle at full count, longer than make test allows.
# 100 containers started detached, listed, exec'd into, stopped and
# removed leave no process, mount, cgroup or state file behind.
# Scripts for containers and wait_until are single-quoted on purpose.
# shellcheck disable=SC2016
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
	S=$T/state
}

m() {
	"$MOCKER" --root "$S" "$@"
}

test_a_hundred_detached() {
	local i ids=() t0 t1 n
	for i in $(seq 100); do
		ids+=("$(m run -d "$R" sleep 300)") || fail "run $i"
	done
	t0=$(date +%s%N)
	n=$(m ps -q | wc -l)
	t1=$(date +%s%N)
	assertEquals "100 running" 100 "$n"
	echo "ps with 100 running: $(((t1 - t0) / 1000000)) ms"
	for i in "${ids[@]}"; do
		[ "$(m exec "$i" sh -c 'echo $((1 + 1))')" = 2 ] || fail "exec into $i"
	done
	m stop -t 2 "${ids[@]}" >/dev/null
	assertEquals "all stopped" 0 "$(m ps -q | wc -l)"
	m rm "${ids[@]}" >/dev/null
	assertEquals "all removed" "" "$(m ps -a -q)"
	assertFalse "no state file" "ls '$S/containers/'* 2>/dev/null"
	wait_until 10 '[ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "mocker-*" 2>/dev/null)" ]'
	assertEquals "no cgroup" "" "$(find /sys/fs/cgroup -maxdepth 2 -name 'mocker-*' 2>/dev/null)"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
