#!/bin/bash
# mocker-runc: runc's command line on mocker's plan. The lifecycle through
# real bundles, the errors its callers see, hooks, exec, the mocker-init
# annotation, a hostile rootfs, and the real callers: Podman (conmon) and
# containerd (its runc shim, through ctr).
# Scripts for containers are single-quoted on purpose (SC2016).
# shellcheck disable=SC2016
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/packages.sh
. "$TOP/tests/packages.sh"

RUNC=$B/mocker-runc
ARCHIVE=$B/images/busybox/mocker-busybox.tar

oneTimeSetUp() {
	ensure_packages podman containerd jq >/dev/null 2>&1 ||
		echo "oci: could not install podman, containerd and jq"
	CGROUPS_BEFORE=$(cgroup_dirs)
}

oneTimeTearDown() {
	local id d
	for id in $(rt list -q 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1; done
	kill_bg
	# what podman and containerd made and left: empty parents such as libpod_parent
	for d in $(comm -13 <(echo "$CGROUPS_BEFORE") <(cgroup_dirs) | sort -r); do
		rmdir "$d" 2>/dev/null
	done
	lib_cleanup
}

suite_tearDown() {
	local id
	for id in $(rt list -q 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1; done
}

cgroup_dirs() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d 2>/dev/null | sort
}

# mocker-runc with its state in $T
rt() {
	"$RUNC" --root "$T/state" "$@"
}

# bundle NAME JQ-FILTER: the busybox image and `mocker-runc spec`'s
# config, changed by the filter; echoes the bundle's path.
bundle() {
	local b=$T/$1
	rm -rf "$b"
	mkdir -p "$b"
	cp -a "$IMAGE" "$b/rootfs"
	(cd "$b" && "$RUNC" spec) || fail "spec"
	jq ".root.readonly = false | $2" "$b/config.json" > "$b/config.new" &&
		mv "$b/config.new" "$b/config.json"
	echo "$b"
}

status_of() {
	rt state "$1" 2>/dev/null | jq -r .status
}

# Nothing of a container left: its state, its cgroups.
assert_gone() {
	assertFalse "state of $1 left" "[ -e '$T/state/$1' ]"
	assertEquals "cgroups left" "" "$(comm -13 <(echo "$CGROUPS_BEFORE") <(cgroup_dirs) | grep mocker-)"
}

# --- the command line ----------------------------------------------------------

test_version_features_spec() {
	local b=$T/spec
	"$RUNC" --version | grep -qx 'spec: 1.0.2' || fail "--version: $("$RUNC" --version)"
	"$RUNC" features | jq -e '.linux.namespaces | index("pid")' >/dev/null || fail "features"
	# mocker itself, given runc's commands, takes runc's command line
	"$MOCKER" --root "$T/state" list -q >/dev/null || fail "mocker list"
	mkdir -p "$b"
	(cd "$b" && "$RUNC" spec) || fail "spec"
	jq -e '.process.args == ["sh"]' "$b/config.json" >/dev/null || fail "spec's config"
	(cd "$b" && "$RUNC" spec) 2>"$T/err"
	assertEquals "spec again" 1 $?
	assertEquals "mocker-runc: ./config.json: exists already" "$(cat "$T/err")"
}

test_lifecycle_create_start_kill_delete() {
	local b pid
	b=$(bundle life '.process.args = ["sh", "-c", "trap \"exit 4\" TERM; sleep 100 & wait"]')
	rt create --bundle "$b" --pid-file "$T/pid" c1 </dev/null >/dev/null 2>"$T/err"
	assertEquals "create: $(cat "$T/err")" 0 $?
	pid=$(cat "$T/pid")
	assertEquals "created" created "$(status_of c1)"
	assertEquals "state's pid" "$pid" "$(rt state c1 | jq .pid)"
	# made and waiting: in its own namespaces and cgroup already
	assertNotEquals "its own PID namespace" "$(readlink /proc/self/ns/pid)" "$(readlink "/proc/$pid/ns/pid")"
	assertNotEquals "its own mount namespace" "$(readlink /proc/self/ns/mnt)" "$(readlink "/proc/$pid/ns/mnt")"
	grep -q mocker- "/proc/$pid/cgroup" || fail "in its cgroup: $(cat "/proc/$pid/cgroup")"
	rt start c1 || fail "start"
	assertEquals "running" running "$(status_of c1)"
	assertEquals "the config's program runs" sh "$(cat "/proc/$pid/comm")"
	rt start c1 2>"$T/err"
	assertEquals "start twice" "mocker-runc: cannot start container 'c1': it is running, not created" "$(cat "$T/err")"
	rt delete c1 2>"$T/err"
	assertEquals "delete of a running one" \
		"mocker-runc: cannot delete container 'c1': it is running (stop it, or delete --force)" "$(cat "$T/err")"
	rt kill c1 TERM || fail "kill"
	wait_until 10 '[ "$(status_of c1)" = stopped ]' || fail "stopped after TERM"
	rt kill c1 KILL 2>"$T/err"
	assertEquals "kill of a stopped one" "mocker-runc: cannot kill container 'c1': it is not running" "$(cat "$T/err")"
	rt delete c1 || fail "delete"
	assert_gone c1
}

test_run_passes_stdio_and_status() {
	local b out
	b=$(bundle run '.process.args = ["sh", "-c", "echo out; echo err >&2; exit 7"]')
	out=$(cd "$b" && rt run r1 </dev/null 2>"$T/err")
	assertEquals "exit status" 7 $?
	assertEquals "stdout" out "$out"
	assertEquals "stderr" err "$(cat "$T/err")"
	assert_gone r1
}

test_the_config_is_applied() {
	local b out
	b=$(bundle cfg '.process.args = ["sh", "-c", "hostname; id; umask; cat /proc/sys/net/ipv4/ip_forward; grep CapBnd /proc/self/status; cat /proc/cmdline | wc -c; touch /ro/x 2>&1 | grep -c Read-only; ls /dev/test1"]
		| .hostname = "oci-host" | .process.user = {uid: 10, gid: 20, additionalGids: [5], umask: 18}
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.maskedPaths += ["/proc/cmdline"]
		| .process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}
		| .mounts += [{destination: "/ro", type: "tmpfs", source: "tmpfs", options: ["ro"]}]
		| .linux.devices = [{path: "/dev/test1", type: "c", major: 1, minor: 3, fileMode: 438}]')
	out=$(rt run --bundle "$b" c2 </dev/null 2>&1)
	assertEquals "exit status: $out" 0 $?
	assertEquals "the config's settings" \
"oci-host
uid=10 gid=20 groups=5(tty)
0022
1
CapBnd:	0000000000000020
0
1
/dev/test1" "$out"
	assert_gone c2
}

test_exec_into_a_running_one() {
	local b pid
	b=$(bundle exec '.process.args = ["sleep", "100"]')
	rt run -d --bundle "$b" e1 </dev/null || fail "run -d"
	rt exec e1 sh -c 'test "$(cat /proc/1/comm)" = sleep || exit 1; exit 5' </dev/null
	assertEquals "exec's status" 5 $?
	jq '.process | .args = ["sh", "-c", "echo detached > /tmp/d; exec sleep 100"]' \
		"$b/config.json" > "$T/process.json"
	rt exec --detach --pid-file "$T/epid" --process "$T/process.json" e1 </dev/null || fail "exec -d"
	pid=$(cat "$T/epid")
	wait_for 5 file_has "$b/rootfs/tmp/d" detached || fail "the detached process ran"
	rt ps --format json e1 | jq -e "index($pid)" >/dev/null || fail "ps: $(rt ps --format json e1)"
	rt kill --all e1 KILL || fail "kill --all"
	wait_until 10 '[ "$(status_of e1)" = stopped ] && not_running '"$pid" || fail "all killed"
	rt delete e1 || fail "delete"
	assert_gone e1
}

test_hooks_get_the_state() {
	local b
	b=$(bundle hooks '.process.args = ["true"]
		| .hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "cat > '"$T"'/prestart"]}],
		            poststop: [{path: "/bin/sh", args: ["sh", "-c", "cat > '"$T"'/poststop"]}]}')
	rt run --bundle "$b" h1 </dev/null || fail "run"
	assertEquals "prestart's stdin" "created h1 $b" "$(jq -r '"\(.status) \(.id) \(.bundle)"' "$T/prestart")"
	assertEquals "poststop's stdin" "stopped h1" "$(jq -r '"\(.status) \(.id)"' "$T/poststop")"
	# a failing prestart hook fails create, and leaves nothing
	b=$(bundle hooks2 '.hooks = {prestart: [{path: "/bin/false"}]}')
	rt create --bundle "$b" h2 </dev/null 2>"$T/err"
	assertEquals "create with a failing hook" 1 $?
	assertEquals "mocker-runc: hook /bin/false: exit status 1" "$(cat "$T/err")"
	assert_gone h2
}

