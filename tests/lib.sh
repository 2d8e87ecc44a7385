# shellcheck shell=bash
# tests/lib.sh: shared by the *_test.sh suites (bash, shunit2).
#
# Every suite gets its own scratch directory, $T; what a test starts in the
# background is recorded and killed, what is mounted under $T is unmounted,
# in tearDown/oneTimeTearDown. Waits poll a condition (wait_for); nothing
# sleeps for a fixed time to let something happen.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${B:-$TOP/build}
MOCKER=$B/mocker
INIT=$B/mocker-init
IMAGE=$B/images/busybox/rootfs
# shellcheck disable=SC2034 # for the suites
APPLIANCE=$B/images/appliance/rootfs
HELPERS=$B/helpers
SHUNIT2=${SHUNIT2:-/usr/share/shunit2/shunit2}
export LC_ALL=C
# shellcheck disable=SC2034 # read by shunit2
SHUNIT_COLOR=none

T=$(mktemp -d /tmp/mocker-test.XXXXXX)
chmod 755 "$T" # for containers whose root is not the host's (--userns, rootless)
# the image store: the suite's own, never the machine's /var/lib/mocker
export MOCKER_STORAGE=$T/store
BG_PIDS=()

# The init as PID 1 of fresh PID, mount and UTS namespaces, chrooted into a
# root filesystem, as a plain wrapper would start it: a command (not a
# function) so that it can run in the background under bg.
mkdir -p "$T/bin"
cat > "$T/bin/run_in_ns" <<'SCRIPT'
#!/bin/sh
root=$1
shift
exec unshare -p -f -m -u --kill-child chroot "$root" /sbin/init "$@"
SCRIPT
chmod 755 "$T/bin/run_in_ns"
PATH=$T/bin:$PATH

# --- cleanup ---------------------------------------------------------------

# Unmounts everything at or under a directory, deepest first.
umount_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}

# Every descendant of a pid, deepest last.
descendants_of() {
	local c
	for c in $(children_of "$1"); do
		echo "$c"
		descendants_of "$c"
	done
}

kill_bg() {
	local p d
	for p in "${BG_PIDS[@]}"; do
		# the whole tree: an init killed alone leaves its payload, which
		# runs in a process group of its own, to the host's init
		d=$(descendants_of "$p")
		# shellcheck disable=SC2086 # $d: a list of pids
		kill -STOP $p $d 2>/dev/null
		kill -KILL -- "-$p" 2>/dev/null
		# shellcheck disable=SC2086 # $d: a list of pids
		kill -KILL $p $d 2>/dev/null
	done
	for p in "${BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	BG_PIDS=()
}

lib_cleanup() {
	kill_bg
	umount_under "$T"
	rm -rf "$T"
	# the state a rootless mocker keeps for nobody (mocker(1), ROOTLESS)
	rm -rf /tmp/mocker-65534
}

tearDown() {
	kill_bg
	umount_under "$T"
	[ "$(type -t suite_tearDown)" = function ] && suite_tearDown
	return 0
}

oneTimeTearDown() {
	lib_cleanup
}

# --- running things ------------------------------------------------------------

# bg VAR CMD...: starts CMD in the background, a command in a session of
# its own, a shell function in a subshell; its pid in VAR. kill_bg kills
# the whole tree.
bg() {
	local var=$1
	shift
	if [ "$(type -t "$1")" = function ]; then
		"$@" &
	else
		setsid "$@" &
	fi
	BG_PIDS+=("$!")
	printf -v "$var" '%s' "$!"
}

# wait_for SECONDS CMD...: polls CMD every 10 ms until it succeeds.
wait_for() {
	wait_until "$1" "$(printf '%q ' "${@:2}")"
}

# wait_until SECONDS 'CONDITION': polls a shell condition, evaluated anew at
# each poll (command substitutions included), every 10 ms until it holds.
wait_until() {
	local limit=$1 i=0 n=$(($1 * 100))
	while ! eval "$2"; do
		i=$((i + 1))
		[ "$i" -ge "$n" ] && return 1
		sleep 0.01
	done
	return 0
}

