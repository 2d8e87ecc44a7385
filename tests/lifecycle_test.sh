#!/bin/bash
# Containers in the background: mocker run -d and --name, ps, logs, stop,
# kill, wait, rm, inspect; their state under --root, and what is left.
# Scripts for containers are single-quoted on purpose (SC2016); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

export TERM=dumb

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
	S=$T/state
}

setUp() { launcher_setUp; }
suite_tearDown() {
	"$MOCKER" --root "$S" ps -a -q 2>/dev/null | xargs -r "$MOCKER" --root "$S" rm -f >/dev/null 2>&1
	launcher_tearDown
}

m() {
	"$MOCKER" --root "$S" "$@"
}

state_files() {
	find "$S/containers" "$S/names" -mindepth 1 2>/dev/null
}

running() {
	[ "$(m inspect "$1" | sed -n 's/.*"Status": "\(.*\)".*/\1/p')" = running ]
}

exited() {
	[ "$(m inspect "$1" | sed -n 's/.*"Status": "\(.*\)".*/\1/p')" = exited ]
}

test_run_detached_prints_its_id_and_returns() {
	local id
	id=$(m run -d --name web "$R" sh -c 'echo hello; echo oops >&2; exec sleep 100')
	assertEquals "run -d: exit 0" 0 $?
	echo "$id" | grep -Eqx '[0-9a-f]{64}' || fail "the whole id: $id"
	assertTrue "running at once" "running web"
	assertEquals "ps shows it" "web" "$(m ps --format '{{.Names}}')"
	m ps | grep -q "^${id:0:12} " || fail "ps: $(m ps)"
	m ps | grep -q "Up " || fail "ps status: $(m ps)"
	wait_until 5 'm ps --format "{{.Status}}" | grep -qx "Up 2 seconds"'
	assertEquals "Docker's words for how long" "Up 2 seconds" "$(m ps --format '{{.Status}}')"
	wait_until 5 '[ "$(m logs web | wc -l)" = 2 ]' || fail "logs: $(m logs web)"
	assertEquals "logs: both streams" "hello
oops" "$(m logs web)"
	m logs -t web | grep -Eq '^20[0-9-]+T[0-9:.]+Z hello$' || fail "-t: $(m logs -t web)"
	assertEquals "--tail 1" "oops" "$(m logs --tail 1 web)"
	assertEquals "by id prefix" "web" "$(m ps -a --format '{{.Names}}' | head -n 1)"
	assertEquals "inspect by prefix" "web" \
		"$(m inspect "${id:0:8}" | sed -n 's/.*"Name": "\(.*\)".*/\1/p')"
	m stop -t 5 web >/dev/null
	assertTrue "stopped" "exited web"
	assertEquals "exit code: TERM through the init" "143" "$(m wait web)"
	assertEquals "the logs stay after it ended" "hello" "$(m logs --tail 2 web | head -n 1)"
	m ps | grep -q web && fail "ps without -a: only running ones"
	m ps -a | grep -q "Exited (143)" || fail "ps -a: $(m ps -a)"
	m rm web >/dev/null
	assertEquals "removed" "" "$(m ps -a -q)"
	assertFalse "nothing left in the state" "ls '$S/containers/'* 2>/dev/null"
}

test_names_are_unique() {
	local a b
	m run -d --name dup "$R" sleep 100 >/dev/null &
	m run -d --name dup "$R" sleep 100 >/dev/null 2>"$T/err2" &
	wait
	assertEquals "exactly one runs" 1 "$(m ps -q | wc -l)"
	grep -q "name in use" "$T/err2" ||
		{ m run -d --name dup "$R" true 2>"$T/err3"; grep -q "name in use" "$T/err3"; } ||
		fail "the other is told: $(cat "$T/err2")"
	m rm -f dup >/dev/null
	a=$(m run -d "$R" true)
	b=$(m run -d "$R" true)
	assertNotEquals "made-up names differ" \
		"$(m inspect "$a" | grep '"Name"')" "$(m inspect "$b" | grep '"Name"')"
	m wait "$a" "$b" >/dev/null
	m rm "$a" "$b" >/dev/null
}

