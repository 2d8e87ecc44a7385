#!/bin/bash
# mocker-init and the images under the runtimes users already have: the OCI
# archive in Podman and skopeo, bundles under crun and runc, Podman's
# --init, and containerd's ctr (Kubernetes' runtime layer).
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/packages.sh
. "$TOP/tests/packages.sh"

OCI=$B/images/busybox/oci
ARCHIVE=$B/images/busybox/mocker-busybox.tar

oneTimeSetUp() {
	ensure_packages crun runc podman skopeo umoci jq containerd >/dev/null 2>&1 ||
		echo "runtimes: could not install the runtimes"
	touch "$T/empty"
	CGROUPS_BEFORE=$(cgroup_dirs)
}

oneTimeTearDown() {
	# what the runtimes made and left, empty parents such as libpod_parent
	local d
	for d in $(comm -13 <(echo "$CGROUPS_BEFORE") <(cgroup_dirs) | sort -r); do
		rmdir "$d" 2>/dev/null
	done
	lib_cleanup
}

cgroup_dirs() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d 2>/dev/null | sort
}

# bundle NAME ARGS...: an OCI bundle unpacked from our image by umoci, the
# test helpers added, ARGS as process.args, no terminal.
bundle() {
	local b=$T/$1 args
	shift
	rm -rf "$b"
	umoci unpack --image "$OCI:latest" "$b" >/dev/null 2>&1 || { fail "umoci unpack"; return 1; }
	mkdir -p "$b/rootfs/usr/local/bin"
	cp "$HELPERS"/* "$b/rootfs/usr/local/bin/"
	args=$(printf '%s\037' "$@" | jq -R -s -c 'split("\u001f") | .[:-1]')
	jq --argjson a "$args" '.process.terminal = false | .process.args = $a' \
		"$b/config.json" > "$b/config.new" && mv "$b/config.new" "$b/config.json"
	echo "$b"
}

# The runtimes, with their state in $T. crun 1.8 refuses this host's hybrid
# cgroups unless the unified tree shows no controllers: in a mount namespace
# of its own an empty file hides them.
rt() { # RUNTIME ARGS...
	local r=$1
	shift
	case $r in
	runc) runc --root "$T/runc" "$@" ;;
	crun) unshare -m sh -c 'mount --bind "$0" /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null
		root=$1; shift; exec crun --root "$root" "$@"' "$T/empty" "$T/crun" "$@" ;;
	esac
}

runtimes_here() {
	command -v crun >/dev/null && command -v runc >/dev/null
}

# --- the OCI archive -------------------------------------------------------------

test_oci_archive_entrypoint_and_podman_load() {
	local cfg
	cfg=$(skopeo inspect --config "oci-archive:$ARCHIVE")
	assertEquals "entrypoint" '["/sbin/init"]' "$(echo "$cfg" | jq -c .config.Entrypoint)"
	assertEquals "command" '["/bin/sh"]' "$(echo "$cfg" | jq -c .config.Cmd)"
	assertEquals "appliance: no command (its services)" "null" \
		"$(skopeo inspect --config "oci-archive:$B/images/appliance/mocker-appliance.tar" | jq -c .config.Cmd)"
	podman_ load -i "$ARCHIVE" > "$T/load" 2>&1
	assertEquals "podman load: $(cat "$T/load")" 0 $?
	grep -q 'localhost/mocker-busybox:latest' "$T/load" || fail "its name: $(cat "$T/load")"
}

# --- crun and runc -----------------------------------------------------------------

test_exit_status_and_no_remount_under_crun_and_runc() {
	local r b out
	for r in crun runc; do
		b=$(bundle "b-$r" /sbin/init -v -- sh -c 'grep -c " /proc " /proc/self/mountinfo; exit 7')
		out=$(rt "$r" run -b "$b" "st-$r" 2>"$T/err")
		assertEquals "$r: exit status through" 7 $?
		assertEquals "$r: one /proc, the runtime's" 1 "$out"
		assertFalse "$r: no remount of /proc" "grep -q 'mounted /proc' '$T/err'"
		grep -q "started 'sh'" "$T/err" || fail "$r: the init ran: $(cat "$T/err")"
	done
}

test_runtime_kill_term_reaches_the_payload() {
	local r b pid
	for r in crun runc; do
		b=$(bundle "k-$r" /sbin/init -- sigrecv /tmp/sigs 15)
		bg pid rt "$r" run -b "$b" "kill-$r"
		wait_for 10 file_has "$b/rootfs/tmp/sigs" ready || fail "$r: started"
		rt "$r" kill "kill-$r" TERM
		wait_exit "$pid" 10
		assertEquals "$r: ended by TERM, handled" 0 $?
		assertTrue "$r: the payload got TERM" "grep -qx 15 '$b/rootfs/tmp/sigs'"
		rt "$r" delete -f "kill-$r" >/dev/null 2>&1
	done
}

test_orphans_reaped_and_graceful_shutdown_under_runtimes() {
	local r b pid init
	for r in crun runc; do
		b=$(bundle "o-$r" /sbin/init -- sh -c 'orphans 100 > /tmp/made; flushwriter /tmp/bg &
			while [ ! -e /tmp/bg.ready ]; do sleep 0.01; done; touch /tmp/up; sleep 1; exit 4')
		bg pid rt "$r" run -b "$b" "o-$r"
		wait_for 10 test -e "$b/rootfs/tmp/up" || fail "$r: started"
		init=$(rt "$r" state "o-$r" | jq .pid)
		wait_until 2 '[ "$(zombies_in_ns $init)" = 0 ]'
		assertEquals "$r: no zombies" 0 "$(zombies_in_ns "$init")"
		wait_exit "$pid" 10
		assertEquals "$r: the payload's status" 4 $?
		assertTrue "$r: the background writer flushed before the end" "file_has '$b/rootfs/tmp/bg' flushed"
		rt "$r" delete -f "o-$r" >/dev/null 2>&1
	done
}

# --- Podman ------------------------------------------------------------------------

# Podman 4.3 here: runc (crun refuses the hybrid cgroups), capped ulimits,
# its storage in $T, in a mount namespace of its own so its mounts go with it.
podman_() {
	unshare -m podman --root "$T/podman" --runroot "$T/podman-run" --storage-driver vfs \
		--cgroup-manager cgroupfs "$@"
}

podman_run() {
	podman_ run --rm --network none --runtime runc --ulimit nofile=20000:20000 \
		--ulimit nproc=32768:32768 "$@"
}

test_podman_runs_the_image() {
	local out
	podman_ load -i "$ARCHIVE" >/dev/null 2>&1
	out=$(podman_run localhost/mocker-busybox:latest sh -c 'tr "\0" " " < /proc/1/cmdline; echo; exit 5' 2>&1)
	assertEquals "exit status" 5 $?
	assertEquals "mocker-init is PID 1" "/sbin/init sh -c tr \"\\0\" \" \" < /proc/1/cmdline; echo; exit 5 " "$out"
}

test_podman_init_path() {
	local out
	podman_ load -i "$ARCHIVE" >/dev/null 2>&1
	out=$(podman_run --init --init-path "$INIT" --entrypoint /bin/sh localhost/mocker-busybox:latest \
		-c 'tr "\0" " " < /proc/1/cmdline; echo; /run/podman-init --version; exit 6')
	assertEquals "exit status" 6 $?
	echo "$out" | grep -q '^/run/podman-init -- /bin/sh -c' || fail "PID 1: $out"
	echo "$out" | grep -q '_mocker-init' || fail "it is mocker-init: $out"
	out=$(podman_run --init --init-path "$INIT" -e TINI_VERBOSITY=2 --entrypoint /bin/true \
		localhost/mocker-busybox:latest 2>&1)
	echo "$out" | grep -q "started 'true'" || fail "TINI_VERBOSITY honoured: $out"
	out=$(podman_run --init --init-path "$INIT" -e TINI_KILL_PROCESS_GROUP=1 -e MOCKER_INIT_VERBOSITY=3 \
		--entrypoint /bin/sh localhost/mocker-busybox:latest -c 'kill -USR1 1; sleep 0.2' 2>&1)
	echo "$out" | grep -q 'forwarded signal USR1 to -[0-9]' || fail "to the process group: $out"
}

# --- containerd ----------------------------------------------------------------------

test_ctr_run_with_mocker_init() {
	local out pid rootfs
	start_containerd || { fail "containerd started"; return; }
	rootfs=$(bundle ctr-b /bin/true)/rootfs
	out=$(ctr --address "$T/cd/sock" run --rm --rootfs "$rootfs" ctr1 /sbin/init -- \
		sh -c 'tr "\0" " " < /proc/1/cmdline; echo; exit 9' 2>&1)
	assertEquals "exit status through ctr" 9 $?
	assertEquals "PID 1" "/sbin/init -- sh -c tr \"\\0\" \" \" < /proc/1/cmdline; echo; exit 9 " "$out"
	bg pid ctr --address "$T/cd/sock" run --rm --rootfs "$rootfs" ctr2 /sbin/init -- sigrecv /tmp/sigs 15
	wait_for 10 file_has "$rootfs/tmp/sigs" ready || fail "started"
	ctr --address "$T/cd/sock" task kill -s SIGTERM ctr2
	wait_exit "$pid" 10
	assertEquals "ctr task kill TERM reached the payload" 0 $?
	assertTrue "got it" "grep -qx 15 '$rootfs/tmp/sigs'"
}

test_ctr_imports_the_archive() {
	local out
	start_containerd || { fail "containerd started"; return; }
	ctr --address "$T/cd/sock" images import "$ARCHIVE" > "$T/import" 2>&1
	assertEquals "ctr images import: $(cat "$T/import")" 0 $?
	# ctr replaces the whole command line when given one
	out=$(ctr --address "$T/cd/sock" run --rm localhost/mocker-busybox:latest img1 \
		/sbin/init -- sh -c 'cat /proc/1/comm; exit 8' 2>&1)
	assertEquals "exit status" 8 $?
	assertEquals "mocker-init is PID 1" "init" "$out"
}

test_docker_init_path() {
	if ! docker info >/dev/null 2>&1; then
		echo "SKIPPED: no Docker engine runs on this machine (docker is only a client here);"
		echo "         mocker-init --version prints the line dockerd parses (init_test)"
		startSkipping
		return 0
	fi
	local out
	docker load -i "$ARCHIVE" >/dev/null 2>&1
	out=$(docker run --rm --init --entrypoint /bin/sh localhost/mocker-busybox:latest -c 'cat /proc/1/cmdline' | tr '\0' ' ')
	echo "$out" | grep -q 'docker-init -- /bin/sh' || fail "docker --init: $out"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
