#!/bin/bash
# mocker-init for appliances: restart policies and backoff, a services
# directory, pause mode, --user, and the appliance image.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	# A payload that logs each start (ms since boot) and exits as told by
	# /tmp/plan: one exit code per run, the last one repeating.
	cat > "$R/usr/local/bin/flaky" <<'SCRIPT'
#!/bin/sh
n=$(($(wc -l < /tmp/starts 2>/dev/null || echo 0) + 1))
echo "$n $(cut -d' ' -f1 /proc/uptime)" >> /tmp/starts
code=$(sed -n "${n}p" /tmp/plan)
[ -n "$code" ] || code=$(tail -n 1 /tmp/plan)
case $code in
sleep*) sleep "${code#sleep }"; exit 1 ;;
esac
exit "$code"
SCRIPT
	chmod 755 "$R/usr/local/bin/flaky"
}

setUp() {
	rm -rf "$R/tmp/"* "$R/etc/mocker"
}

starts() {
	wc -l < "$R/tmp/starts" 2>/dev/null || echo 0
}

# --- restart policies ------------------------------------------------------------

test_on_failure_restarts_until_success() {
	printf '1\n1\n0\n' > "$R/tmp/plan"
	run_in_ns "$R" -R on-failure -- flaky 2>"$T/err"
	assertEquals "exit status of the successful run" 0 $?
	assertEquals "three runs" 3 "$(starts)"
	assertEquals "two restarts logged" 2 "$(grep -c 'restart [12] in' "$T/err")"
	grep -q "'flaky' exited with status 1; restart 1 in 100 ms" "$T/err" ||
		fail "reason and count: $(cat "$T/err")"
}

test_on_failure_n_gives_up_with_the_last_status() {
	printf '3\n4\n5\n' > "$R/tmp/plan"
	run_in_ns "$R" -R on-failure:2 -- flaky 2>"$T/err"
	assertEquals "the last status" 5 $?
	assertEquals "1 run + 2 restarts" 3 "$(starts)"
}

test_no_restart_by_default() {
	printf '1\n' > "$R/tmp/plan"
	run_in_ns "$R" -- flaky
	assertEquals "status" 1 $?
	assertEquals "one run" 1 "$(starts)"
}

test_always_restarts_after_success() {
	local u init
	printf '0\n' > "$R/tmp/plan"
	bg u run_in_ns "$R" --restart always -- flaky
	wait_until 10 '[ "$(starts)" -ge 3 ]' || fail "restarted after exit 0"
	init=$(first_child "$u")
	kill -TERM "$init"
	wait_exit "$u" 5
	assertEquals "stopped on request" 0 $?
}

test_backoff_grows_and_resets() {
	local a b c d e f
	# fail at once four times (100, 200, 400, 800 ms apart), then run
	# 10.5 s and fail (back to 100 ms), then succeed
	printf '1\n1\n1\n1\nsleep 10.5\n0\n' > "$R/tmp/plan"
	run_in_ns "$R" -R on-failure -- flaky 2>"$T/err"
	assertEquals "status" 0 $?
	read -r a b c d e f <<< "$(awk '{printf "%d ", $2 * 1000}' "$R/tmp/starts")"
	local d1=$((b - a)) d2=$((c - b)) d3=$((d - c)) d4=$((e - d)) d6=$((f - e))
	assertTrue "100 ms: $d1" "[ $d1 -ge 90 ] && [ $d1 -lt 600 ]"
	assertTrue "200 ms: $d2" "[ $d2 -ge 190 ] && [ $d2 -lt 700 ]"
	assertTrue "400 ms: $d3" "[ $d3 -ge 390 ] && [ $d3 -lt 900 ]"
	assertTrue "800 ms: $d4" "[ $d4 -ge 790 ] && [ $d4 -lt 1300 ]"
	assertTrue "after a 10 s run, 100 ms again: $d6" "[ $d6 -ge 10500 ] && [ $d6 -lt 11200 ]"
	grep -q 'restart 5 in 100 ms' "$T/err" || fail "reset logged: $(cat "$T/err")"
}

test_sigterm_during_backoff_ends_at_once() {
	local u init t0 t1 rc
	printf '1\n' > "$R/tmp/plan"
	bg u run_in_ns "$R" -R always -- flaky
	init=$(first_child "$u")
	# the fifth start comes 1.5 s after the first; the wait before it is
	# 800 ms: the fourth run has ended (no child), the init waits
	wait_until 10 '[ "$(starts)" -ge 4 ] && ! has_child "$init"' || fail "in the backoff"
	t0=$(date +%s%N)
	kill -TERM "$init"
	wait_exit "$u" 5
	rc=$?
	t1=$(date +%s%N)
	assertEquals "it ends with the last status" 1 "$rc"
	assertTrue "within 100 ms: $(((t1 - t0) / 1000000)) ms" "[ $(((t1 - t0) / 1000000)) -lt 100 ]"
	assertEquals "no more starts" 4 "$(starts)"
}