# wait_exit PID SECONDS: waits for a background child; its status in $?
# (124 if it is still running after SECONDS, and it is then killed).
wait_exit() {
	local pid=$1 limit=${2:-10}
	if ! wait_for "$limit" not_running "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

not_running() {
	! kill -0 "$1" 2>/dev/null || [ "$(state_of "$1")" = Z ]
}

state_of() {
	sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

file_has() {
	[ -f "$1" ] && grep -q -- "$2" "$1"
}

file_lines() {
	[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]
}

# A private copy of the busybox image, with the test helpers in
# /usr/local/bin; echoes its path.
make_rootfs() {
	local dir=$T/${1:-rootfs}
	rm -rf "$dir"
	cp -a "$IMAGE" "$dir"
	mkdir -p "$dir/usr/local/bin"
	cp "$HELPERS"/* "$dir/usr/local/bin/" 2>/dev/null
	# busybox sh opens /dev/null for background jobs; chroot tests have no
	# /dev of their own (mocker run mounts a fresh one over this)
	mknod -m 666 "$dir/dev/null" c 1 3
	echo "$dir"
}

# Children of a pid, from the parent field of every /proc/PID/stat (the
# kernel here has no /proc/PID/task/TID/children).
children_of() {
	local want=$1 f line rest
	for f in /proc/[0-9]*/stat; do
		# (the process may be gone: the redirection fails, quietly)
		read -r line 2>/dev/null < "$f" || continue
		rest=${line##*) }
		# shellcheck disable=SC2086 # the fields of stat
		set -- $rest
		if [ "$2" = "$want" ]; then
			f=${f#/proc/}
			echo "${f%/stat}"
		fi
	done
}

# The pid of the process whose command line contains a string, within the
# descendants of a pid.
find_desc() {
	local root=$1 pat=$2 p
	for p in $(children_of "$root"); do
		if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "$pat"; then
			echo "$p"
			return 0
		fi
		find_desc "$p" "$pat" && return 0
	done
	return 1
}

mountinfo_lines() {
	wc -l < /proc/self/mountinfo
}

skip_unless() {
	if ! "$@" >/dev/null 2>&1; then
		startSkipping
		echo "SKIPPED: needs: $*"
	fi
}

# --- mocker run suites ------------------------------------------------------------

# setUp and suite_tearDown for the suites that run mocker: each test starts
# with an empty /tmp in the image, and must leave the host's mount table
# as it found it.
launcher_setUp() {
	rm -rf "$R/tmp/"* 2>/dev/null
	BEFORE_MOUNTS=$(mountinfo_lines)
}

launcher_tearDown() {
	assertEquals "the host's mount table is as it was" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
}

run() {
	"$MOCKER" run "$@"
}

# --- the init in namespaces ----------------------------------------------------

# The first child of a process (the init under `unshare --fork`), waited for.
first_child() {
	local c
	wait_for 5 has_child "$1" || return 1
	children_of "$1" | head -n 1
}

has_child() {
	[ -n "$(children_of "$1")" ]
}

# Processes in the PID namespace of a pid (host pids).
ns_procs() {
	local ns d
	ns=$(readlink "/proc/$1/ns/pid") || return 1
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${d#/proc/}"
	done
}

zombies_in_ns() {
	local n=0 p
	for p in $(ns_procs "$1"); do
		[ "$(state_of "$p")" = Z ] && n=$((n + 1))
	done
	echo "$n"
}

no_zombies_in_ns() {
	[ "$(zombies_in_ns "$1")" = 0 ]
}

# Voluntary plus involuntary context switches of a pid.
ctxt_switches() {
	awk '/ctxt_switches/ {n += $2} END {print n}' "/proc/$1/status"
}

# The number of rt_sigtimedwait on this machine, as /proc/PID/syscall shows it.
rt_sigtimedwait_nr() {
	case $(uname -m) in
	x86_64) echo 128 ;;
	aarch64) echo 137 ;;
	*) echo "rt_sigtimedwait_nr: add $(uname -m)" >&2; echo -1 ;;
	esac
}

# assert_idle PID SECONDS PATTERN WAIT: no context switch of PID in
# SECONDS of idle (the measurement itself), and blocked in the system call
# PATTERN matches in /proc/PID/syscall (WAIT names it).
assert_idle() {
	local a b
	a=$(ctxt_switches "$1")
	sleep "$2"
	b=$(ctxt_switches "$1")
	assertEquals "context switches over $2 s of idle" "$a" "$b"
	assertTrue "blocked in $4: $(cat "/proc/$1/syscall")" "grep -q '$3' /proc/$1/syscall"
}

# The supervisor's wait: poll(2) with no timeout (x86_64); ppoll(2) with
# a NULL timeout (arm64, which has no poll). A pattern for
# /proc/PID/syscall.
idle_poll_re() {
	case $(uname -m) in
	x86_64) echo '^7 0x[0-9a-f]* 0x[0-9a-f]* 0xffffffffffffffff ' ;;
	aarch64) echo '^73 0x[0-9a-f]* 0x[0-9a-f]* 0x0 ' ;;
	*) echo "idle_poll_re: add $(uname -m)" >&2; echo '^-1' ;;
	esac
}

# A containerd of the suite's own (root, state and sockets under $T/cd, in
# a mount namespace of its own), for ctr --address "$T/cd/sock"; its log in
# $T/cd/log. bg records it: tearDown kills it.
start_containerd() {
	rm -rf "$T/cd"
	mkdir -p "$T/cd"
	cat > "$T/cd/config.toml" <<TOML
version = 2
root = "$T/cd/root"
state = "$T/cd/state"
[grpc]
  address = "$T/cd/sock"
[ttrpc]
  address = "$T/cd/sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
TOML
	bg CONTAINERD unshare -m containerd --config "$T/cd/config.toml" >"$T/cd/log" 2>&1
	wait_for 10 test -S "$T/cd/sock"
}

# The launcher and its init copied where any user can run them: the
# checkout may lie in a directory others cannot enter (mode 0700, /root).
# Echoes the copied mocker's path; images for such users go under $T too.
# bad_text EXPECTED ARGS...: mocker exits 125 with the one line EXPECTED
# (the suites check what is left behind in their tearDown).
bad_text() {
	local want=$1 rc
	shift
	"$MOCKER" "$@" >/dev/null 2>"$T/err"
	rc=$?
	assertEquals "'$*': exit 125" 125 "$rc"
	assertEquals "'$*': the message" "mocker: $want" "$(cat "$T/err")"
}

mocker_for_all() {
	mkdir -p "$T/all"
	cp "$MOCKER" "$INIT" "$T/all/"
	chmod 755 "$T/all" "$T/all/mocker" "$T/all/mocker-init"
	echo "$T/all/mocker"
}
