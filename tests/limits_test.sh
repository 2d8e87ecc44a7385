#!/bin/bash
# mocker run --memory, --pids-limit, --cpus: cgroups on this host (v2, or
# v1 controllers as on hybrid hosts), in place before the payload runs and
# removed after every run, however it ends.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
}

setUp() {
	rm -rf "$R/tmp/"* 2>/dev/null
}

mocker_cgroups() {
	find /sys/fs/cgroup -maxdepth 3 -type d -name 'mocker-*' 2>/dev/null
}

no_mocker_cgroups() {
	[ -z "$(mocker_cgroups)" ]
}

suite_tearDown() {
	wait_for 5 no_mocker_cgroups
	assertEquals "no cgroup left" "" "$(mocker_cgroups)"
}

test_memory_limit_oom_exits_137() {
	run --memory 32m "$R" memhog 60 >/dev/null 2>"$T/err"
	assertEquals "OOM-killed" 137 $?
	assertEquals "one line says it was the memory limit" 1 "$(grep -c 'out of memory (--memory' "$T/err")"
	assertEquals "control: 30 MB fit in 64m" "allocated 30" "$(run --memory 64m "$R" memhog 30)"
}

# A file of the container's pids cgroup, found from the launcher's pid.
pids_file() { # MOCKER_PID FILE
	local d
	for d in "/sys/fs/cgroup/pids/mocker-$1" "/sys/fs/cgroup/mocker-$1"; do
		[ -e "$d/$2" ] && { cat "$d/$2"; return; }
	done
	return 1
}

test_pids_limit_stops_a_fork_bomb() {
	local m refused
	# forkmax forks until refused, and holds what it got until told to go:
	# with the init and itself, 40 in all
	bg m "$MOCKER" run --pids-limit 40 "$R" forkmax /tmp/held
	wait_for 10 test -s "$R/tmp/held" || fail "forkmax reported"
	assertEquals "refused at the limit" "held 38 EAGAIN" "$(cat "$R/tmp/held")"
	assertEquals "the cgroup holds 40" 40 "$(pids_file "$m" pids.current)"
	refused=$(pids_file "$m" pids.events | awk '$1 == "max" {print $2}')
	assertTrue "the cgroup counted the refusal: '$refused'" "[ '${refused:-0}' -ge 1 ]"
	assertEquals "the host is fine" "ok" "$(sh -c 'echo ok')"
	touch "$R/tmp/held.go"
	wait_exit "$m" 15
	assertEquals "and the container ended normally" 0 $?
}

test_pids_limit_is_what_stops_it() {
	# control: the count follows the limit, not something else
	local m
	bg m "$MOCKER" run --pids-limit 200 "$R" forkmax /tmp/held
	wait_for 10 test -s "$R/tmp/held" || fail "forkmax reported"
	assertEquals "a higher limit, more children" "held 198 EAGAIN" "$(cat "$R/tmp/held")"
	touch "$R/tmp/held.go"
	wait_exit "$m" 15
}

test_cpus_limit() {
	local cpu
	cpu=$(run --cpus 0.5 "$R" spin 2 | awk '{print $2}')
	assertTrue "2 s of busy loop under --cpus 0.5: ${cpu} s of CPU" "awk 'BEGIN {exit !($cpu <= 1.1)}'"
	cpu=$(run "$R" spin 1 | awk '{print $2}')
	assertTrue "control: unlimited gets the CPU: ${cpu} s" "awk 'BEGIN {exit !($cpu >= 0.7)}'"
}

test_payload_is_in_the_cgroup_from_the_start() {
	local m init hostview
	bg m "$MOCKER" run --pids-limit 100 --memory 100m "$R" sh -c 'cat /proc/self/cgroup > /tmp/cg; exec sleep 100'
	wait_for 5 test -s "$R/tmp/cg"
	init=$(first_child "$m")
	hostview=$(cat "/proc/$init/cgroup")
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "$hostview" | grep -q "^0::/mocker-$m$" || fail "host view: $hostview"
		grep -q '^0::/$' "$R/tmp/cg" || fail "at its cgroup namespace's root: $(cat "$R/tmp/cg")"
	else
		echo "$hostview" | grep -q "pids:/mocker-$m$" || fail "host view: $hostview"
		echo "$hostview" | grep -q "memory:/mocker-$m$" || fail "host view: $hostview"
		grep -q ':pids:/$' "$R/tmp/cg" || fail "at its cgroup namespace's root: $(cat "$R/tmp/cg")"
	fi
}

test_cgroup_removed_after_sigkill_of_mocker() {
	local m
	bg m "$MOCKER" run --pids-limit 100 "$R" sh -c 'touch /tmp/up; exec sleep 100'
	wait_for 5 test -e "$R/tmp/up"
	assertNotEquals "made" "" "$(mocker_cgroups)"
	kill -KILL "$m"
	wait_for 5 no_mocker_cgroups
	assertEquals "removed by the watcher" "" "$(mocker_cgroups)"
}

test_200_runs_leave_no_cgroup() {
	local i m
	for i in $(seq 200); do
		case $((i % 5)) in
		0) run -q --memory 16m "$R" memhog 40 >/dev/null 2>&1 ;;
		1) run -q --pids-limit 10 --cpus 1 "$R" true ;;
		2)
			"$MOCKER" run -q --pids-limit 10 "$R" sleep 10 &
			m=$!
			sleep 0.0$((i % 10))
			kill -KILL "$m"
			wait "$m" 2>/dev/null
			;;
		3) MOCKER_FAIL_STEP=$((i % 30 + 1)) run -q --memory 64m "$R" true 2>/dev/null ;;
		4) run -q --pids-limit 20 "$R" sh -c '(sh -c "f() { f | f & }; f") 2>/dev/null; exit 0' ;;
		esac
	done
	wait_for 10 no_mocker_cgroups
	assertEquals "none left after 200 runs" "" "$(mocker_cgroups)"
}

test_cgroup_v2_limits() {
	if ! [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
		! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
		echo "SKIPPED: cgroup v2 has no memory controller here (hybrid host: v1 holds it)"
		startSkipping
		return 0
	fi
	run --memory 32m "$R" memhog 60 >/dev/null 2>&1
	assertEquals "OOM on v2" 137 $?
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