test_sigterm_stops_the_payload_and_no_restart() {
	local u init
	bg u run_in_ns "$R" -R always -- sigrecv /tmp/sigs 15
	wait_for 5 file_has "$R/tmp/sigs" ready
	init=$(first_child "$u")
	kill -TERM "$init"
	wait_exit "$u" 5
	assertEquals "the payload's own status" 0 $?
	assertEquals "started once" 1 "$(grep -c ready "$R/tmp/sigs")"
}

# --- services ----------------------------------------------------------------------

service() { # NAME SCRIPT
	mkdir -p "$R/etc/mocker/services/$1"
	printf '#!/bin/sh\n%s\n' "$2" > "$R/etc/mocker/services/$1/run"
	chmod 755 "$R/etc/mocker/services/$1/run"
}

test_services_restart_finish_and_down() {
	local u init steady
	service steady 'echo $$ >> /tmp/steady.pid; exec sleep 100'
	service crash 'echo run >> /tmp/crash.runs; exit 3'
	printf '#!/bin/sh\necho "$1 $2" >> /tmp/crash.finish\n' > "$R/etc/mocker/services/crash/finish"
	chmod 755 "$R/etc/mocker/services/crash/finish"
	service off 'touch /tmp/off.ran'
	touch "$R/etc/mocker/services/off/down"
	service killed 'echo run >> /tmp/killed.runs; kill -KILL $$'
	mkdir -p "$R/etc/mocker/services/norun"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 10 file_lines "$R/tmp/crash.runs" 3 || fail "the crashing service restarted"
	wait_for 10 file_lines "$R/tmp/killed.runs" 2 || fail "the killed one too"
	wait_for 5 file_lines "$R/tmp/crash.finish" 2
	assertEquals "finish got exit code and signal" "3 0" "$(head -n 1 "$R/tmp/crash.finish")"
	assertEquals "the steady one started once" "1" "$(grep -c . "$R/tmp/steady.pid")"
	steady=$(find_desc "$init" '^sleep 100')
	assertNotEquals "and it still runs" "" "$steady"
	assertFalse "down is honoured" "[ -e '$R/tmp/off.ran' ]"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "exit 0 when stopped on request" 0 $?
}

# Bug: nginx's master killed with SIGKILL, its workers (same group) kept
# the port, and every restart failed. Here busybox httpd is the worker.
test_a_killed_service_s_group_goes_before_it_restarts() {
	local u init port first second
	port=$("$HELPERS/netecho" free tcp)
	mkdir -p "$R/www"
	echo hello > "$R/www/index.html"
	service web "httpd -f -h /www -p 127.0.0.1:$port & echo \$! >> /tmp/workers; exec sleep 1000"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 10 file_lines "$R/tmp/workers" 1 || fail "web did not start"
	first=$(find_desc "$init" '^httpd')
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" || fail "not serving"
	kill -KILL "$(find_desc "$init" '^sleep 1000')"
	wait_for 10 file_lines "$R/tmp/workers" 2 || fail "web did not come back"
	assertFalse "the first worker is gone" "kill -0 $first 2>/dev/null"
	wait_until 5 '[ -n "$(find_desc "$init" "^httpd")" ]' || fail "no new worker"
	second=$(find_desc "$init" '^httpd')
	assertNotEquals "a new worker" "$first" "$second"
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" || fail "not serving again"
	kill -TERM "$init"
	wait_exit "$u" 10
	rm -rf "$R/www" "$R/etc/mocker/services/web"
}

test_finish_gets_256_and_the_signal() {
	local u init
	service victim 'kill -USR1 $$'
	printf '#!/bin/sh\necho "$1 $2" >> /tmp/finish\n' > "$R/etc/mocker/services/victim/finish"
	chmod 755 "$R/etc/mocker/services/victim/finish"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 10 file_lines "$R/tmp/finish" 1
	assertEquals "256 and SIGUSR1" "256 10" "$(head -n 1 "$R/tmp/finish")"
	kill -TERM "$init"
	wait_exit "$u" 10
}

test_services_stop_gracefully() {
	local u init
	service a 'exec flushwriter /tmp/a'
	service b 'exec flushwriter /tmp/b'
	bg u run_in_ns "$R" --services /etc/mocker/services
	init=$(first_child "$u")
	wait_for 5 test -e "$R/tmp/a.ready" && wait_for 5 test -e "$R/tmp/b.ready"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "exit 0" 0 $?
	assertTrue "a flushed" "file_has '$R/tmp/a' flushed"
	assertTrue "b flushed" "file_has '$R/tmp/b' flushed"
}

test_services_dir_option_and_missing() {
	mkdir -p "$R/srv/one"
	printf '#!/bin/sh\necho one > /tmp/one; exec sleep 100\n' > "$R/srv/one/run"
	chmod 755 "$R/srv/one/run"
	local u init
	bg u env MOCKER_INIT_SERVICES=/srv run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 test -e "$R/tmp/one"
	assertTrue "ran from MOCKER_INIT_SERVICES" "[ -e '$R/tmp/one' ]"
	kill -TERM "$init"
	wait_exit "$u" 5
	assertEquals "stopped on request" 0 $?
	run_in_ns "$R" 2>"$T/err"
	assertEquals "no COMMAND and no services directory: usage" 2 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
}

