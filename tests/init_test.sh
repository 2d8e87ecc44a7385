#!/bin/bash
# mocker-init as PID 1 and as a subreaper: /proc, hostname, reaping,
# signals, graceful shutdown, inheritance, descriptors, idle, bad input.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
}

setUp() {
	rm -rf "$R/tmp/"* "$R/tmp/".[!.]* 2>/dev/null
	BEFORE_MOUNTS=$(mountinfo_lines)
}

suite_tearDown() {
	assertEquals "the host's mount table is as it was" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
}

# --- /proc -----------------------------------------------------------------------

test_proc_mounted_in_a_fresh_pid_namespace() {
	local out
	out=$(run_in_ns "$R" -- sh -c 'tr "\0" " " < /proc/1/cmdline; echo; grep " /proc " /proc/self/mountinfo')
	assertEquals "exit" 0 $?
	echo "$out" | head -n 1 | grep -q '^/sbin/init -- sh' || fail "/proc/1/cmdline is the init: $out"
	echo "$out" | grep -q 'nosuid,nodev,noexec' || fail "/proc is nosuid,nodev,noexec: $out"
}

test_proc_mount_never_reaches_the_host_without_m() {
	# The wrapper forgot -m: the init must make its own mount namespace.
	local u init
	bg u unshare -p -f -u --kill-child chroot "$R" /sbin/init -- sh -c 'touch /tmp/up; exec sleep 100'
	wait_for 5 test -e "$R/tmp/up" || fail "payload started"
	assertEquals "no new mount on the host" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
	assertFalse "the image's /proc is empty on the host" "[ -e '$R/proc/self' ]"
	assertFalse "no proc mount under the image" "grep -q ' $R/proc ' /proc/self/mountinfo"
	init=$(first_child "$u")
	# through the init's own root, its mount namespace's /proc shows
	assertEquals "but inside, /proc is the namespace's" "init" "$(cat "/proc/$init/root/proc/1/comm")"
}

test_proc_left_alone_when_already_right() {
	local out
	out=$(unshare -p -f -m --mount-proc="$R/proc" chroot "$R" /sbin/init -v -- sh -c 'grep -c " /proc " /proc/self/mountinfo' 2>"$T/err")
	assertEquals "one procfs at /proc, not two" "1" "$out"
	assertFalse "did not mount it" "grep -q 'mounted /proc' '$T/err'"
}

test_no_proc_option() {
	local out
	out=$(run_in_ns "$R" --no-proc -- sh -c 'ls /proc | wc -l')
	assertEquals "/proc stays empty" "0" "$out"
	out=$(MOCKER_INIT_NO_PROC=1 run_in_ns "$R" -- sh -c 'ls /proc | wc -l')
	assertEquals "MOCKER_INIT_NO_PROC too" "0" "$out"
}

# --- hostname --------------------------------------------------------------------

test_hostname_set_and_host_untouched() {
	local host out
	host=$(hostname)
	out=$(run_in_ns "$R" -H box1 -- hostname)
	assertEquals "inside" "box1" "$out"
	# even when the wrapper made no UTS namespace
	out=$(unshare -p -f -m chroot "$R" /sbin/init --hostname box2 -- hostname)
	assertEquals "inside, without -u" "box2" "$out"
	assertEquals "the host's hostname never changes" "$host" "$(hostname)"
	out=$(MOCKER_INIT_HOSTNAME=env1 run_in_ns "$R" -- hostname)
	assertEquals "from the environment" "env1" "$out"
	out=$(MOCKER_INIT_HOSTNAME=env1 run_in_ns "$R" -H flag1 -- hostname)
	assertEquals "flags win" "flag1" "$out"
}

test_hostname_invalid_is_a_setup_failure() {
	local long rc
	long=$(printf 'a%.0s' $(seq 65))
	for bad in "$long" "bad_name" "-lead" "trail-" "a..b" ""; do
		run_in_ns "$R" -H "$bad" -- touch /tmp/ran 2>"$T/err"
		rc=$?
		assertEquals "'$bad': exit 125" 125 "$rc"
		assertEquals "'$bad': one line" 1 "$(wc -l < "$T/err")"
		assertFalse "'$bad': payload never started" "[ -e '$R/tmp/ran' ]"
	done
}

