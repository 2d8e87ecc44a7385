#!/bin/bash
# mocker run: namespaces, pivot_root, /proc /sys /dev, hostname, volumes,
# hygiene, signals, terminal, exit status, bad input, and no leaks.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

export TERM=dumb

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null" # the image's /dev stays empty: mocker makes one
}

setUp() { launcher_setUp; }
suite_tearDown() { launcher_tearDown; }

# --- namespaces --------------------------------------------------------------------

test_new_namespaces() {
	local ns inside host
	for ns in pid mnt uts ipc net cgroup; do
		inside=$(run "$R" readlink /proc/self/ns/$ns)
		host=$(readlink /proc/self/ns/$ns)
		assertNotEquals "$ns namespace is new" "$host" "$inside"
		[ -n "$inside" ] || fail "$ns readable inside"
	done
}

test_init_is_pid1_and_sees_only_the_container() {
	local out
	out=$(run "$R" sh -c 'tr "\0" " " < /proc/1/cmdline; echo; ls -d /proc/[0-9]* | wc -l')
	echo "$out" | head -n 1 | grep -Eq '^/sbin/init --launcher-signals [0-9a-f]{16}:[0-9a-f]{16} -t 10 -- sh' ||
		fail "PID 1: $out"
	assertTrue "a handful of processes: $out" "[ $(echo "$out" | tail -n 1) -le 4 ]"
}

test_network_only_loopback_up() {
	local out
	out=$(run "$R" sh -c 'ls /sys/class/net; ip -o link | cut -d: -f2')
	assertEquals "only lo" "lo
 lo" "$out"
	out=$(run "$R" ip link show lo)
	echo "$out" | grep -q 'UP' || fail "lo is up: $out"
	out=$(run --net host "$R" ls /sys/class/net)
	assertEquals "--net host: the host's interfaces" "$(ls /sys/class/net)" "$out"
}

# --- mounts ------------------------------------------------------------------------

test_nothing_mounted_inside_shows_on_the_host() {
	local m init
	bg m "$MOCKER" run --tmpfs /scratch -v "$T:/vol" "$R" sh -c 'touch /tmp/up; exec sleep 100'
	wait_for 5 test -e "$R/tmp/up" || fail "started"
	assertEquals "the host's mount table" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
	assertFalse "no mount under the image" "grep -q ' $R' /proc/self/mountinfo"
}

test_chroot_escape_reaches_nothing() {
	local marker=/tmp/mocker-escape-marker.$$ out
	touch "$marker"
	out=$(run "$R" escape "$marker")
	local rc=$?
	rm -f "$marker"
	assertEquals "contained: $out" 1 "$rc"
}