# --- per-service settings ------------------------------------------------------------

setting() { # NAME FILE TEXT
	printf '%s\n' "$3" > "$R/etc/mocker/services/$1/$2"
}

svc() { # ARGS...: mocker-init svc inside the container whose init is $init
	chroot "$R" /sbin/init svc "$@"
}

test_down_signal_and_timeout_kill() {
	local u init t0 t1
	service polite 'trap "echo USR1 > /tmp/polite; exit 0" USR1; trap "" TERM; while :; do sleep 0.05; done'
	setting polite down-signal SIGUSR1
	service stubborn 'trap "" TERM; echo $$ > /tmp/stubborn; while :; do sleep 0.05; done'
	setting stubborn timeout-kill 300
	bg u run_in_ns "$R" -t 30
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/stubborn" || fail "stubborn started"
	t0=$(date +%s%N)
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "stopped cleanly" 0 $?
	t1=$(date +%s%N)
	assertEquals "polite got its down signal" USR1 "$(cat "$R/tmp/polite" 2>/dev/null)"
	assertTrue "stubborn was killed after its 300 ms, not the 30 s grace: $(((t1 - t0) / 1000000)) ms" \
		"[ $(((t1 - t0) / 1000000)) -lt 5000 ]"
}

test_bad_setting_is_a_setup_failure() {
	service a 'exec sleep 100'
	setting a down-signal SIGNOPE
	run_in_ns "$R" 2>"$T/err"
	assertEquals "exit 125" 125 $?
	assertEquals "one line naming it" \
		"mocker-init: service a: down-signal: invalid 'SIGNOPE' (see mocker-init(8))" "$(cat "$T/err")"
	setting a down-signal TERM
	setting a restart sometimes
	run_in_ns "$R" 2>"$T/err"
	assertEquals "restart: 125" 125 $?
	grep -q "service a: restart: invalid 'sometimes'" "$T/err" || fail "$(cat "$T/err")"
}

test_essential_service_ends_the_container_with_its_status() {
	local u init
	service job 'sleep 0.3; exit 3'
	setting job restart no
	touch "$R/etc/mocker/services/job/essential"
	service other 'trap "echo stopped > /tmp/other; exit 0" TERM; while :; do sleep 0.05; done'
	bg u run_in_ns "$R" 2>"$T/err"
	wait_exit "$u" 10
	assertEquals "the essential service's status" 3 $?
	assertEquals "the others were stopped" stopped "$(cat "$R/tmp/other" 2>/dev/null)"
	grep -q "essential service 'job' exited with status 3: stopping" "$T/err" || fail "$(cat "$T/err")"
	# killed by a signal: 128+N; without essential, the container stays
	service job 'kill -KILL $$'
	setting job restart no
	run_in_ns "$R" 2>/dev/null
	assertEquals "128+9" 137 $?
	rm "$R/etc/mocker/services/job/essential"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	! wait_for 1 not_running "$init"
	assertTrue "not essential: the container runs on" "kill -0 $init"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "0 on request" 0 $?
}

test_service_user_and_env_dir() {
	local u init
	service who 'id -u > /tmp/who.id; echo "FOO=$FOO GONE=${GONE-unset} NL=$(echo "$NL" | wc -l)" > /tmp/who.env; exec sleep 100'
	setting who user nobody
	mkdir -p "$R/etc/mocker/services/who/env"
	printf 'bar  \nsecond line\n' > "$R/etc/mocker/services/who/env/FOO"
	: > "$R/etc/mocker/services/who/env/GONE"
	printf 'a\0b\n' > "$R/etc/mocker/services/who/env/NL"
	bg u env GONE=here run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/who.env" || fail "who started"
	assertEquals "runs as nobody" 65534 "$(cat "$R/tmp/who.id")"
	assertEquals "first line, blanks trimmed; empty file unsets; NUL is a newline" \
		"FOO=bar GONE=unset NL=2" "$(cat "$R/tmp/who.env")"
	assertEquals "the init stays root" 0 "$(awk '/^Uid/ {print $2}' "/proc/$init/status")"
	kill -TERM "$init"
	wait_exit "$u" 10
}

test_idle_services_make_no_system_calls() {
	local u init
	service a 'exec sleep 1000'
	service b 'echo >&3; exec sleep 1000'
	setting b notification-fd 3
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_until 5 '[ "$(svc -l | awk '"'"'$1 == "b" {print $4}'"'"')" = yes ]' || fail "b ready: $(svc -l)"
	assert_idle "$init" 5 "$(idle_poll_re)" "poll without a timeout"
	kill -TERM "$init"
	wait_exit "$u" 10
}