# --- reaping ---------------------------------------------------------------------

test_reaps_10000_orphans() {
	local u init
	bg u run_in_ns "$R" -- sh -c 'orphans 10000 > /tmp/made; exec sleep 100'
	wait_for 60 file_has "$R/tmp/made" "made 10000" || fail "orphans made"
	init=$(first_child "$u")
	wait_for 1 no_zombies_in_ns "$init"
	assertEquals "zombies 1 s after 10000 orphans" 0 "$(zombies_in_ns "$init")"
}

test_reaping_check_fails_without_a_reaper() {
	# Negative control: the payload itself as PID 1 reaps nothing, and the
	# check above sees its zombies.
	local u init
	bg u unshare -p -f -m --kill-child chroot "$R" orphans -w 50
	wait_for 10 has_child "$u"
	init=$(first_child "$u")
	wait_until 5 '[ "$(zombies_in_ns $init)" -ge 50 ]'
	assertTrue "zombies stay: $(zombies_in_ns "$init")" "[ $(zombies_in_ns "$init") -ge 50 ]"
}

test_payload_exits_with_300_siblings_20_times() {
	local i rc
	for i in $(seq 20); do
		timeout 10 unshare -p -f -m -u --kill-child chroot "$R" /sbin/init -- orphans -c 7 300 >/dev/null
		rc=$?
		[ "$rc" = 7 ] || { fail "run $i: exit $rc, not 7 (124 is a hang)"; break; }
	done
}

test_subreaper_when_not_pid1() {
	local i orphan pid
	bg i "$INIT" -- sh -c '(sleep 100 & echo $! > '"$T"'/orphan); exec sleep 100'
	wait_for 5 test -s "$T/orphan" || fail "orphan made"
	orphan=$(cat "$T/orphan")
	wait_until 5 '[ "$(awk "{print \$4}" /proc/$orphan/stat 2>/dev/null)" = "$i" ]'
	assertEquals "the orphan's parent is the init" "$i" "$(awk '{print $4}' "/proc/$orphan/stat")"
	kill -TERM "$i"
	wait_exit "$i" 10
	assertEquals "exit 128+TERM" 143 $?
	assertFalse "the orphan was shut down too" "kill -0 $orphan 2>/dev/null"
}

test_tini_compatible_flags_and_variables() {
	local out
	assertEquals "-s accepted" 0 "$("$INIT" -s -- true; echo $?)"
	assertEquals "TINI_SUBREAPER accepted" 0 "$(TINI_SUBREAPER='' "$INIT" -- true; echo $?)"
	out=$(TINI_VERBOSITY=2 "$INIT" -- true 2>&1)
	echo "$out" | grep -q "started 'true'" || fail "TINI_VERBOSITY: $out"
	# the payload waits until the signal comes back to it
	out=$(TINI_KILL_PROCESS_GROUP=1 MOCKER_INIT_VERBOSITY=3 timeout 10 "$INIT" -- \
		sh -c 'trap "exit 0" USR1; kill -USR1 $PPID; while :; do sleep 0.01; done' 2>&1)
	echo "$out" | grep -q 'forwarded signal USR1 to -' || fail "TINI_KILL_PROCESS_GROUP: $out"
	assertEquals "-e with tini's meaning" 0 "$("$INIT" -e 3 -- sh -c 'exit 3'; echo $?)"
	assertEquals "-p with a tini signal name" 0 "$("$INIT" -p SIGKILL -- true; echo $?)"
}

test_warns_when_reaping_others() {
	# reaped while the payload runs, or at its end: a warning either way
	run_in_ns "$R" -w -- sh -c 'orphans 3 >/dev/null' 2>"$T/err"
	assertTrue "a warning per reaped orphan: $(cat "$T/err")" "[ $(grep -c 'Reaped zombie process with pid=' "$T/err") -ge 3 ]"
	run_in_ns "$R" -- sh -c 'orphans 3 >/dev/null' 2>"$T/err"
	assertEquals "none without -w" 0 "$(grep -ci 'reaped' "$T/err")"
}

# --- signals ---------------------------------------------------------------------

signals_to_test() {
	local s
	for s in $(seq 1 31); do
		case $s in 9|17|19) continue ;; esac # KILL, CHLD, STOP
		echo "$s"
	done
	seq 34 64 # SIGRTMIN..SIGRTMAX as kill -l names them
}