test_exit_codes_kill_wait_rm() {
	m run -d --name seven "$R" sh -c 'exit 7' >/dev/null
	assertEquals "wait: its exit code" 7 "$(m wait seven)"
	m run -d --name sleeper "$R" sleep 100 >/dev/null
	m kill sleeper >/dev/null
	assertEquals "kill: KILL by default" 137 "$(m wait sleeper)"
	m run -d --name usr "$R" sh -c 'trap "exit 9" USR1; while :; do sleep 0.05; done' >/dev/null
	wait_until 5 'running usr'
	m kill -s USR1 usr >/dev/null
	assertEquals "kill -s USR1" 9 "$(m wait usr)"
	m run -d --name busy "$R" sleep 100 >/dev/null
	m rm busy >/dev/null 2>"$T/err"
	assertEquals "rm refuses a running one" 1 $?
	assertEquals "and says why" "mocker: rm: busy is running: stop it first, or rm -f" "$(cat "$T/err")"
	m rm -f busy >/dev/null
	assertEquals "rm -f" "" "$(m ps -a --format '{{.Names}}' | grep busy)"
	m run -d --name hog --memory 32m "$R" memhog 60 >/dev/null
	assertEquals "out of memory: 137" 137 "$(m wait hog)"
	assertEquals "ps says so" "Exited (137), out of memory" \
		"$(m ps -a --format '{{.Names}} {{.Status}}' | sed -n 's/^hog \(Exited (137)\).* ago\(, out of memory\)$/\1\2/p')"
	assertTrue "inspect says so" "m inspect hog | grep -q '\"OOMKilled\": true'"
	assertTrue "the control: kill is no OOM" "m inspect sleeper | grep -q '\"OOMKilled\": false'"
	assertEquals "a table: a header, columns aligned" "NAMES     STATE
hog       exited
seven     exited
sleeper   exited
usr       exited" "$(m ps -a --format 'table {{.Names}}\t{{.State}}' | LC_ALL=C sort)"
	m rm seven sleeper usr hog >/dev/null
}

test_stop_kills_at_the_timeout() {
	local t0 t1
	m run -d --name stubborn "$R" sh -c 'trap "" TERM; while :; do sleep 0.05; done' >/dev/null
	t0=$(date +%s%N)
	m stop -t 1 stubborn >/dev/null
	t1=$(date +%s%N)
	assertEquals "killed" 137 "$(m wait stubborn)"
	assertTrue "after about 1 s: $(((t1 - t0) / 1000000)) ms" \
		"[ $(((t1 - t0) / 1000000)) -ge 900 ] && [ $(((t1 - t0) / 1000000)) -lt 5000 ]"
	m rm stubborn >/dev/null
}

test_rm_flag_and_foreground_runs() {
	local id
	id=$(m run -d --rm "$R" true)
	wait_until 5 '[ -z "$(m ps -a -q)" ]'
	assertEquals "--rm: gone when it ended" "" "$(m ps -a -q)"
	bg id "$MOCKER" --root "$S" run --name fg "$R" sh -c 'touch /tmp/fgup; exec sleep 100'
	wait_for 5 test -e "$R/tmp/fgup"
	assertEquals "a foreground run shows in ps" "fg" "$(m ps --format '{{.Names}}')"
	kill -TERM "$id"
	wait_exit "$id" 10
	assertEquals "and leaves nothing" "" "$(m ps -a -q)"
	rm -f "$R/tmp/fgup"
}

# A foreground run killed with SIGKILL leaves no state: its watcher removes
# it; without one (the control), the next command that lists does.
test_foreground_run_killed_leaves_no_state() {
	local id
	bg id "$MOCKER" --root "$S" run --name fg "$R" sh -c 'touch /tmp/fgup; exec sleep 100'
	wait_for 5 test -e "$R/tmp/fgup"
	kill -KILL "$id"
	wait_exit "$id" 10
	wait_until 5 '[ -z "$(state_files)" ]'
	assertEquals "the watcher removed its state and name" "" "$(state_files)"
	rm -f "$R/tmp/fgup"
	MOCKER_TEST_NO_WATCHER=1 bg id "$MOCKER" --root "$S" run --name fg "$R" sh -c 'touch /tmp/fgup; exec sleep 100'
	wait_for 5 test -e "$R/tmp/fgup"
	kill -KILL "$id"
	wait_exit "$id" 10
	assertNotEquals "control: without a watcher it stays" "" "$(state_files)"
	assertEquals "ps shows nothing of it" "" "$(m ps -a -q)"
	assertEquals "and removed it" "" "$(state_files)"
	m run --name fg "$R" true
	assertEquals "its name is free again" 0 $?
	rm -f "$R/tmp/fgup"
	# the control's cgroup, which no watcher removed (its init is gone)
	wait_until 5 '(for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -name "mocker-$id"); do
		rmdir "$d" 2>/dev/null || exit 1; done)'
	assertEquals "its cgroup removed" "" "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "mocker-$id")"
}