# A hostile image's services directory: FIFOs where files are expected
# would hang PID 1 on an open or a read, with every signal blocked.
test_fifos_in_a_service_do_not_hang_the_init() {
	local u init
	service a 'echo "started FOO=${FOO-unset}" > /tmp/a.out; exec sleep 100'
	mkdir -p "$R/etc/mocker/services/a/env"
	mkfifo "$R/etc/mocker/services/a/env/FOO"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/a.out" || fail "a started despite a FIFO in env/"
	assertEquals "read as empty: unset" "started FOO=unset" "$(cat "$R/tmp/a.out")"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "and stopped" 0 $?
	mkfifo "$R/etc/mocker/services/a/down-signal"
	timeout 10 unshare -p -f -m -u --kill-child chroot "$R" /sbin/init 2>"$T/err"
	assertEquals "a FIFO setting: refused, not a hang (124)" 125 $?
	grep -q "service a: down-signal: invalid ''" "$T/err" || fail "$(cat "$T/err")"
}

# A ./finish that never ends must not hold up the stop.
test_a_stuck_finish_is_killed_at_stop() {
	local u init
	service f 'exit 1'
	printf '#!/bin/sh\ntrap "" TERM\necho > /tmp/finishing\nwhile :; do sleep 0.05; done\n' > "$R/etc/mocker/services/f/finish"
	chmod 755 "$R/etc/mocker/services/f/finish"
	setting f timeout-kill 300
	bg u run_in_ns "$R" -t 30
	init=$(first_child "$u")
	wait_for 5 test -e "$R/tmp/finishing" || fail "finish started"
	kill -TERM "$init"
	wait_exit "$u" 5
	assertEquals "stopped within its timeout, not the 30 s grace" 0 $?
}

# --- readiness and needs -----------------------------------------------------------

# web serves on $port after a delay, and says it is ready (notification-fd 3)
# only once it answers; client fetches the page when it starts.
web_and_client() { # PORT DELAY
	mkdir -p "$R/www"
	echo hello > "$R/www/index.html"
	service web "sleep $2; httpd -f -h /www -p 127.0.0.1:$1 & until wget -q -O /dev/null http://127.0.0.1:$1/; do sleep 0.02; done; echo >&3; wait"
	setting web notification-fd 3
	service client "wget -q -O /tmp/client.out http://127.0.0.1:$1/ || echo failed > /tmp/client.out; exec sleep 100"
}

test_needs_waits_for_readiness() {
	local u init port
	port=$("$HELPERS/netecho" free tcp)
	web_and_client "$port" 0.5
	setting client needs web
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 10 test -s "$R/tmp/client.out" || fail "client started"
	assertEquals "client started once web was ready" hello "$(cat "$R/tmp/client.out")"
	kill -TERM "$init"
	wait_exit "$u" 10
	# the control: without needs, client starts at once and finds nothing
	rm -f "$R/tmp/client.out" "$R/etc/mocker/services/client/needs"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 10 test -s "$R/tmp/client.out"
	assertEquals "without needs: too early" failed "$(cat "$R/tmp/client.out")"
	kill -TERM "$init"
	wait_exit "$u" 10
	rm -rf "$R/www"
}

test_needs_unknown_or_cycle_is_a_setup_failure() {
	service a 'exec sleep 100'
	service b 'exec sleep 100'
	setting a needs 'b nosuch'
	run_in_ns "$R" 2>"$T/err"
	assertEquals "unknown: 125" 125 $?
	assertEquals "one line" "mocker-init: service a: needs 'nosuch': no such service" "$(cat "$T/err")"
	setting a needs b
	setting b needs a
	run_in_ns "$R" 2>"$T/err"
	assertEquals "cycle: 125" 125 $?
	assertEquals "one line" "mocker-init: service a: needs: a cycle" "$(cat "$T/err")"
}

# --- checks ---------------------------------------------------------------------------

test_failing_check_restarts_the_service() {
	local u init port first
	port=$("$HELPERS/netecho" free tcp)
	mkdir -p "$R/www"
	echo ok > "$R/www/health"
	service web "echo start >> /tmp/web.starts; httpd -f -h /www -p 127.0.0.1:$port & exec sleep 1000"
	printf '0.2\nwget -q -O /dev/null http://127.0.0.1:%s/health\n' "$port" > "$R/etc/mocker/services/web/check"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" || fail "not serving"
	first=$(find_desc "$init" '^httpd')
	# healthy: fifteen checks pass, no restart
	! wait_for 3 file_lines "$R/tmp/web.starts" 2
	assertEquals "healthy: started once" 1 "$(grep -c . "$R/tmp/web.starts")"
	rm "$R/www/health"
	wait_for 5 file_lines "$R/tmp/web.starts" 2 || fail "restarted after three failed checks"
	assertFalse "its whole group went: the old httpd too" "kill -0 $first 2>/dev/null"
	kill -TERM "$init"
	wait_exit "$u" 10
	rm -rf "$R/www"
}

# --- svc ------------------------------------------------------------------------------