test_proc_sys_dev() {
	local out
	out=$(run "$R" sh -c 'grep " /proc " /proc/self/mountinfo')
	echo "$out" | grep -q 'rw,nosuid,nodev,noexec' || fail "/proc options: $out"
	out=$(run "$R" sh -c 'grep " /sys " /proc/self/mountinfo; touch /sys/x 2>&1')
	echo "$out" | grep -q ' /sys ro,' || fail "/sys read-only: $out"
	echo "$out" | grep -qi 'read-only' || fail "writes fail: $out"
	out=$(run "$R" sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done')
	assertEquals "devices" "/dev/null character special file 1:3 666
/dev/zero character special file 1:5 666
/dev/full character special file 1:7 666
/dev/random character special file 1:8 666
/dev/urandom character special file 1:9 666
/dev/tty character special file 5:0 666" "$out"
	out=$(run "$R" sh -c 'grep -E " /dev(/pts|/shm)? " /proc/self/mountinfo | cut -d" " -f5,9; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done')
	# /dev/shm's source is "shm", as Docker and runc name it
	assertEquals "/dev mounts and links" "/dev tmpfs
/dev/pts devpts
/dev/shm shm
pts/ptmx
/proc/self/fd
/proc/self/fd/0
/proc/self/fd/1
/proc/self/fd/2" "$out"
	out=$(run "$R" sh -c 'echo hi > /dev/shm/x && cat /dev/shm/x; head -c 4 /dev/zero | wc -c')
	assertEquals "usable" "hi
4" "$out"
}

# --- hostname ----------------------------------------------------------------------

test_hostname() {
	local host
	host=$(hostname)
	assertEquals "given" "web1" "$(run --hostname web1 "$R" hostname)"
	assertEquals "HOSTNAME" "web1" "$(run --hostname web1 "$R" sh -c 'echo $HOSTNAME')"
	mkdir -p "$T/web.image"
	mount --bind "$R" "$T/web.image"
	assertEquals "from the image directory" "web-image" "$(run "$T/web.image" hostname)"
	umount "$T/web.image"
	assertEquals "images/NAME/rootfs gives NAME" "busybox" "$(run "$IMAGE" hostname)"
	assertEquals "the host's never changes" "$host" "$(hostname)"
}

# --- volumes, read-only, tmpfs -------------------------------------------------------

test_volumes() {
	local out
	mkdir -p "$T/data" "$T/ro"
	echo original > "$T/ro/file"
	out=$(run -v "$T/data:/data" -v "$T/ro:/ro:ro" "$R" sh -c \
		'echo written > /data/new; cat /ro/file; (echo x > /ro/file) 2>&1')
	assertEquals "written through" "written" "$(cat "$T/data/new")"
	echo "$out" | grep -q '^original$' || fail "read: $out"
	echo "$out" | grep -qi 'read-only file system' || fail "EROFS on :ro: $out"
	assertEquals "unchanged" "original" "$(cat "$T/ro/file")"
	echo hostfile > "$T/one"
	assertEquals "a file volume" "hostfile" "$(run -v "$T/one:/etc/one:ro" "$R" cat /etc/one)"
}

test_read_only_root_and_tmpfs() {
	local out
	out=$(run --read-only --tmpfs /scratch "$R" sh -c \
		'touch /newfile 2>&1; echo ok > /scratch/f && cat /scratch/f; grep " /scratch " /proc/self/mountinfo | cut -d" " -f9; echo x > /dev/shm/y && echo devok')
	echo "$out" | grep -qi 'read-only file system' || fail "EROFS on the root: $out"
	echo "$out" | grep -q '^ok$' || fail "tmpfs writable: $out"
	echo "$out" | grep -q '^tmpfs$' || fail "a tmpfs: $out"
	echo "$out" | grep -q '^devok$' || fail "/dev writable: $out"
	assertFalse "nothing written to the image" "[ -e '$R/newfile' ]"
}

# --- hygiene -----------------------------------------------------------------------

test_only_std_fds_and_clean_env() {
	local out
	out=$(run "$R" sh -c 'ls /proc/self/fd | xargs' 5< /etc/hostname 7< /etc/hostname)
	assertEquals "fds 0 1 2 (3 is ls's own)" "0 1 2 3" "$out"
	out=$(SECRET=leak run --hostname h -e FOO=bar -e TERM "$R" env | sort | grep -v '^SHLVL=\|^PWD=')
	assertEquals "clean environment" "FOO=bar
HOME=/root
HOSTNAME=h
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
TERM=dumb" "$out"
	assertEquals "cwd" "/" "$(run "$R" pwd)"
	assertEquals "-w" "/tmp" "$(run -w /tmp "$R" pwd)"
	assertEquals "-w made when missing" "/new/dir" "$(run -w /new/dir "$R" pwd)"
	rm -rf "$R/new"
}

test_signal_during_setup_is_not_lost() {
	# TERM at 0 to 3 ms after mocker starts: in its setup, at the exec of
	# the init, as the init starts. sleep dies of it (143 through the
	# init); a lost one leaves it running (timeout: 124).
	local delay rc lost=0
	for delay in 0 50 100 200 300 400 500 700 1000 1500 2000 3000; do
		timeout 10 "$HELPERS/sigsoon" 15 "$delay" "$MOCKER" run -q "$R" sleep 30
		rc=$?
		[ "$rc" = 143 ] || fail "TERM $delay us in: exit $rc (124: it was lost)"
	done
	# a setup made long (60 tmpfs mounts, some 10 ms), so that 1 to 4 ms
	# in is surely inside it: held, then passed on
	local slow=() i
	for i in $(seq 60); do slow+=(--tmpfs "/slow$i"); done
	for delay in 1000 2000 3000 4000; do
		timeout 10 "$HELPERS/sigsoon" 15 "$delay" "$MOCKER" run -q "${slow[@]}" "$R" sleep 30
		rc=$?
		[ "$rc" = 143 ] || fail "TERM $delay us into a long setup: exit $rc"
	done
	# control: forwarded at once, the init not told to keep them blocked
	for delay in 1000 2000 3000 4000; do
		MOCKER_TEST_NO_SIGNAL_HOLD=1 timeout 2 "$HELPERS/sigsoon" 15 "$delay" \
			"$MOCKER" run -q "${slow[@]}" "$R" sleep 30
		[ $? = 124 ] && lost=$((lost + 1))
	done
	assertTrue "control: without the hold, signals are lost ($lost of 4)" "[ $lost -ge 1 ]"
	rm -rf "$R"/slow*
}

test_no_proc_polling_for_mocker_init() {
	local f launcher
	# with mocker-init, the launcher sends the signal at once and reads
	# nothing of the child's from /proc; control: a foreign init (sh as
	# --no-init PID 1) is watched there until it can take it
	for mode in ours foreign; do
		rm -f "$T"/trace.*
		if [ $mode = ours ]; then
			strace -ff -o "$T/trace" -e trace=execve,openat,newfstatat,stat,statx \
				"$HELPERS/sigsoon" 15 500 "$MOCKER" run -q "$R" sleep 30 2>/dev/null
		else
			strace -ff -o "$T/trace" -e trace=execve,openat,newfstatat,stat,statx \
				"$HELPERS/sigsoon" 15 500 "$MOCKER" run -q --no-init "$R" \
				sh -c 'trap "exit 143" TERM; while :; do sleep 0.01; done' 2>/dev/null
		fi
		assertEquals "$mode: TERM reached the payload" 143 $?
		launcher=
		for f in "$T"/trace.*; do
			grep -q "^execve(\"$MOCKER\"" "$f" && launcher=$f
		done
		assertNotEquals "$mode: the launcher traced" "" "$launcher"
		if [ $mode = ours ]; then
			assertEquals "no /proc/PID/ file read" "" \
				"$(grep -E '"/proc/[0-9]+/(status|syscall|exe)"' "$launcher")"
		else
			assertNotEquals "control: the foreign init watched" "" \
				"$(grep -E '"/proc/[0-9]+/(status|syscall|exe)"' "$launcher")"
		fi
	done
}

test_ignored_sigchld_and_read_only_workdir() {
	assertEquals "SIGCHLD ignored by the caller: no hang" 3 \
		"$(timeout 10 "$HELPERS/sigmask" -i 17 -- "$MOCKER" run "$R" sh -c 'exit 3'; echo $?)"
	assertEquals "the container starts with nothing ignored" "0000000000000000" \
		"$("$HELPERS/sigmask" -i 1 -i 13 -- "$MOCKER" run "$R" cat /proc/self/status | awk '/^SigIgn/ {print $2}')"
	assertEquals "--read-only and a missing -w" "/made/here" "$(run --read-only -w /made/here "$R" pwd)"
	rm -rf "$R/made"
}

test_listen_fds_passed() {
	local out
	out=$(bash -c 'exec 3< /etc/hostname; LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" run "$1" sh -c "echo \$LISTEN_FDS; ls /proc/self/fd | xargs"' "$MOCKER" "$R")
	assertEquals "one socket-activation fd" "1
0 1 2 3 4" "$out"
}

test_user() {
	assertEquals "by name" "uid=65534(nobody) gid=65534(nogroup) groups=100(users),65534(nogroup)" \
		"$(run -u nobody "$R" id)"
	assertEquals "HOME" "/home/user" "$(run -u user "$R" sh -c 'echo $HOME')"
	assertEquals "numeric" "uid=1234 gid=5678 groups=5678" "$(run -u 1234:5678 "$R" id)"
	run -u nosuch "$R" true 2>"$T/err"
	assertEquals "unknown: 125" 125 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
}

# --- init choice -------------------------------------------------------------------

test_no_init_and_host_init() {
	assertEquals "--no-init: the command is PID 1" "1" "$(run --no-init "$R" sh -c 'echo $$')"
	local bare=$T/bare
	cp -a "$R" "$bare"
	rm -f "$bare/sbin/init"
	assertEquals "no /sbin/init: the host's, at /dev/init" \
		"/dev/init --launcher-signals 0000000000000000:0000000000000000 -t 10 -- cat /proc/1/cmdline" \
		"$(run "$bare" cat /proc/1/cmdline | tr '\0' ' ' | sed 's/ $//')"
	assertFalse "the image is untouched" "[ -e '$bare/sbin/init' ] || [ -e '$bare/dev/init' ]"
	assertEquals "the init is a sealed copy in memory, not the host's file" \
		"/memfd:mocker-init (deleted)" "$(run "$bare" readlink /proc/1/exe)"
	run "$bare" sh -c 'echo x >> /proc/1/exe' 2>/dev/null
	assertNotEquals "which cannot be written" 0 $?
	assertEquals "--init PATH" "/dev/init" "$(run --init "$INIT" "$R" sh -c 'tr "\0" "\n" < /proc/1/cmdline | head -n 1')"
}

# --- signals -----------------------------------------------------------------------

test_signals_to_mocker_reach_the_container() {
	local m s
	bg m "$MOCKER" run "$R" sigrecv /tmp/sigs 15
	wait_for 5 file_has "$R/tmp/sigs" ready
	for s in HUP QUIT USR1 USR2 WINCH TERM; do
		kill -"$s" "$m"
		wait_until 5 '[ "$(grep -cx "$(kill -l "$s")" "$R/tmp/sigs")" = 1 ]' || fail "$s reached it"
	done
	wait_exit "$m" 5
	assertEquals "the payload's exit status" 0 $?
	# SIGINT stops the container as SIGTERM does: the stop signal reaches it
	rm -f "$R/tmp/sigs"
	bg m "$MOCKER" run "$R" sigrecv /tmp/sigs 15
	wait_for 5 file_has "$R/tmp/sigs" ready
	kill -INT "$m"
	wait_until 5 '[ "$(grep -cx 15 "$R/tmp/sigs")" = 1 ]' || fail "INT stopped it with TERM"
	wait_exit "$m" 5
	assertEquals "the payload's exit status" 0 $?
}

test_trap_runs_and_status_returns() {
	local m
	bg m "$MOCKER" run "$R" sh -c 'trap "echo trapped > /tmp/t; exit 42" TERM; touch /tmp/up; while :; do sleep 0.05; done'
	wait_for 5 test -e "$R/tmp/up"
	kill -TERM "$m"
	wait_exit "$m" 5
	assertEquals "the trap's status" 42 $?
	assertEquals "the trap ran" "trapped" "$(cat "$R/tmp/t")"
}

# Processes (host pids) whose PID namespace is ns, a readlink of ns/pid.
procs_in_ns() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/ns/pid" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
	done
}