test_errors_name_what_is_wrong() {
	local b
	b=$(bundle bad '.process.foo = 1')
	rt create --bundle "$b" x1 2>"$T/err"
	assertEquals "exit status" 1 $?
	assertEquals "unknown field" "mocker-runc: config.json: process.foo: not supported by mocker" "$(cat "$T/err")"
	b=$(bundle bad2 '.process.capabilities.bounding += ["CAP_TEST"]')
	rt create --bundle "$b" x2 2>"$T/err"
	assertEquals "unknown capability" \
		"mocker-runc: config.json: process.capabilities.bounding: unknown capability 'CAP_TEST'" "$(cat "$T/err")"
	b=$(bundle bad3 '.process.rlimits[0].type = "RLIMIT_FOO"')
	rt create --bundle "$b" x3 2>"$T/err"
	assertEquals "unknown rlimit" "mocker-runc: config.json: process.rlimits: unknown type 'RLIMIT_FOO'" "$(cat "$T/err")"
	b=$(bundle bad4 '.linux.namespaces += [{type: "user", path: "/proc/self/ns/user"}]')
	rt create --bundle "$b" x4 2>"$T/err"
	assertEquals "a user namespace by path" "mocker-runc: config.json: linux.namespaces: joining a user namespace by path is not supported yet" "$(cat "$T/err")"
	b=$(bundle bad5 '.linux.namespaces += [{type: "ipc", path: "/proc/self/ns/uts"}] | .linux.namespaces |= map(select(.type != "ipc" or .path))')
	rt create --bundle "$b" x5 2>"$T/err"
	assertEquals "a namespace of the wrong type" "mocker-runc: linux.namespaces: '/proc/self/ns/uts' is not a ipc namespace" "$(cat "$T/err")"
	rt state nope 2>"$T/err"
	assertEquals "unknown ID" "mocker-runc: container 'nope' does not exist" "$(cat "$T/err")"
	rt state 2>"$T/err"
	assertEquals "no ID" "mocker-runc: state: the container's ID is needed (see mocker-runc --help)" "$(cat "$T/err")"
	b=$(bundle dup '.process.args = ["sleep", "100"]')
	rt create --bundle "$b" d1 </dev/null || fail "create"
	rt create --bundle "$b" d1 </dev/null 2>"$T/err"
	assertEquals "a duplicate ID" "mocker-runc: container 'd1' already exists" "$(cat "$T/err")"
	rt kill d1 NOSIG 2>"$T/err"
	assertEquals "a bad signal" "mocker-runc: 'NOSIG': not a signal" "$(cat "$T/err")"
	rt delete --force d1 || fail "delete --force"
	"$RUNC" --log "$T/log" --log-format json --root "$T/state" state nope 2>/dev/null
	jq -e 'select(.level == "error") | .msg == "container '\''nope'\'' does not exist"' "$T/log" >/dev/null ||
		fail "the JSON log: $(cat "$T/log")"
	assertEquals "nothing left" "" "$(ls "$T/state")"
	assert_gone d1
}