test_svc_controls_services() {
	local u init pa pb
	service a 'trap "echo USR1 >> /tmp/a.sig" USR1; echo $$ >> /tmp/a.pids; while :; do sleep 0.05; done'
	service b 'echo $$ >> /tmp/b.pids; exec sleep 1000'
	service c 'echo up > /tmp/c.up; exec sleep 1000'
	touch "$R/etc/mocker/services/c/down"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 file_lines "$R/tmp/a.pids" 1 || fail "a started"
	wait_for 5 file_lines "$R/tmp/b.pids" 1 || fail "b started"
	pa=$(cat "$R/tmp/a.pids") pb=$(cat "$R/tmp/b.pids")
	svc -l > "$T/list"
	assertEquals "svc -l: status" 0 $?
	assertEquals "one line per service" 3 "$(wc -l < "$T/list")"
	assertEquals "a" "a up $pa yes 0 -" "$(grep '^a ' "$T/list")"
	assertEquals "c is loaded, down" "c down - no 0 -" "$(grep '^c ' "$T/list")"
	assertFalse "c did not start" "[ -e '$R/tmp/c.up' ]"
	svc -u c
	wait_for 5 test -e "$R/tmp/c.up" || fail "svc -u c started it"
	svc -s USR1 a
	wait_for 5 file_has "$R/tmp/a.sig" USR1 || fail "svc -s USR1 a"
	svc -r b
	wait_for 5 file_lines "$R/tmp/b.pids" 2 || fail "svc -r b restarted it"
	assertNotEquals "b has a new pid" "$pb" "$(tail -n 1 "$R/tmp/b.pids")"
	assertEquals "a kept running meanwhile" "$pa" "$(svc -l | awk '$1 == "a" {print $3}')"
	svc -d a
	wait_until 5 '[ "$(svc -l | awk '"'"'$1 == "a" {print $2}'"'"')" = down ]' || fail "svc -d a: $(svc -l)"
	assertEquals "a's last exit" "signal:TERM" "$(svc -l | awk '$1 == "a" {print $6}')"
	assertEquals "a stays down" 1 "$(grep -c . "$R/tmp/a.pids")"
	svc -u nosuch 2>"$T/err"
	assertEquals "unknown name: 1" 1 $?
	assertEquals "one line naming it" "mocker-init: svc: no such service: nosuch" "$(cat "$T/err")"
	svc -x a 2>"$T/err"
	assertEquals "usage: 2" 2 $?
	grep -q "svc: unknown option '-x' (see mocker-init --help)" "$T/err" || fail "$(cat "$T/err")"
	chroot --userspec=65534:65534 "$R" /sbin/init svc -l 2>"$T/err"
	assertEquals "not root: refused" 1 $?
	grep -q "Permission denied" "$T/err" || fail "$(cat "$T/err")"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "stopped" 0 $?
	assertFalse "its socket is gone" "[ -e '$R/run/mocker-init/control' ]"
}

# Two web servers as services: one restarted with svc -r, the other
# serves all along.
test_svc_restart_of_one_web_server_while_the_other_serves() {
	local u init p1 p2 first i fails=0
	p1=$("$HELPERS/netecho" free tcp)
	p2=$("$HELPERS/netecho" free tcp)
	mkdir -p "$R/www"
	echo hello > "$R/www/index.html"
	service web1 "echo \$\$ >> /tmp/web1.pids; exec httpd -f -h /www -p 127.0.0.1:$p1"
	service web2 "exec httpd -f -h /www -p 127.0.0.1:$p2"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$p1) 2>/dev/null" || fail "web1 serves"
	wait_until 5 "(exec 3<>/dev/tcp/127.0.0.1/$p2) 2>/dev/null" || fail "web2 serves"
	first=$(head -n 1 "$R/tmp/web1.pids")
	svc -r web1
	for i in $(seq 20); do
		chroot "$R" wget -q -O /dev/null "http://127.0.0.1:$p2/" || fails=$((fails + 1))
	done
	assertEquals "web2 answered every request meanwhile" 0 "$fails"
	wait_for 5 file_lines "$R/tmp/web1.pids" 2 || fail "web1 restarted"
	assertNotEquals "a new web1" "$first" "$(tail -n 1 "$R/tmp/web1.pids")"
	wait_until 5 '[ "$(chroot "$R" wget -q -O - "http://127.0.0.1:$p1/")" = hello ]' || fail "web1 serves again"
	kill -TERM "$init"
	wait_exit "$u" 10
	rm -rf "$R/www"
}

# A socket planted where the init's should be, by a user who is not root
# (a /run others may write): svc does not take its answer.
test_svc_refuses_a_socket_that_is_not_roots() {
	mkdir -p "$R/run/mocker-init"
	chmod 777 "$R/run/mocker-init"
	python3 - "$R/run/mocker-init/control" <<'PY' &
import os, socket, sys
os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.recv(100); c.send(b"0fake ok\n"); c.close()
PY
	BG_PIDS+=("$!")
	wait_for 5 test -S "$R/run/mocker-init/control" || fail "the fake listens"
	svc -l > "$T/out" 2>"$T/err"
	assertEquals "refused: 1" 1 $?
	assertEquals "one line" "mocker-init: svc: /run/mocker-init/control is not the init's" "$(cat "$T/err")"
	assertEquals "nothing printed from it" "" "$(cat "$T/out")"
	kill "${BG_PIDS[-1]}" 2>/dev/null
	wait "${BG_PIDS[-1]}" 2>/dev/null
	rm -rf "$R/run/mocker-init"
}