test_sigkill_of_mocker_kills_the_container() {
	local m init ns
	bg m "$MOCKER" run "$R" sh -c 'sleep 100 & touch /tmp/up; exec sleep 101'
	wait_for 5 test -e "$R/tmp/up"
	init=$(first_child "$m")
	ns=$(readlink "/proc/$init/ns/pid")
	kill -KILL "$m"
	wait "$m" 2>/dev/null
	wait_for 1 not_running "$init"
	assertTrue "no container process after 1 s" "not_running $init"
	# the rest of the namespace goes with its init, at once or nearly
	wait_until 2 '[ -z "$(procs_in_ns "$ns")" ]'
	assertEquals "none of its processes either" "" "$(procs_in_ns "$ns")"
}

# --- terminal ------------------------------------------------------------------------

test_interactive_shell_with_job_control() {
	local out
	out=$({
		echo 'expect # '
		echo 'send sleep 34\n'
		wait_for 5 pgrep -f '^sleep 34' >/dev/null
		echo 'send \x1a'
		echo 'expect Stopped'
		echo 'send fg\n'
		wait_until 5 '[ "$(state_of "$(pgrep -f "^sleep 34")")" = S ]'
		echo 'send \x03'
		echo 'send echo done\n'
		echo 'expect done'
		echo 'send exit 3\n'
		echo 'wait'
	} | "$HELPERS/ptyrun" -t 10 -o "$T/transcript" -- "$MOCKER" run "$R" sh -i)
	assertEquals "transcript: $(cat -v "$T/transcript")" "exit 3" "$out"
	assertFalse "job control on" "grep -q 'job control turned off' '$T/transcript'"
}