# exec: inside, with exactly the container's restrictions.
test_exec_inside_with_its_restrictions() {
	local out
	m run -d --name box -u nobody --pids-limit 50 --memory 64m --hostname boxed "$R" sleep 100 >/dev/null
	out=$(m exec box sh -c 'id -u; hostname; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status | tr -d "\t"; cat /proc/self/cgroup | grep -c ":/$"; tr "\0" " " < /proc/1/cmdline | cut -d" " -f1')
	assertEquals "its user, hostname, caps, no_new_privs, filter, cgroup, PID namespace" "65534
boxed
CapEff:0000000000000000
NoNewPrivs:1
Seccomp:2
$(wc -l < /proc/self/cgroup)
/sbin/init" "$out"
	assertEquals "-u root" "0" "$(m exec -u root box id -u)"
	m exec box sh -c 'exit 3'
	assertEquals "exit status" 3 $?
	m exec box nosuchcommand 2>"$T/err"
	assertEquals "not found: 127" 127 $?
	assertEquals "-e and -w" "v /tmp" "$(m exec -e K=v -w /tmp box sh -c 'echo $K $(pwd)')"
	assertEquals "stdin passes" "in" "$(echo in | m exec box cat)"
	assertEquals "a pty with -t" "/dev/pts/0" "$(m exec -t box tty </dev/null | tr -d '\r')"
	# its limits apply: the pids limit counts exec'd processes too
	out=$(m exec box sh -c 'for i in $(seq 80); do sleep 5 & done 2>&1 | grep -c "fork\|resource" ; true')
	assertTrue "the pids limit holds for exec: $out" "[ '${out:-0}' -ge 1 ]"
	m exec box sh -c 'mount -t tmpfs none /tmp 2>&1; unshare -U true 2>&1' > "$T/out" 2>&1
	assertEquals "and its filter: no mount, no namespaces" 2 "$(grep -ci 'permitted\|denied' "$T/out")"
	m stop -t 1 box >/dev/null
	m exec box true 2>"$T/err"
	assertEquals "not running: 1" 1 $?
	assertEquals "said" "mocker: exec: box is not running" "$(cat "$T/err")"
	m rm box >/dev/null
}

test_monitor_killed_takes_its_container() {
	local mon pid
	m run -d --name doomed "$R" sleep 100 >/dev/null
	mon=$(m inspect doomed | sed -n 's/.*"Pid": \([0-9]*\).*/\1/p')
	pid=$(m inspect doomed | sed -n 's/.*"MonitorPid": \([0-9]*\).*/\1/p')
	kill -KILL "$pid"
	wait_for 5 not_running "$mon"
	assertTrue "its init is gone" "not_running $mon"
	m ps -a | grep -q "Exited (137).*monitor killed" || fail "ps says why: $(m ps -a)"
	m rm doomed >/dev/null
}

test_setup_failure_is_told_by_run_d() {
	m run -d --name bad -u nosuch "$R" true >/dev/null 2>"$T/err"
	assertEquals "125" 125 $?
	assertEquals "one line" "mocker: cannot look up the user: --user 'nosuch': no such user in the image's /etc/passwd" \
		"$(cat "$T/err")"
	assertEquals "no state left" "" "$(m ps -a -q)"
	m run -d --name bad "$R" nosuchcommand >"$T/out" 2>"$T/err"
	assertEquals "a command not found: 127" 127 $?
	assertEquals "said" "mocker: nosuchcommand: command not found" "$(cat "$T/err")"
	assertEquals "no id" "" "$(cat "$T/out")"
	m run -d --name bad "$R" /etc/passwd >/dev/null 2>"$T/err"
	assertEquals "not executable: 126" 126 $?
	assertEquals "said" "mocker: /etc/passwd: permission denied" "$(cat "$T/err")"
	assertEquals "none left" "" "$(m ps -a -q)"
	# the control: a command that runs and fails at once did start
	m run -d --name quick "$R" sh -c 'exit 127' >/dev/null
	assertEquals "started: 0" 0 $?
	assertEquals "and ended with its status" 127 "$(m wait quick)"
	m rm quick >/dev/null
}