test_svc_without_a_running_init() {
	assertEquals "a payload named svc runs after --" "svc-ran" \
		"$(run_in_ns "$R" -- sh -c 'echo svc-ran')"
	run_in_ns "$R" svc -l 2>"$T/err"
	assertEquals "svc with no init listening: 1" 1 $?
	grep -q "svc: cannot reach the init at /run/mocker-init/control" "$T/err" || fail "$(cat "$T/err")"
}

# --- pause -------------------------------------------------------------------------

test_pause_mode() {
	local u init sig
	for sig in TERM INT; do
		bg u run_in_ns "$R" -P
		init=$(first_child "$u")
		kill -HUP "$init"
		kill -USR1 "$init"
		! wait_for 1 not_running "$init"
		assertTrue "runs on after HUP and USR1" "kill -0 $init"
		kill -"$sig" "$init"
		wait_exit "$u" 5
		assertEquals "exit 0 on $sig" 0 $?
	done
	run_in_ns "$R" -P -- true 2>/dev/null
	assertEquals "pause takes no command" 2 $?
}

# --- privileges ----------------------------------------------------------------------

status_field() { # STATUS_TEXT FIELD: the value, tabs kept
	echo "$1" | sed -n "s/^$2:\t//p"
}

test_user_nobody() {
	local out
	out=$(run_in_ns "$R" -u nobody -- cat /proc/self/status)
	assertEquals "uids" "65534	65534	65534	65534" "$(status_field "$out" Uid)"
	assertEquals "gids" "65534	65534	65534	65534" "$(status_field "$out" Gid)"
	assertEquals "groups from /etc/group" "100 65534" "$(status_field "$out" Groups | xargs -n1 | sort -n | xargs)"
	out=$(run_in_ns "$R" -u nobody -- sh -c 'echo $HOME')
	assertEquals "HOME from passwd" "/nonexistent" "$out"
	out=$(run_in_ns "$R" -u user:www-data -- id)
	assertEquals "USER:GROUP by name" "uid=1000(user) gid=33(www-data) groups=33(www-data)" "$out"
}

test_user_numeric_without_entries() {
	local out
	out=$(run_in_ns "$R" -u 1234:5678 -- cat /proc/self/status)
	assertEquals "uid" "1234	1234	1234	1234" "$(status_field "$out" Uid)"
	assertEquals "gid" "5678	5678	5678	5678" "$(status_field "$out" Gid)"
	assertEquals "groups" "5678" "$(status_field "$out" Groups | xargs)"
}

test_user_unknown_is_a_setup_failure() {
	run_in_ns "$R" -u nosuchuser -- touch /tmp/ran 2>"$T/err"
	assertEquals "exit 125" 125 $?
	grep -q "nosuchuser" "$T/err" || fail "message: $(cat "$T/err")"
	run_in_ns "$R" -u nobody:nosuchgroup -- touch /tmp/ran 2>/dev/null
	assertEquals "unknown group: 125" 125 $?
	assertFalse "nothing started" "[ -e '$R/tmp/ran' ]"
}

test_init_stays_root_with_user() {
	local u init
	bg u run_in_ns "$R" -u nobody -- sleep 100
	init=$(first_child "$u")
	wait_for 5 has_child "$init"
	assertEquals "the init is root" 0 "$(awk '/^Uid/ {print $2}' "/proc/$init/status")"
	assertEquals "the payload is nobody" 65534 "$(awk '/^Uid/ {print $2}' "/proc/$(children_of "$init")/status")"
}

# --- log-prefix -----------------------------------------------------------------------

# Lines a service writes, as the init's stdout or stderr shows them: "[NAME] "
# taken off, in order.
lines_of() { # FILE NAME
	sed -n "s/^\[$2\] //p" "$1"
}