test_every_catchable_signal_forwarded_once() {
	local u init s
	bg u run_in_ns "$R" -- sigrecv /tmp/sigs
	wait_for 5 file_has "$R/tmp/sigs" ready || fail "payload ready"
	init=$(first_child "$u")
	for s in $(signals_to_test); do
		kill -"$s" "$init"
		wait_for 2 grep -qx "$s" "$R/tmp/sigs" || fail "signal $s not forwarded"
	done
	for s in $(signals_to_test); do
		assertEquals "signal $s exactly once" 1 "$(grep -cx "$s" "$R/tmp/sigs")"
	done
}

test_kill_1_from_inside_is_forwarded() {
	local out
	out=$(run_in_ns "$R" -- sh -c 'trap "echo got TERM; exit 0" TERM; kill -TERM 1; while :; do sleep 0.05; done')
	assertEquals "exit" 0 $?
	assertEquals "the payload got it" "got TERM" "$out"
}

test_payload_ignoring_term_keeps_running() {
	local u init
	bg u run_in_ns "$R" -- sh -c 'trap "" TERM; touch /tmp/up; while :; do sleep 0.05; done'
	wait_for 5 test -e "$R/tmp/up"
	init=$(first_child "$u")
	kill -TERM "$init"
	# a condition that must stay false: give it a generous second
	! wait_for 1 not_running "$init"
	assertTrue "the init runs on" "kill -0 $init"
	assertTrue "so does the payload" "[ -n \"\$(children_of $init)\" ]"
}

test_rewrite_and_drop_signals() {
	local u init
	bg u run_in_ns "$R" -r TERM:USR1 -r SIGHUP:0 -r 10:12 -- sigrecv /tmp/sigs
	wait_for 5 file_has "$R/tmp/sigs" ready
	init=$(first_child "$u")
	kill -HUP "$init"
	kill -TERM "$init"
	wait_for 2 grep -qx 10 "$R/tmp/sigs" || fail "TERM arrived as USR1"
	kill -USR1 "$init"
	wait_for 2 grep -qx 12 "$R/tmp/sigs" || fail "USR1 arrived as USR2"
	assertFalse "HUP dropped" "grep -qx 1 '$R/tmp/sigs'"
	assertFalse "no TERM" "grep -qx 15 '$R/tmp/sigs'"
}

test_pgroup_signals_the_whole_group() {
	local u init
	bg u run_in_ns "$R" -g -- sh -c 'sigrecv /tmp/child & exec sigrecv /tmp/parent'
	wait_for 5 file_has "$R/tmp/child" ready && wait_for 5 file_has "$R/tmp/parent" ready
	init=$(first_child "$u")
	kill -USR1 "$init"
	wait_for 2 grep -qx 10 "$R/tmp/parent" || fail "the payload got it"
	wait_for 2 grep -qx 10 "$R/tmp/child" || fail "its child in the group got it"
}

test_pdeathsig() {
	sh -c "'$INIT' -p TERM -- '$HELPERS/sigrecv' '$T/sigs' 15 & while ! grep -q ready '$T/sigs' 2>/dev/null; do sleep 0.01; done"
	wait_for 5 grep -qx 15 "$T/sigs" || fail "the parent died: TERM for the init, forwarded"
}

# --- graceful shutdown -------------------------------------------------------------

test_shutdown_lets_writers_flush() {
	local start elapsed rc
	start=$(date +%s%N)
	run_in_ns "$R" -- sh -c 'flushwriter /tmp/bg & flushwriter /tmp/daemon -d
		while [ ! -e /tmp/bg.ready ] || [ ! -e /tmp/daemon.ready ]; do sleep 0.01; done
		exit 3'
	rc=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	assertEquals "the payload's status" 3 "$rc"
	assertTrue "the background writer flushed" "file_has '$R/tmp/bg' flushed"
	assertTrue "the daemonised writer flushed" "file_has '$R/tmp/daemon' flushed"
	assertTrue "done when they were, not after the 5 s grace: ${elapsed} ms" "[ $elapsed -lt 4000 ]"
}