# --- exit status and bad input -------------------------------------------------------------

test_exit_status() {
	run "$R" sh -c 'exit 7'
	assertEquals "the container's" 7 $?
	run "$R" sh -c 'kill -USR2 $$'
	assertEquals "128+signal" 140 $?
	run "$R" nosuchcommand 2>"$T/err"
	assertEquals "not found" 127 $?
	grep -q nosuchcommand "$T/err" || fail "named: $(cat "$T/err")"
	run "$R" /etc/passwd 2>/dev/null
	assertEquals "not executable" 126 $?
	run --no-init "$R" nosuchcommand 2>"$T/err"
	assertEquals "--no-init: not found" 127 $?
	run --no-init "$R" /etc/passwd 2>/dev/null
	assertEquals "--no-init: not executable" 126 $?
}

bad_run() {
	"$MOCKER" "$@" >/dev/null 2>"$T/err"
	local rc=$?
	assertEquals "'$*': exit 125" 125 "$rc"
	assertEquals "'$*': one line: $(cat "$T/err")" 1 "$(wc -l < "$T/err")"
}

test_bad_input() {
	bad_run run "$T/missing" true
	bad_run run -v nocolon "$R" true
	bad_run run -v "$T/missing:/x" "$R" true
	bad_run run -v "$T:/x:rx" "$R" true
	bad_run run --bogus "$R" true
	bad_run run -Z "$R" true
	bad_run run --hostname "$(printf 'a%.0s' $(seq 65))" "$R" true
	bad_run run --hostname "bad_name" "$R" true
	bad_run run --net frob "$R" true
	bad_run run --memory lots "$R" true
	bad_run run
	bad_run frobnicate
	bad_run run --hostname
	assertEquals "nothing left behind" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
}