# Two services write 5,000 lines each on stdout and 5,000 on stderr as fast
# as they can, interleaved; a third writes a line of 10,000 bytes; a fourth
# has no log-prefix.
test_log_prefix_keeps_every_line_whole_and_in_order() {
	local u init s
	for s in a b; do
		service $s "i=0; while [ \$i -lt 5000 ]; do echo \"$s out \$i\"; echo \"$s err \$i\" >&2; i=\$((i + 1)); done; echo $s done; exec sleep 100"
		touch "$R/etc/mocker/services/$s/log-prefix"
	done
	service c 'for n in 10000 4096; do awk "BEGIN { while (n++ < $n) printf \"x\"; print \"\" }"; done; exec sleep 100'
	touch "$R/etc/mocker/services/c/log-prefix"
	service d 'echo plain d; exec sleep 100'
	# last words without a newline: a line of their own when it ends
	service e 'printf "last words"; exit 3'
	touch "$R/etc/mocker/services/e/log-prefix"
	setting e restart no
	bg u run_in_ns "$R" >"$T/out" 2>"$T/err"
	init=$(first_child "$u")
	wait_for 20 file_has "$T/out" '^\[a\] a done$' || fail "a's last line"
	wait_for 20 file_has "$T/out" '^\[b\] b done$' || fail "b's last line"
	wait_for 5 file_has "$T/out" '^plain d$' || fail "d, unprefixed"
	wait_for 5 file_has "$T/out" '^\[e\] last words$' || fail "e's last words"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "stopped" 0 $?
	for s in a b; do
		assertEquals "$s: every stdout line, in order" \
			"$( (seq 0 4999 | sed "s/^/$s out /"; echo "$s done") | md5sum)" \
			"$(lines_of "$T/out" $s | md5sum)"
		assertEquals "$s: every stderr line, in order, on stderr" \
			"$(seq 0 4999 | sed "s/^/$s err /" | md5sum)" "$(lines_of "$T/err" $s | md5sum)"
	done
	assertEquals "nothing else, nothing mixed" "" \
		"$(grep -Ev '^\[(a|b)\] (a|b) (out [0-9]+|done)$|^\[c\] x+$|^plain d$|^\[e\] last words$' "$T/out" | head -c 300)"
	assertEquals "the long line split at 4096, each part prefixed; one of 4096 whole" "4096 4096 1808 4096" \
		"$(lines_of "$T/out" c | awk '{printf "%s%d", (NR > 1 ? " " : ""), length($0)}')"
}

# Nobody reads the init's stdout for a while: the init stops reading the
# service (which then waits on its full pipe) but goes on answering, without
# spinning; once the reader comes back, every line arrives.
test_log_prefix_waits_for_a_slow_reader() {
	local u init ticks0 ticks1 reader
	service a 'touch /tmp/a.started; i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i + 1)); done; touch /tmp/a.done; exec sleep 100'
	touch "$R/etc/mocker/services/a/log-prefix"
	mkfifo "$T/fifo"
	exec 7<>"$T/fifo" # a reader that does not read yet
	bg u run_in_ns "$R" >"$T/fifo" 2>"$T/err"
	init=$(first_child "$u")
	wait_for 5 test -e "$R/tmp/a.started" || fail "a started"
	ticks0=$(awk '{print $14 + $15}' "/proc/$init/stat")
	! wait_for 2 test -e "$R/tmp/a.done" || fail "a could not have written it all"
	assertEquals "PID 1 answers meanwhile" 0 "$(timeout 2 chroot "$R" /sbin/init svc -l >/dev/null; echo $?)"
	ticks1=$(awk '{print $14 + $15}' "/proc/$init/stat")
	assertTrue "no busy loop: $((ticks1 - ticks0)) ticks in 2 s" "[ $((ticks1 - ticks0)) -lt 20 ]"
	cat <&7 >"$T/out" &
	reader=$!
	wait_for 20 test -e "$R/tmp/a.done" || fail "a went on once read"
	wait_until 20 '[ "$(grep -c "^\[a\] line" "$T/out")" -ge 20000 ]' || fail "every line came"
	kill -TERM "$init"
	wait_exit "$u" 10
	kill "$reader"
	wait "$reader" 2>/dev/null
	exec 7>&-
	assertEquals "all of them, in order" "$(seq 0 19999 | sed 's/^/line /' | md5sum)" \
		"$(lines_of "$T/out" a | md5sum)"
}

# The init's stdout is a pipe whose reader has gone: its writes fail (EPIPE),
# and the SIGPIPE they raise is not forwarded to the services.
init_piped_to_true() {
	run_in_ns "$R" | true
}

test_log_prefix_reader_gone_kills_nobody() {
	local u
	service talk 'i=0; while :; do echo "tick $i"; echo $i > /tmp/ticks; i=$((i + 1)); sleep 0.05; done'
	touch "$R/etc/mocker/services/talk/log-prefix"
	service victim 'exec sleep 100'
	bg u init_piped_to_true
	wait_for 5 test -s "$R/tmp/ticks" || fail "talk started"
	wait_until 5 '[ "$(cat "$R/tmp/ticks")" -ge 20 ]' || fail "talk went on"
	svc -l > "$T/list"
	grep -q '^talk up [0-9]* yes 0 -$' "$T/list" || fail "talk not restarted: $(cat "$T/list")"
	grep -q '^victim up [0-9]* yes 0 -$' "$T/list" || fail "victim not killed: $(cat "$T/list")"
	kill_bg
}

# --- sd_notify ------------------------------------------------------------------------

# a says READY=1 on $NOTIFY_SOCKET after a while; b needs a.
notify_pair() {
	service a 'echo "$NOTIFY_SOCKET" > /tmp/a.socket; sleep 0.5; touch /tmp/a.said; sdnotify send "STATUS=warm\nREADY=1"; exec sleep 100'
	service b 'if [ -e /tmp/a.said ]; then echo after; else echo before; fi > /tmp/b.out; echo "${NOTIFY_SOCKET-unset}" > /tmp/b.socket; exec sleep 100'
	setting b needs a
}