test_shutdown_kills_when_grace_ends() {
	local start elapsed rc
	start=$(date +%s%N)
	run_in_ns "$R" -t 0.5 -- sh -c 'flushwriter /tmp/stubborn -i &
		while [ ! -e /tmp/stubborn.ready ]; do sleep 0.01; done; exit 0'
	rc=$?
	elapsed=$((($(date +%s%N) - start) / 1000000))
	assertEquals "the payload's status" 0 "$rc"
	assertTrue "waited the grace, then SIGKILL: ${elapsed} ms" "[ $elapsed -ge 450 ] && [ $elapsed -lt 3000 ]"
}

test_shutdown_of_descendants_when_not_pid1() {
	local i
	"$INIT" -- sh -c "'$HELPERS/flushwriter' '$T/w' & '$HELPERS/flushwriter' '$T/ign' -i &
		while [ ! -e '$T/w.ready' ] || [ ! -e '$T/ign.ready' ]; do sleep 0.01; done
		cat '$T/ign.ready' >/dev/null; echo \$! > '$T/ign.pid'; exit 5" &
	i=$!
	wait_exit "$i" 10
	assertEquals "status" 5 $?
	assertTrue "descendant flushed" "file_has '$T/w' flushed"
	assertEquals "nothing of ours is left" "" "$(pgrep -f "flushwriter $T/" )"
}

# --- what the payload inherits -----------------------------------------------------

test_payload_inherits_mask_ignored_env_and_cwd() {
	local out direct
	mkdir -p "$T/work"
	# cat, not a shell: a shell sets its own mask for what it runs
	direct=$("$HELPERS/sigmask" -b 10 -b 12 -i 2 -i 3 -- cat /proc/self/status | grep -E '^Sig(Blk|Ign)')
	out=$("$HELPERS/sigmask" -b 10 -b 12 -i 2 -i 3 -- "$INIT" -- cat /proc/self/status | grep -E '^Sig(Blk|Ign)')
	echo "$direct" | grep -q '^SigBlk:.*a00$' || fail "the control: $direct"
	assertEquals "mask and ignored signals as without the init" "$direct" "$out"
	out=$(cd "$T/work" && FOO=bar MOCKER_INIT_GRACE=3 MOCKER_INIT_VERBOSITY=1 TINI_VERBOSITY=1 \
		TINI_SUBREAPER='' TINI_KILL_PROCESS_GROUP='' TINI_OTHER=kept "$INIT" -- env)
	echo "$out" | grep -qx 'FOO=bar' || fail "environment: $out"
	echo "$out" | grep -qx 'TINI_OTHER=kept' || fail "not the init's: kept: $out"
	echo "$out" | grep -Eq '^(MOCKER_INIT_|TINI_(SUBREAPER|VERBOSITY|KILL_PROCESS_GROUP)=)' &&
		fail "the init's settings reach the payload: $out"
	echo "$out" | grep -qx "PWD=$T/work" || fail "PWD: $out"
	assertEquals "working directory" "$T/work" "$(cd "$T/work" && "$INIT" -- pwd -P)"
}

# The official postgres, mysql and redis images' convention: NAME_FILE
# names a file (a Docker or Kubernetes secret) whose contents are NAME.
test_env_from_files() {
	local out
	# a clean environment: the caller's may hold other *_FILE variables
	envi() { env -i PATH="$PATH" "$@"; }
	printf 's3cret\n\n' > "$T/pw"
	printf 'two\nlines\n' > "$T/multi"
	out=$(envi DB_PASSWORD_FILE="$T/pw" CERT_FILE="$T/multi" OTHER=x "$INIT" --env-from-files -- env)
	echo "$out" | grep -qx 'DB_PASSWORD=s3cret' || fail "the file's contents, trailing newlines dropped: $out"
	echo "$out" | grep -q '^DB_PASSWORD_FILE=' && fail "NAME_FILE is replaced: $out"
	assertEquals "all of a file" "two
lines" "$(envi CERT_FILE="$T/multi" "$INIT" --env-from-files -- sh -c 'echo "$CERT"')"
	out=$(envi DB_PASSWORD_FILE="$T/pw" MOCKER_INIT_ENV_FILES=1 "$INIT" -- env)
	echo "$out" | grep -qx 'DB_PASSWORD=s3cret' || fail "MOCKER_INIT_ENV_FILES=1: $out"
	out=$(envi DB_PASSWORD_FILE="$T/pw" "$INIT" -- env)
	echo "$out" | grep -qx "DB_PASSWORD_FILE=$T/pw" || fail "without the option, as it is: $out"
	envi DB_PASSWORD_FILE=/nonexistent/pw "$INIT" --env-from-files -- touch "$T/ran" 2>"$T/err"
	assertEquals "a missing file: 125" 125 $?
	assertEquals "one line naming it" \
		"mocker-init: --env-from-files: cannot read '/nonexistent/pw': No such file or directory" \
		"$(cat "$T/err")"
	assertFalse "nothing ran" "[ -e '$T/ran' ]"
}