test_another_user_cannot_see_or_act() {
	local id mocker st=$T/nobody-state
	id=$(m run -d --name mine "$R" sleep 100)
	mocker=$(mocker_for_all)
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" "$@"; }
	assertEquals "root's state is root's only" "drwx------" "$(stat -c %A "$S")"
	as_nobody --root "$S" ps -a >"$T/out" 2>"$T/err"
	assertEquals "ps: 125" 125 $?
	assertEquals "ps said" "mocker: ps: $S: Permission denied" "$(cat "$T/err")"
	assertEquals "and listed nothing" "" "$(cat "$T/out")"
	as_nobody --root "$S" stop mine >/dev/null 2>"$T/err"
	assertEquals "stop: 1" 1 $?
	as_nobody --root "$S" exec "$id" true >/dev/null 2>"$T/err"
	assertEquals "exec: 1" 1 $?
	as_nobody --root "$S" kill "${id:0:8}" >/dev/null 2>"$T/err"
	assertEquals "kill: 1" 1 $?
	assertTrue "still running" "running mine"
	# the control: its own state is its own, and shows none of root's
	mkdir -m 0700 "$st" && chown 65534:65534 "$st"
	assertEquals "its own list is empty" "" "$(as_nobody --root "$st" ps -a -q)"
	m rm -f mine >/dev/null
}

test_rootless_exec() {
	local img=$T/own mocker id
	rm -rf "$img"
	cp -a "$R" "$img"
	chown -R 65534:65534 "$img"
	mocker=$(mocker_for_all)
	as_nobody() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -u XDG_RUNTIME_DIR "$mocker" "$@" 2>&1 | grep -v 'warning: rootless'); }
	id=$(as_nobody run -d --hostname own "$img" sleep 100)
	assertEquals "inside, as the container's root, with its restrictions" "uid=0 own NoNewPrivs: 1 Seccomp: 2" \
		"$(as_nobody exec "$id" sh -c 'echo "uid=$(id -u) $(hostname)" $(grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status)')"
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$mocker" exec "$id" sh -c 'exit 3' 2>/dev/null)
	assertEquals "its exit status" 3 $?
	assertEquals "the same PID namespace: its PID 1 is the container's init" "init sleep" \
		"$(as_nobody exec "$id" sh -c 'echo $(cat /proc/1/comm /proc/2/comm)')"
	as_nobody stop -t 1 "$id" >/dev/null
	as_nobody rm "$id" >/dev/null
	assertEquals "nothing left" "" "$(as_nobody ps -a -q)"
	rm -rf "$img"
}

test_bad_input() {
	m logs nosuch >/dev/null 2>"$T/err"
	assertEquals "unknown: 1" 1 $?
	assertEquals "unknown: said" "mocker: logs: no such container: nosuch" "$(cat "$T/err")"
	m stop nosuch >/dev/null 2>"$T/err"
	assertEquals "stop: 1" 1 $?
	m kill -s NOPE x >/dev/null 2>"$T/err"
	assertEquals "bad signal: 125" 125 $?
	assertEquals "said" "mocker: kill: -s 'NOPE': unknown signal" "$(cat "$T/err")"
	m run -d --name 'bad name' "$R" true >/dev/null 2>"$T/err"
	assertEquals "bad name: 125" 125 $?
	m frob >/dev/null 2>"$T/err"
	assertEquals "unknown command: 125" 125 $?
	assertEquals "said" "mocker: unknown command 'frob' (mocker --help lists them)" "$(cat "$T/err")"
}

test_twenty_detached_leave_nothing() {
	local i ids=()
	for i in $(seq 20); do
		ids+=("$(m run -d "$R" sleep 100)")
	done
	assertEquals "20 running" 20 "$(m ps -q | wc -l)"
	m stop "${ids[@]}" >/dev/null
	assertEquals "all stopped" 0 "$(m ps -q | wc -l)"
	m rm "${ids[@]}" >/dev/null
	assertEquals "all removed" "" "$(m ps -a -q)"
	assertFalse "no state file" "ls '$S/containers/'* 2>/dev/null"
	wait_until 5 '[ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "mocker-*" 2>/dev/null)" ]'
	assertEquals "no cgroup" "" "$(find /sys/fs/cgroup -maxdepth 2 -name 'mocker-*' 2>/dev/null)"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