test_every_option_says_what_is_wrong() {
	local see='(see mocker run --help)' opt
	# a missing value, for every option that takes one
	for opt in --hostname -e --env -w --workdir -u --user -v --volume --tmpfs --net \
		--network --init --memory --pids-limit --cpus --cap-add --cap-drop --security-opt \
		--entrypoint --env-file --group-add --shm-size --add-host --dns --dns-search \
		--dns-option --restart --stop-signal --stop-timeout --ulimit; do
		bad_text "option '$opt' needs a value $see" run "$opt"
	done
	# a bad value
	bad_text "--hostname 'bad_name': letters, digits, '-' and '.', at most 64 bytes $see" \
		run --hostname bad_name "$R"
	bad_text "--env '=x': expected KEY=VALUE $see" run -e =x "$R"
	bad_text "--workdir 'rel': must be an absolute path $see" run -w rel "$R"
	bad_text "--user ':x': expected USER[:GROUP] $see" run -u :x "$R"
	bad_text "--volume 'nocolon': expected HOST:CONTAINER[:OPTIONS] $see" run -v nocolon "$R"
	bad_text "--volume 'rx': unknown option (ro, rw, U, idmap, z, Z) $see" run -v "$T:/x:rx" "$R"
	bad_text "--volume 'a:/b': paths must be absolute $see" run -v a:/b "$R"
	bad_text "--tmpfs 'run': expected an absolute path other than / $see" run --tmpfs run "$R"
	bad_text "--net 'frob': expected none, private, pasta, host or ns:PATH $see" run --net frob "$R"
	bad_text "--init '': expected a path $see" run --init '' "$R"
	bad_text "--memory 'lots': expected a size such as 64m $see" run --memory lots "$R"
	bad_text "--memory '1k': the minimum is 4m $see" run --memory 1k "$R"
	bad_text "--pids-limit '0': expected a number in range $see" run --pids-limit 0 "$R"
	bad_text "--cpus 'x': expected a number of CPUs such as 0.5 $see" run --cpus x "$R"
	bad_text "--cap-add 'FLY': unknown capability $see" run --cap-add FLY "$R"
	bad_text "--cap-drop 'FLY': unknown capability $see" run --cap-drop FLY "$R"
	bad_text "--security-opt 'x': expected seccomp=unconfined or no-new-privileges=false $see" \
		run --security-opt x "$R"
	bad_text "--userns 'x': expected BASE:SIZE, auto or keep-id $see" run --userns=x "$R"
	bad_text "--overlay 'rel': expected an absolute directory $see" run --overlay=rel "$R"
	bad_text "unknown option '-Z' $see" run -Z "$R"
	bad_text "unknown option '--bogus' $see" run --bogus "$R"
}