test_license() {
	local out
	out=$("$INIT" -l)
	assertEquals "exit 0" 0 $?
	echo "$out" | head -n 1 | grep -qx 'MIT License' || fail "the license: $out"
	echo "$out" | grep -q 'Permission is hereby granted' || fail "all of it: $out"
	assertEquals "--license too" "$out" "$("$INIT" --license)"
}

# The init never reads its standard input: it is the payload's.
test_payload_reads_stdin_through_the_init() {
	assertEquals "a pipe" "piped" "$(echo piped | "$INIT" -- cat)"
	assertEquals "a pipe, again (the init must not have taken it)" "piped 2" \
		"$(echo piped 2 | "$INIT" -R on-failure -- cat)"
	assertEquals "in a PID namespace" "piped" "$(echo piped | run_in_ns "$R" -- cat)"
}

test_inherited_sigchld_ignored_does_not_hang() {
	local out
	out=$(timeout 10 "$HELPERS/sigmask" -i 17 -- "$INIT" -- sh -c 'exit 3')
	assertEquals "exit status, no hang (124 is a hang)" 3 $?
	out=$("$HELPERS/sigmask" -i 17 -- "$INIT" -- cat /proc/self/status | awk '/^SigIgn/ {print $2}')
	assertTrue "the payload still has SIGCHLD ignored: $out" "[ \$((16#$out & 0x10000)) != 0 ]"
}

test_payload_starts_in_the_callers_directory_after_setup() {
	# the chroot workaround (no -m) must not leave the payload in /
	mkdir -p "$R/srv"
	assertEquals "cwd" "/srv" "$(unshare -p -f -u --kill-child --root="$R" --wd=/srv /sbin/init -- pwd)"
}

test_shutdown_ends_when_leftovers_cannot_be_found() {
	# not PID 1, and /proc is not ours: a setsid'd leftover cannot be found
	# to be killed; the init gives up instead of waiting forever
	local out
	out=$(timeout 15 unshare -p -f --kill-child sh -c \
		"'$INIT' -t 0.2 -- sh -c 'setsid sleep 100 </dev/null >/dev/null 2>&1 & exit 4'; echo \$?" 2>/dev/null)
	assertEquals "ended, with the payload's status" 4 "$out"
}

test_false_variable_turns_a_tini_one_off() {
	local out
	out=$(TINI_KILL_PROCESS_GROUP=1 MOCKER_INIT_PGROUP=0 MOCKER_INIT_VERBOSITY=3 timeout 10 \
		run_in_ns "$R" -- sh -c 'trap "exit 0" USR1; kill -USR1 1; while :; do sleep 0.01; done' 2>&1)
	echo "$out" | grep -q 'forwarded signal USR1 to [0-9]' || fail "to the pid, not the group: $out"
}

test_init_leaves_its_directory() {
	local i
	mkdir -p "$T/wd"
	bg i sh -c "cd '$T/wd' && exec '$INIT' -- sleep 100"
	wait_for 5 has_child "$i"
	wait_until 2 '[ "$(readlink /proc/$i/cwd)" = / ]'
	assertEquals "the init's cwd" "/" "$(readlink "/proc/$i/cwd")"
	assertEquals "the payload's cwd" "$T/wd" "$(readlink "/proc/$(children_of "$i")/cwd")"
}

# --- descriptors -------------------------------------------------------------------

test_inherited_fds_closed_after_start() {
	local i
	mkfifo "$T/fifo"
	(cat "$T/fifo" > /dev/null; touch "$T/eof") &
	bg i sh -c "exec '$INIT' -- sh -c 'exec 7>&-; exec sleep 100' 7> '$T/fifo'"
	wait_for 5 test -e "$T/eof" || fail "the reader saw EOF while the payload runs"
	assertTrue "the init still runs" "kill -0 $i"
}