test_notify_socket_readiness() {
	local u init list
	notify_pair
	touch "$R/etc/mocker/services/a/notify"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/a.socket" || fail "a started"
	assertEquals "a's own NOTIFY_SOCKET" /run/mocker-init/notify.a "$(cat "$R/tmp/a.socket")"
	list=$(svc -l)
	echo "$list" | grep -q '^a up [0-9]* no 0 -$' || fail "a not ready yet: $list"
	echo "$list" | grep -q '^b waiting - no 0 -$' || fail "b waits: $list"
	wait_for 5 test -s "$R/tmp/b.out" || fail "b started"
	assertEquals "b started once a said READY=1" after "$(cat "$R/tmp/b.out")"
	assertEquals "b, without notify, has no NOTIFY_SOCKET" unset "$(cat "$R/tmp/b.socket")"
	svc -l | grep -q '^a up [0-9]* yes 0 -$' || fail "a ready: $(svc -l)"
	kill -TERM "$init"
	wait_exit "$u" 10
	assertEquals "stopped" 0 $?
	assertFalse "its socket is gone" "[ -e '$R/run/mocker-init/notify.a' ]"
	# the control: without the notify file, a is ready when it starts
	rm -f "$R/tmp/"* "$R/etc/mocker/services/a/notify"
	bg u run_in_ns "$R"
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/b.out" || fail "b started"
	assertEquals "without notify: b starts at once" before "$(cat "$R/tmp/b.out")"
	kill -TERM "$init"
	wait_exit "$u" 10
}

# The init under a caller that gave it NOTIFY_SOCKET (podman
# --sdnotify=container, systemd): READY=1 once every service is ready,
# STOPPING=1 at the stop; a single command's messages relayed as they are.
test_notify_socket_of_the_caller() {
	local u init r
	notify_pair
	touch "$R/etc/mocker/services/a/notify"
	# done once and for all: it does not hold READY=1 back
	service once 'exit 0'
	setting once restart no
	bg r "$HELPERS/sdnotify" recv "$R/tmp/caller.sock" 2 >"$T/got"
	wait_for 5 file_has "$T/got" ready || fail "listening"
	NOTIFY_SOCKET=/tmp/caller.sock bg u run_in_ns "$R" -v -v >/dev/null 2>"$T/err"
	init=$(first_child "$u")
	wait_for 5 test -s "$R/tmp/b.out" || fail "b started: $(cat "$T/err")"
	assertEquals "not the caller's socket either" unset "$(cat "$R/tmp/b.socket")"
	kill -TERM "$init"
	wait_exit "$u" 10
	wait_exit "$r" 5
	assertEquals "services: READY=1 once all were, then STOPPING=1" "ready
READY=1
STOPPING=1" "$(cat "$T/got")"
	rm -rf "$R/etc/mocker"
	bg r "$HELPERS/sdnotify" recv "@mocker-test-$$" 2 >"$T/got"
	wait_for 5 file_has "$T/got" ready || fail "listening"
	NOTIFY_SOCKET="@mocker-test-$$" run_in_ns "$R" -- sh -c 'echo "$NOTIFY_SOCKET" > /tmp/cmd.socket; sdnotify send "READY=1\nSTATUS=up"'
	assertEquals "the command ran" 0 $?
	wait_exit "$r" 5
	assertEquals "relayed, then STOPPING=1" "ready
READY=1|STATUS=up
STOPPING=1" "$(cat "$T/got")"
	assertEquals "the command's own socket" /run/mocker-init/notify "$(cat "$R/tmp/cmd.socket")"
}

# --- the appliance image ---------------------------------------------------------------

test_appliance_serves_its_page() {
	local m init page beat1 list
	bg m "$MOCKER" run "$APPLIANCE" >"$T/out"
	init=$(first_child "$m")
	wait_for 10 nsenter -t "$init" -n busybox wget -q -O /dev/null http://127.0.0.1/ ||
		fail "httpd answers on the container's loopback"
	page=$(nsenter -t "$init" -n busybox wget -q -O - http://127.0.0.1/)
	echo "$page" | grep -q 'Hello from the mocker appliance' || fail "the page: $page"
	wait_for 5 test -s "/proc/$init/root/run/heartbeat"
	# shellcheck disable=SC2034 # read in wait_until's condition
	beat1=$(cut -d' ' -f1 "/proc/$init/root/run/heartbeat")
	wait_until 5 '[ "$(cut -d" " -f1 /proc/$init/root/run/heartbeat)" -gt "$beat1" ]' ||
		fail "the heartbeat goes on"
	# httpd said it was ready (notification-fd); heartbeat needs it
	list=$(nsenter -t "$init" -m -r /sbin/init svc -l)
	echo "$list" | grep -q '^httpd up [0-9]* yes 0 -$' || fail "httpd ready: $list"
	echo "$list" | grep -q '^heartbeat up [0-9]* yes 0 -$' || fail "heartbeat: $list"
	# its log lines carry its name (log-prefix)
	wait_for 5 file_has "$T/out" '^\[heartbeat\] alive, beat 1$' || fail "prefixed: $(cat "$T/out")"
	kill -TERM "$m"
	wait_exit "$m" 10
	assertEquals "stopped cleanly" 0 $?
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