test_mocker_init_annotation() {
	local b out
	b=$(bundle init '.annotations = {"run.mocker.init": "true"}
		| .process.args = ["sh", "-c", "readlink /proc/1/exe; sh -c \"sleep 0.1 &\"; sleep 0.3; ps -o stat,comm | grep -c Z"]')
	out=$(rt run --bundle "$b" i1 </dev/null 2>&1)
	assertEquals "mocker-init as PID 1, orphans reaped" "/memfd:mocker-init (deleted)
0" "$out"
}

# No mount namespace in the config: the caller's, as the spec says; the
# container is chrooted, its mounts are the caller's until delete removes
# them (in a mount namespace of the test's own, to see them).
test_without_a_mount_namespace() {
	local b out
	b=$(bundle nomnt '.linux.namespaces |= map(select(.type != "mount"))
		| .process.args = ["sh", "-c", "ls /proc/1/ns/mnt >/dev/null && echo in"]')
	# shellcheck disable=SC2016 # arguments of the inner sh
	out=$(unshare -m sh -c '"$0" --root "$1" run --bundle "$2" nm </dev/null 2>"$3";
		echo "rc=$?"; grep -c " $2/rootfs" /proc/self/mountinfo' "$RUNC" "$T/state" "$b" "$T/err")
	assertEquals "ran, and nothing left mounted" "in
rc=0
0" "$out"
	assertEquals "said" "mocker-runc: warning: linux.namespaces: no mount namespace: the container's mounts are made in the caller's and it is chrooted, which CAP_SYS_CHROOT escapes" "$(cat "$T/err")"
	assert_gone nm
}

# --- a hostile rootfs ------------------------------------------------------------

# Links in the rootfs to host paths at every place the config names: mount
# destinations (tmpfs, bind, tmpcopyup), masked and read-only paths,
# device nodes. Each must resolve inside the rootfs.
test_attack_symlinks_in_the_rootfs() {
	local b out h=$T/host-dir h2=$T/host-dir2
	b=$(bundle evil '.process.args = ["sh", "-c", "cat /masked; echo x > /ro-link/w; ls /copied"]
		| .mounts += [{destination: "/escape/sub", type: "tmpfs", source: "tmpfs"},
		              {destination: "/escape2", type: "bind", source: "'"$T/src"'", options: ["bind"]},
		              {destination: "/copied", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}]
		| .linux.maskedPaths += ["/masked"] | .linux.readonlyPaths += ["/ro-link"]
		| .linux.devices = [{path: "/dev/evil/null", type: "c", major: 1, minor: 3}]')
	mkdir -p "$h" "$h2" "$T/src" "$b/rootfs$h" "$b/rootfs$h2"
	echo secret > "$h/file"
	echo inside > "$b/rootfs$h/file"
	ln -s "$h" "$b/rootfs/escape"
	ln -s "$h2" "$b/rootfs/escape2"
	ln -s "$h/file" "$b/rootfs/masked"
	ln -s "$h" "$b/rootfs/ro-link"
	ln -s "$h" "$b/rootfs/copied"
	mv "$b/rootfs/dev" "$b/rootfs/dev.real"
	ln -s "$h" "$b/rootfs/dev"
	# the control: followed on the host, each leads out
	assertEquals "the links lead to the host" "$h/file" "$(readlink -f "$b/rootfs/masked")"
	out=$(rt run --bundle "$b" v1 </dev/null 2>&1)
	assertEquals "refused: the image's /dev is a link" 		"mocker-runc: cannot make /dev: the image's /dev is a symbolic link: refused: Symbolic link loop" "$out"
	rm "$b/rootfs/dev" && mv "$b/rootfs/dev.real" "$b/rootfs/dev"
	out=$(rt run --bundle "$b" v1 </dev/null 2>&1)
	assertEquals "the container ran" "sh: can't create /ro-link/w: Read-only file system
file
sub" "$out"
	assertEquals "nothing mounted on the host's side" "" "$(grep "$h" /proc/self/mountinfo)"
	assertEquals "nothing made on the host" "$h/file" "$(find "$h" "$h2" -mindepth 1)"
	assertEquals "the host's file untouched" secret "$(cat "$h/file")"
	assertTrue "the mount point made inside the rootfs" "[ -d '$b/rootfs$h/sub' ]"
	# a link whose target is missing inside: refused, nothing made anywhere
	rm -rf "${b:?}/rootfs$h"
	out=$(rt run --bundle "$b" v2 </dev/null 2>&1)
	assertEquals "a dangling link at a mount point" 		"mocker-runc: cannot mount the config's mounts: /escape/sub: Symbolic link loop" "$out"
	assertEquals "still nothing on the host" "$h/file" "$(find "$h" "$h2" -mindepth 1)"
	assert_gone v2
}

# A cgroup mount, read-write: the container sees its own cgroups only, never
# a hierarchy's root above them (it could move itself out of its devices
# cgroup there, and open the host's disks).
test_attack_cgroup_mount_shows_only_its_own() {
	local b out
	b=$(bundle cgmount '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
			options: ["nosuid", "noexec", "nodev"]}]
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]
		| .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.args = ["sh", "-c", "ls /sys/fs/cgroup/memory | wc -l; grep -c . /sys/fs/cgroup/unified/cgroup.procs;
			echo $$ 2>/dev/null > /sys/fs/cgroup/devices/cgroup.procs; sh -c \"echo a > /sys/fs/cgroup/devices/devices.allow\" 2>&1 | grep -c Read-only;
			mknod /tmp/disk b 254 0 2>&1 | grep -c \"not permitted\""]')
	# the control: the host's root of that hierarchy is there to be reached
	assertTrue "the host's memory root" "[ -f /sys/fs/cgroup/memory/cgroup.procs ]"
	out=$(rt run --bundle "$b" g1 </dev/null 2>&1)
	# nothing of the host's memory root; its own two processes; read-only
	# without CAP_SYS_ADMIN; no disk
	assertEquals "its own cgroups: $out" "0
2
1
1" "$out"
	assert_gone g1
}

# A container with CAP_SYS_PTRACE sees the process of another container
# that shares its PID namespace wait for start (as a Pod's do), and of an
# exec: what /proc/PID/exe gives it must be a sealed copy, never the host's
# mocker, which it could write once nothing runs it (CVE-2019-5736).
test_attack_exe_of_a_waiting_process_is_sealed() {
	local a b apid bpid nspid out sum
	sum=$(md5sum < "$MOCKER")
	a=$(bundle ptA '.process.args = ["sleep", "100"]
		| .process.capabilities.bounding += ["CAP_SYS_PTRACE"] | .process.capabilities.permitted += ["CAP_SYS_PTRACE"]
		| .process.capabilities.effective += ["CAP_SYS_PTRACE"]')
	rt run -d --bundle "$a" --pid-file "$T/apid" pa </dev/null || fail "run A"
	apid=$(cat "$T/apid")
	b=$(bundle ptB '.process.args = ["true"] | .linux.namespaces |= map(if .type == "pid" then .path = "/proc/'"$apid"'/ns/pid" else . end)')
	rt create --bundle "$b" --pid-file "$T/bpid" pb </dev/null || fail "create B"
	bpid=$(cat "$T/bpid")
	nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$bpid/status")
	out=$(rt exec pa sh -c "readlink /proc/$nspid/exe; echo x >> /proc/$nspid/exe && echo written" \
		</dev/null 2>/dev/null)
	assertEquals "what the other container reaches" "/memfd:mocker (deleted)" "$out"
	assertEquals "the host's mocker untouched" "$sum" "$(md5sum < "$MOCKER")"
	rt delete --force pb
	rt delete --force pa
}

# What a container can plant where the caller writes or asks: a link at
# the pid file's temporary name, a cgroupsPath below a running container's
# cgroup, the caller's own network namespace given by path for a sysctl.
test_attack_pid_file_nested_cgroup_host_sysctl() {
	local b pid cg
	echo secret > "$T/victim"
	b=$(bundle plant '.process.args = ["sleep", "100"]')
	rt run -d --bundle "$b" --pid-file "$T/p1" pl </dev/null || fail "run"
	ln -s "$T/victim" "$b/rootfs/x.pid.tmp"   # as the container would, in its root
	rt exec --detach --pid-file "$b/rootfs/x.pid" pl true </dev/null || fail "exec -d"
	assertEquals "the link's target untouched" secret "$(cat "$T/victim")"
	assertFalse "the pid file is a file" "[ -L '$b/rootfs/x.pid' ]"
	# below the running container's own cgroup: refused
	pid=$(cat "$T/p1")
	cg=$(awk -F: '$2 == "" {print $3}' "/proc/$pid/cgroup")
	b=$(bundle nested '.linux.cgroupsPath = "'"$cg"'/sub"')
	rt create --bundle "$b" ne </dev/null 2>"$T/err"
	assertEquals "nested below a running container" \
		"mocker-runc: linux.cgroupsPath '$cg/sub': a cgroup with processes in it is there or above it (another container's)" \
		"$(cat "$T/err")"
	b=$(bundle hostnet '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)
		| .linux.sysctl = {"net.ipv4.conf.all.forwarding": "1"}')
	rt create --bundle "$b" hs </dev/null 2>"$T/err"
	assertEquals "a sysctl for the caller's namespace" \
		"mocker-runc: linux.sysctl: 'net.ipv4.conf.all.forwarding': the net namespace given by path is the caller's own" \
		"$(cat "$T/err")"
	rt delete --force pl
	assert_gone ne
}

# --- the real callers ----------------------------------------------------------------

podman_() {
	unshare -m podman --root "$T/podman" --runroot "$T/podman-run" --storage-driver vfs \
		--cgroup-manager cgroupfs "$@"
}

podman_run() {
	podman_ run --network none --runtime "$RUNC" --ulimit nofile=20000:20000 \
		--ulimit nproc=32768:32768 "$@"
}

test_podman_with_mocker_runc() {
	local out
	command -v podman >/dev/null || { fail "podman is not installed"; return; }
	podman_ load -i "$ARCHIVE" >/dev/null 2>&1 || { fail "podman load"; return; }
	out=$(podman_run --rm localhost/mocker-busybox:latest sh -c 'echo hi; exit 4' 2>&1)
	assertEquals "exit status: $out" 4 $?
	assertEquals "output" hi "$out"
	podman_run -d --name p1 localhost/mocker-busybox:latest sleep 1000 >/dev/null || fail "run -d"
	out=$(podman_ exec p1 sh -c 'cat /proc/1/comm; exit 3')
	assertEquals "exec's status" 3 $?
	assertEquals "mocker-init is PID 1" init "$out"
	out=$(script -qc "unshare -m podman --root $T/podman --runroot $T/podman-run --storage-driver vfs --cgroup-manager cgroupfs exec -it p1 tty" /dev/null | tr -d '\r\0')
	case $out in */dev/pts/*) ;; *) fail "exec -it: a terminal through --console-socket: $out" ;; esac
	podman_ stop -t 5 p1 >/dev/null || fail "stop"
	podman_ rm p1 >/dev/null || fail "rm"
	out=$(podman_run --rm --init localhost/mocker-busybox:latest cat /proc/1/cmdline | tr '\0' ' ')
	case $out in /run/podman-init*) ;; *) fail "--init: $out" ;; esac
	assertEquals "nothing left in mocker-runc's state" "" "$(ls /run/mocker-runc 2>/dev/null)"
}

test_containerd_with_mocker_runc() {
	local out c="ctr --address $T/cd/sock"
	command -v containerd >/dev/null || { fail "containerd is not installed"; return; }
	start_containerd || { fail "containerd started"; return; }
	$c images import "$ARCHIVE" >/dev/null 2>&1 || { fail "ctr images import"; return; }
	out=$($c run --rm --runc-binary "$RUNC" localhost/mocker-busybox:latest k1 sh -c 'echo via ctr; exit 6' 2>&1)
	assertEquals "exit status: $out" 6 $?
	assertEquals "output" "via ctr" "$out"
	$c run -d --runc-binary "$RUNC" localhost/mocker-busybox:latest k2 sleep 1000 >/dev/null || fail "run -d"
	out=$($c task exec --exec-id x1 k2 sh -c 'exit 2' 2>&1)
	assertEquals "exec's status: $out" 2 $?
	$c task kill -s SIGKILL k2 || fail "kill"
	wait_until 10 '$c task ls | grep -q "k2.*STOPPED"' || fail "stopped: $($c task ls)"
	$c task delete k2 >/dev/null || fail "task delete"
	$c container delete k2 || fail "container delete"
	assertEquals "nothing left in the shim's state" "" "$(ls /run/containerd/runc/default 2>/dev/null)"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