test_listen_pid_rewritten() {
	local out
	out=$(sh -c "LISTEN_PID=\$\$ LISTEN_FDS=1 exec '$INIT' -- sh -c 'echo \$LISTEN_PID \$\$'")
	# shellcheck disable=SC2086 # two fields
	set -- $out
	assertEquals "LISTEN_PID names the payload" "$2" "$1"
	out=$(LISTEN_PID=4242 "$INIT" -- sh -c 'echo $LISTEN_PID')
	assertEquals "left alone when it names another" 4242 "$out"
}

# --- idle --------------------------------------------------------------------------

test_idle_init_makes_no_system_calls() {
	local u init
	bg u run_in_ns "$R" -- sleep 100
	init=$(first_child "$u")
	wait_for 5 has_child "$init"
	assert_idle "$init" 10 "^$(rt_sigtimedwait_nr) " rt_sigtimedwait
}

# --- exec mode ---------------------------------------------------------------------

test_exec_mode_payload_is_pid1() {
	local out
	out=$(run_in_ns "$R" -x -H execbox -- sh -c 'echo $$ $(hostname) $(cat /proc/1/comm)')
	assertEquals "PID 1, set up" "1 execbox sh" "$out"
	out=$(MOCKER_INIT_EXEC=1 run_in_ns "$R" -- sh -c 'echo $$')
	assertEquals "MOCKER_INIT_EXEC" "1" "$out"
}

# --- exit status -------------------------------------------------------------------

test_exit_status() {
	run_in_ns "$R" -- sh -c 'exit 42'
	assertEquals "exit code" 42 $?
	run_in_ns "$R" -- sh -c 'kill -USR1 $$'
	assertEquals "128+signal" 138 $?
	run_in_ns "$R" -e 42 -- sh -c 'exit 42'
	assertEquals "-e 42" 0 $?
	MOCKER_INIT_EXPECT=1,42 run_in_ns "$R" -- sh -c 'exit 42'
	assertEquals "MOCKER_INIT_EXPECT" 0 $?
	run_in_ns "$R" -e 143 -- sh -c 'kill -TERM $$'
	assertEquals "-e on 128+N" 0 $?
	run_in_ns "$R" -- no-such-command 2>"$T/err"
	assertEquals "not found" 127 $?
	grep -q 'no-such-command' "$T/err" || fail "message names it: $(cat "$T/err")"
	run_in_ns "$R" -- /etc/passwd 2>"$T/err"
	assertEquals "not executable" 126 $?
	grep -q '/etc/passwd' "$T/err" || fail "message names it: $(cat "$T/err")"
}

# --- bad input ---------------------------------------------------------------------

bad_usage() {
	"$INIT" "$@" 2>"$T/err" >/dev/null
	local rc=$?
	assertEquals "'$*': exit 2" 2 "$rc"
	assertEquals "'$*': one line on stderr: $(cat "$T/err")" 1 "$(wc -l < "$T/err")"
}

test_bad_input() {
	bad_usage --bogus -- true
	bad_usage -Z true
	bad_usage -t abc -- true
	bad_usage -t "" -- true
	bad_usage -t 99999999999999999999 -- true
	bad_usage -e 256 -- true
	bad_usage -e x -- true
	bad_usage -p NOSUCH -- true
	bad_usage -p "" -- true
	bad_usage -r TERM -- true
	bad_usage -r FOO:TERM -- true
	bad_usage -r TERM:BAR -- true
	bad_usage -R sometimes -- true
	bad_usage -t
	bad_usage
	MOCKER_INIT_GRACE=abc bad_usage -- true
	MOCKER_INIT_PGROUP=maybe bad_usage -- true
	"$INIT" "" 2>"$T/err"
	assertEquals "empty command: not found" 127 $?
}

# init_text STATUS EXPECTED ARGS...: the one line, whole.
init_text() {
	local status=$1 want=$2 rc
	shift 2
	"$INIT" "$@" 2>"$T/err" >/dev/null
	rc=$?
	assertEquals "'$*': exit $status" "$status" "$rc"
	assertEquals "'$*': the message" "mocker-init: $want" "$(cat "$T/err")"
}