test_help_and_version() {
	"$MOCKER" run --help | grep -q '^usage: mocker run' || fail "help"
	"$MOCKER" --version | grep -Eq '^mocker version [0-9.]+$' || fail "version"
}

# --- no leaks ----------------------------------------------------------------------

test_1000_runs_leave_nothing() {
	local i step m rc
	for i in $(seq 1000); do
		case $((i % 4)) in
		0) run -q "$R" true || fail "run $i" ;;
		1)
			step=$(((i / 4) % 30 + 1))
			MOCKER_FAIL_STEP=$step run -q "$R" true 2>/dev/null
			rc=$?
			[ "$rc" = 125 ] || [ "$rc" = 0 ] || fail "failure at step $step: $rc"
			;;
		2)
			# SIGKILL at some point during setup
			"$MOCKER" run -q "$R" true &
			m=$!
			[ $((i % 3)) = 0 ] || sleep 0.00$((i % 10))
			kill -KILL "$m" 2>/dev/null
			wait "$m" 2>/dev/null
			;;
		3) run -q -v "$T/missing:/x" "$R" true 2>/dev/null ;;
		esac
	done
	wait_until 2 '[ "$(pgrep -c -f "$MOCKER run")" = 0 ]'
	assertEquals "mount table" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
	wait_until 2 '[ -z "$(foreign_pids)" ]'
	assertEquals "no container process" "" "$(foreign_pids)"
}

foreign_pids() {
	local host d ns
	host=$(readlink /proc/self/ns/pid)
	for d in /proc/[0-9]*; do
		ns=$(readlink "$d/ns/pid" 2>/dev/null) || continue # gone, or not ours to read
		[ "$ns" = "$host" ] || echo "${d#/proc/}"
	done
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
