#!/bin/bash
# mocker-init and terminals: the payload's own process group in the
# foreground, job control, ^C ^\ ^Z once each, SIGTSTP and SIGCONT.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

PTYRUN=$HELPERS/ptyrun
export TERM=dumb

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
}

setUp() {
	rm -f "$R/tmp/"* 2>/dev/null
}

# Script lines for ptyrun come from the test as it goes, so that a key is
# sent only once what it is meant for runs.
pty() {
	"$PTYRUN" -t 10 -o "$T/transcript" -- "$@"
}

running() {
	pgrep -f "$1" >/dev/null
}

test_sh_i_has_job_control() {
	local out
	out=$({
		echo 'expect # '
		echo 'send sleep 31\n'
		wait_for 5 running '^sleep 31'
		echo 'send \x1a'
		echo 'expect Stopped'
		echo 'send jobs\n'
		echo 'expect Stopped'
		echo 'send fg\n'
		wait_until 5 '[ "$(state_of "$(pgrep -f "^sleep 31")")" = S ]'
		echo 'send \x03'
		echo 'send echo gone\n'
		echo 'expect gone'
		echo 'send exit 7\n'
		echo 'wait'
	} | pty run_in_ns "$R" -- sh -i)
	assertEquals "exit status through the init: $(cat -v "$T/transcript")" "exit 7" "$out"
	assertFalse "job control on" "grep -q 'job control turned off' '$T/transcript'"
}

test_keys_reach_the_payload_once() {
	local out s
	out=$({
		wait_for 5 file_has "$R/tmp/sigs" ready
		echo 'send \x03'
		wait_for 5 grep -qx 2 "$R/tmp/sigs"
		echo 'send \x1c'
		wait_for 5 grep -qx 3 "$R/tmp/sigs"
		echo 'send \x1a'
		wait_for 5 grep -qx 20 "$R/tmp/sigs"
		kill -TERM "$(pgrep -f '^/sbin/init -- sigrecv')"
		echo 'wait'
	} | pty run_in_ns "$R" -- sigrecv /tmp/sigs 15)
	assertEquals "ended by TERM through the init" "exit 0" "$out"
	for s in 2 3 20; do
		assertEquals "signal $s exactly once" 1 "$(grep -cx "$s" "$R/tmp/sigs")"
	done
	assertFalse "no spurious SIGHUP" "grep -qx 1 '$R/tmp/sigs'"
	assertFalse "no spurious SIGCONT" "grep -qx 18 '$R/tmp/sigs'"
}

test_payload_is_the_foreground_group() {
	local out
	# fields 5 and 8 of /proc/self/stat: process group, terminal's foreground
	out=$({
		echo 'expect fg='
		echo 'wait'
	} | pty run_in_ns "$R" -- sh -c 'set -- $(cat /proc/$$/stat); echo "pgrp=$5 fg=$8 pid=$$"')
	tr -d '\r' < "$T/transcript" | grep -q 'pgrp=2 fg=2 pid=2' ||
		fail "own group, in the foreground: $(cat -v "$T/transcript")"
}

test_ctrl_z_under_pid1_does_not_wedge_the_terminal() {
	# as PID 1 no shell above sees a stop: the payload is resumed, and ^C
	# still reaches it
	local out
	out=$({
		wait_for 5 running '^sleep 35'
		p=$(pgrep -f '^sleep 35')
		init=$(ps -o ppid= -p "$p" | tr -d ' ')
		# shellcheck disable=SC2034 # read in wait_until's condition
		a=$(ctxt_switches "$init")
		echo 'send \x1a'
		# the init woke for the stop, and the payload runs again
		wait_until 5 '[ "$(ctxt_switches "$init")" -gt "$a" ] && [ "$(state_of "$p")" = S ]' ||
			echo 'send \x1a' # (fails the test below: no exit 130)
		echo 'send \x03'
		echo 'wait'
	} | pty run_in_ns "$R" -- sleep 35)
	assertEquals "^C after ^Z ended it" "exit 130" "$out"
}

test_tstp_to_the_init_stops_the_payload_only() {
	local u init p
	bg u run_in_ns "$R" -- sleep 100
	init=$(first_child "$u")
	wait_for 5 has_child "$init"
	p=$(children_of "$init")
	kill -TSTP "$init"
	wait_until 5 '[ "$(state_of $p)" = T ]' || fail "the payload stopped"
	assertEquals "the init did not" S "$(state_of "$init")"
	kill -CONT "$init"
	wait_until 5 '[ "$(state_of $p)" = S ]' || fail "SIGCONT resumed it"
}

test_ctrl_z_from_a_shell_stops_and_fg_resumes() {
	# not PID 1, started by an interactive shell: ^Z stops the payload and
	# the init, so the shell sees the job stop; fg brings both back.
	local out
	out=$({
		echo 'expect PROMPT>'
		echo "send $INIT -- sleep 32\\n"
		wait_for 5 running '^sleep 32'
		echo 'send \x1a'
		echo 'expect Stopped'
		echo 'send fg\n'
		wait_until 5 '[ "$(state_of "$(pgrep -f "^sleep 32")")" = S ]'
		echo 'send \x03'
		echo 'expect PROMPT>'
		echo 'send echo status=$?\n'
		echo 'expect status=130'
		echo 'send exit 0\n'
		echo 'wait'
	} | pty env PS1='PROMPT> ' bash --norc -i)
	assertEquals "transcript: $(cat -v "$T/transcript")" "exit 0" "$out"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