test_every_option_says_what_is_wrong() {
	local u='; usage: mocker-init [OPTION]... [--] COMMAND [ARG]... (see --help)' opt
	for opt in -H --hostname -p --pdeathsig -e --expect -r --rewrite -t --grace -R \
		--restart --services -u --user --launcher-signals; do
		init_text 2 "option '$opt' needs a value$u" "$opt"
	done
	init_text 2 "-p 'NOSUCH': unknown signal$u" -p NOSUCH -- true
	init_text 2 "-e '256': not an exit code (0-255)$u" -e 256 -- true
	init_text 2 "--expect 'x': not an exit code (0-255)$u" --expect x -- true
	init_text 2 "-r 'TERM': expected FROM:TO$u" -r TERM -- true
	init_text 2 "-r 'FOO:TERM': unknown signal$u" -r FOO:TERM -- true
	init_text 2 "-t 'abc': expected seconds, fractions allowed$u" -t abc -- true
	init_text 2 "--grace '': expected seconds, fractions allowed$u" --grace= -- true
	init_text 2 "-R 'sometimes': expected no, on-failure[:N] or always (N > 0)$u" -R sometimes -- true
	init_text 2 "-R 'on-failure:0': expected no, on-failure[:N] or always (N > 0)$u" -R on-failure:0 -- true
	init_text 2 "-u '': expected USER[:GROUP]$u" -u '' -- true
	init_text 2 "--launcher-signals '12': expected MASK:IGNORED in hex (mocker-init signals v1)$u" \
		--launcher-signals 12 -- true
	init_text 2 "option '--pause=1' takes no value$u" --pause=1
	init_text 2 "unknown option '--bogus'$u" --bogus -- true
	init_text 2 "--grace 'abc': expected seconds, fractions allowed$u" --grace=abc -- true
	MOCKER_INIT_GRACE=abc init_text 2 "MOCKER_INIT_GRACE 'abc': expected seconds, fractions allowed$u" \
		-- true
	MOCKER_INIT_PGROUP=maybe init_text 2 "MOCKER_INIT_PGROUP 'maybe': expected 1 or 0$u" -- true
	# values that only setup can judge: 125
	init_text 125 "--hostname 'bad_name': invalid hostname" -H bad_name -- true
	init_text 125 "--services '/nonexistent': No such file or directory" \
		--services /nonexistent
	init_text 125 "--user 'nosuchuser': unknown user" -u nosuchuser -- true
}

test_many_arguments() {
	local out
	out=$("$INIT" -- sh -c 'echo $#' sh $(seq 20000))
	assertEquals "20000 arguments passed on" 20000 "$out"
}

test_help_and_version() {
	local out
	out=$("$INIT" --version)
	assertEquals "exit" 0 $?
	# what Docker's parseInitVersion accepts: "tini version V - git.C"
	echo "$out" | grep -Eq '^tini version [0-9]+\.[0-9]+\.[0-9]+_mocker-init - git\.[0-9a-f]+$' ||
		fail "version: $out"
	"$INIT" -h | grep -q '^usage: mocker-init' || fail "help on stdout"
}

# --- probe ------------------------------------------------------------------------

# probe ARGS...: one line on stdout (in $T/out), nothing on stderr, and the
# status.
probe() {
	"$INIT" probe "$@" >"$T/out" 2>"$T/err"
}

test_probe_tcp() {
	local port s
	port=$("$HELPERS/netecho" free tcp)
	bg s "$HELPERS/netecho" serve tcp "$port" 127.0.0.1 >/dev/null
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" || fail "serving"
	probe tcp "127.0.0.1:$port"
	assertEquals "open: 0" 0 $?
	assertEquals "one line" "tcp 127.0.0.1:$port: open" "$(cat "$T/out")"
	probe tcp "localhost:$port"
	assertEquals "localhost" 0 $?
	kill_bg
	probe tcp "127.0.0.1:$port"
	assertEquals "closed: 1" 1 $?
	assertEquals "why" "tcp 127.0.0.1:$port: Connection refused" "$(cat "$T/out")"
	probe tcp "[::1]:$port"
	assertEquals "IPv6 closed: 1" 1 $?
	assertEquals "why, IPv6" "tcp [::1]:$port: Connection refused" "$(cat "$T/out")"
}

test_probe_http() {
	# shellcheck disable=SC2034 # h: set by bg, the server is stopped by kill_bg
	local port h t0 t1
	port=$("$HELPERS/netecho" free tcp)
	mkdir -p "$R/www"
	echo ok > "$R/www/health"
	bg h chroot "$R" httpd -f -h /www -p "127.0.0.1:$port"
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" || fail "serving"
	probe http "http://127.0.0.1:$port/health"
	assertEquals "200: 0" 0 $?
	assertEquals "one line" "http http://127.0.0.1:$port/health: status 200" "$(cat "$T/out")"
	probe http "http://localhost:$port/missing"
	assertEquals "404: 1" 1 $?
	assertEquals "its status" "http http://localhost:$port/missing: status 404" "$(cat "$T/out")"
	probe http "http://localhost:$port/missing" 404
	assertEquals "404 when 404 is wanted: 0" 0 $?
	kill_bg
	# a server that takes the connection and never answers: the timeout
	bg h chroot "$R" nc -l -p "$port" -e sleep 30
	wait_until 5 "[ -n \"\$(ss -Hltn sport = :$port)\" ]" || fail "listening"
	t0=$(date +%s%N)
	probe -T 0.5 http "http://127.0.0.1:$port/"
	assertEquals "no answer: 1" 1 $?
	t1=$(date +%s%N)
	assertEquals "why" "http http://127.0.0.1:$port/: Operation timed out" "$(cat "$T/out")"
	assertTrue "within its timeout: $(((t1 - t0) / 1000000)) ms" "[ $(((t1 - t0) / 1000000)) -lt 2000 ]"
	kill_bg
	rm -rf "$R/www"
}

test_probe_exec() {
	local t0 t1 p
	probe exec sh -c 'echo chatter; echo more >&2; exit 0'
	assertEquals "0" 0 $?
	assertEquals "one line, the command's output not shown" "exec sh: exit status 0" "$(cat "$T/out")"
	probe exec false
	assertEquals "1" 1 $?
	assertEquals "its status" "exec false: exit status 1" "$(cat "$T/out")"
	probe exec /nonexistent
	assertEquals "not found: 1" 1 $?
	assertEquals "why" "exec /nonexistent: No such file or directory" "$(cat "$T/out")"
	t0=$(date +%s%N)
	probe -T 0.3 exec sh -c 'echo $$ > '"$T/pid"'; exec sleep 30'
	assertEquals "timed out: 1" 1 $?
	t1=$(date +%s%N)
	assertEquals "why" "exec sh: Operation timed out" "$(cat "$T/out")"
	assertTrue "within its timeout: $(((t1 - t0) / 1000000)) ms" "[ $(((t1 - t0) / 1000000)) -lt 2000 ]"
	assertFalse "the command was killed" "kill -0 $(cat "$T/pid") 2>/dev/null"
	# a probe is stopped as any command, though the init blocks its own
	# signals at its start (not the shell's child before its exec: it would
	# run the suite's traps)
	"$INIT" probe -T 20 exec sleep 30 &
	p=$!
	wait_until 5 '[ "$(cat /proc/$p/comm 2>/dev/null)" = mocker-init ]' || fail "probe started"
	kill -TERM "$p"
	wait_exit "$p" 5
	assertEquals "SIGTERM ends it at once" 143 $?
}

test_probe_usage() {
	local args
	for args in "" "tcp" "tcp 127.0.0.1" "tcp example.com:80" "tcp 1.2.3.4:99999" "tcp [::1:80" \
		"http ftp://x/" "http http://x/" "http http://127.0.0.1/ 42" "-T x tcp 127.0.0.1:1" "exec" "udp x"; do
		# shellcheck disable=SC2086 # the words are the arguments
		probe $args
		assertEquals "'$args': usage, 2" 2 $?
		assertEquals "'$args': nothing on stdout" "" "$(cat "$T/out")"
		assertEquals "'$args': one line" 1 "$(wc -l < "$T/err")"
		grep -q "^mocker-init: probe.*(see mocker-init --help)$" "$T/err" || fail "'$args': $(cat "$T/err")"
	done
	"$INIT" -- probe 2>"$T/err"
	assertEquals "after --, probe is a command" 127 $?
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
