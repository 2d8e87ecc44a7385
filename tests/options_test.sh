#!/bin/bash
# mocker run: the options people type with docker run and podman run, each
# tested for its effect inside the container and for its bad values; user
# namespaces that can run real services; the bugs found running real
# software.
# Scripts for containers are single-quoted on purpose (SC2016); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/packages.sh
. "$TOP/tests/packages.sh"

export TERM=dumb

oneTimeSetUp() {
	ensure_packages uidmap >/dev/null 2>&1
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
	cp /etc/subuid "$T/subuid.saved" 2>/dev/null || : > "$T/subuid.saved"
	cp /etc/subgid "$T/subgid.saved" 2>/dev/null || : > "$T/subgid.saved"
}

setUp() { launcher_setUp; }
suite_tearDown() {
	launcher_tearDown
	if [ -f "$T/subuid.saved" ]; then
		cp "$T/subuid.saved" /etc/subuid
		cp "$T/subgid.saved" /etc/subgid
	fi
}

# --- bugs seen ---------------------------------------------------------------------

test_tmpfs_takes_dockers_options() {
	local out
	out=$(run --tmpfs /run:size=10m,mode=750,uid=33,gid=33 --tmpfs /scratch:ro "$R" sh -c \
		'grep -E " /(run|scratch) " /proc/self/mountinfo | awk "{print \$5, \$6, \$NF}"; stat -c "%a %u %g" /run; touch /scratch/x 2>&1 | grep -c Read-only')
	assertEquals "mounted as asked" "/run rw,nosuid,nodev,noexec,relatime rw,size=10240k,mode=750,uid=33,gid=33
/scratch ro,nosuid,nodev,noexec,relatime rw
750 33 33
1" "$out"
	assertFalse "no directory named after the options in the image" "ls -d '$R'/run:* 2>/dev/null"
	assertEquals "exec on request" "ran" \
		"$(run --tmpfs /x:exec "$R" sh -c 'cp /bin/busybox /x/echo && /x/echo ran')"
	assertEquals "noexec by default, as Docker" "refused" \
		"$(run --tmpfs /x "$R" sh -c 'cp /bin/busybox /x/echo; /x/echo ran 2>/dev/null || echo refused')"
	bad_text "--tmpfs 'bogus': unknown option (size=, mode=, uid=, gid=, ro, rw, exec, noexec, nosuid, nodev) (see mocker run --help)" \
		run --tmpfs /run:bogus "$R" true
	bad_text "--tmpfs 'size=lots': expected size=SIZE such as size=64m (see mocker run --help)" \
		run --tmpfs /run:size=lots "$R" true
	bad_text "--tmpfs 'mode=999': expected mode=OCTAL such as mode=1777 (see mocker run --help)" \
		run --tmpfs /run:mode=999 "$R" true
	bad_text "--tmpfs 'dev': not allowed: device nodes and setuid programs stay inert in a container (see mocker run --help)" \
		run --tmpfs /run:dev "$R" true
}

test_overlay_writes_in_a_user_namespace() {
	local img=$T/ovl mocker
	assertEquals "--userns: root's image, written through the overlay" "ok ok" \
		"$(run --userns --overlay "$R" sh -c 'echo x > /tmp/a && echo x > /etc/z && echo ok ok')"
	assertFalse "the image untouched" "[ -e '$R/etc/z' ]"
	# rootless: an image of the user's own
	rm -rf "$img"
	cp -a "$R" "$img"
	chown -R 65534:65534 "$img"
	mocker=$(mocker_for_all)
	assertEquals "rootless: written through the overlay" "ok ok" \
		"$(setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q --overlay "$img" \
			sh -c 'echo x > /tmp/a && echo x > /etc/z && echo ok ok')"
	assertFalse "the image untouched" "[ -e '$img/etc/z' ]"
	rm -rf "$img"
}

test_verbose_says_each_step() {
	run --verbose "$R" true 2>"$T/err"
	grep -qx "mocker: pivot into the root" "$T/err" || fail "a step: $(cat "$T/err")"
	grep -qx "mocker: make the container's cgroup" "$T/err" || fail "a host step: $(cat "$T/err")"
	assertTrue "one line a step: $(wc -l < "$T/err")" "[ $(wc -l < "$T/err") -ge 30 ]"
	run "$R" true 2>"$T/err"
	assertEquals "silent without it" "" "$(cat "$T/err")"
}

test_messages_name_the_cause() {
	bad_text "cannot look up the user: --user 'nosuch': no such user in the image's /etc/passwd" \
		run -u nosuch "$R" true
	bad_text "cannot look up the user: --user 'nobody:nogrp': no such group in the image's /etc/group" \
		run -u nobody:nogrp "$R" true
	# rootless, the image root's: no mount point can be made in it
	local mocker
	mocker=$(mocker_for_all)
	setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q -v "$T:/etc/newdir" \
		"$R" true 2>"$T/err"
	assertEquals "exit 125" 125 $?
	assertEquals "the message" "mocker: cannot mount a volume: /etc/newdir: the mount point cannot be made in the image (not writable in this user namespace): make it in the image, or use --overlay" \
		"$(cat "$T/err")"
	assertFalse "nothing made in the image" "[ -e '$R/etc/newdir' ]"
	: > "$T/image.tar"
	# (the rootless user above)
	bad_text "'$T/image.tar': a file, not a root filesystem directory; an image archive is run as oci-archive:$T/image.tar or docker-archive:$T/image.tar" \
		run "$T/image.tar" true
	mkdir -p "$T/layout"
	echo '{"imageLayoutVersion": "1.0.0"}' > "$T/layout/oci-layout"
	bad_text "'$T/layout': an OCI image layout, not a root filesystem: run it as oci:$T/layout" \
		run "$T/layout" true
	: > /etc/subuid
	setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -u www-data "$R" true 2>"$T/err"
	assertEquals "rootless, an unmapped user: 125" 125 $?
	if ! grep -q "www-data" "$T/err" || ! grep -q "subuid" "$T/err"; then
		fail "names the user and the fix: $(cat "$T/err")"
	fi
}

test_hostname_resolves_and_etc_files() {
	local out
	out=$(run --hostname web --add-host db:10.1.2.3 --add-host v6:fd00::1 "$R" sh -c \
		'resolve web db v6; cat /etc/hostname; grep -c . /etc/resolv.conf')
	assertEquals "resolved" "web 127.0.1.1
db 10.1.2.3
v6 fd00::1
web
2" "$out"
	out=$(run --dns 192.0.2.53 --dns-search example.com --dns-option ndots:2 "$R" cat /etc/resolv.conf)
	echo "$out" | grep -qx "nameserver 192.0.2.53" || fail "--dns: $out"
	echo "$out" | grep -qx "search example.com" || fail "--dns-search: $out"
	echo "$out" | grep -qx "options ndots:2" || fail "--dns-option: $out"
	echo "$out" | grep -q "no network" || fail "says it has no network: $out"
	out=$(run --net host "$R" cat /etc/resolv.conf)
	assertEquals "--net host: the host's resolver" "$(cat /etc/resolv.conf)" "$out"
	assertEquals "the image's own files unchanged" "busybox" "$(cat "$R/etc/hostname")"
	assertEquals "nothing written to the image's resolv.conf" "" "$(cat "$R/etc/resolv.conf")"
	bad_text "--add-host 'db:nowhere': not an IPv4 or IPv6 address after the name (see mocker run --help)" \
		run --add-host db:nowhere "$R" true
	bad_text "--add-host 'nocolon': expected NAME:IP (see mocker run --help)" \
		run --add-host nocolon "$R" true
	bad_text "--dns 'x': expected an IPv4 or IPv6 address (see mocker run --help)" \
		run --dns x "$R" true
	bad_text "--dns-search 'bad_domain': expected a domain name (see mocker run --help)" \
		run --dns-search bad_domain "$R" true
	bad_text "--dns-option 'a b': expected a resolv.conf option such as ndots:2 (see mocker run --help)" \
		run --dns-option 'a b' "$R" true
}

# --- options to add -------------------------------------------------------------

test_env_file_and_entrypoint() {
	printf '# comment\nA=1\n\nB=two words\nFROMHERE\n' > "$T/env"
	assertEquals "--env-file" "1|two words|here" \
		"$(FROMHERE=here run --env-file "$T/env" "$R" sh -c 'echo "$A|$B|$FROMHERE"')"
	assertEquals "-e after --env-file wins" "2" \
		"$(run --env-file "$T/env" -e A=2 "$R" sh -c 'echo $A')"
	assertEquals "--entrypoint takes the command as its arguments" "hello world" \
		"$(run --entrypoint /bin/echo "$R" hello world)"
	printf 'bad key=1\n' > "$T/env2"
	bad_text "--env-file $T/env2:1 'bad key=1': the name has white space (see mocker run --help)" \
		run --env-file "$T/env2" "$R" true
	bad_text "--env-file '$T/none': No such file or directory" run --env-file "$T/none" "$R" true
}

test_ulimit_shm_size_group_add_rm() {
	assertEquals "--ulimit" "1234 2345 0" \
		"$(run --ulimit nofile=1234:2345 --ulimit core=0 "$R" sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(ulimit -c)')"
	assertEquals "--shm-size" "1024" \
		"$(run --shm-size 1m "$R" sh -c 'df -k /dev/shm | tail -n 1' | awk '{print $2}')"
	assertEquals "--group-add by name and number" "uid=65534(nobody) gid=65534(nogroup) groups=77,100(users),65534(nogroup)" \
		"$(run -u nobody --group-add users --group-add 77 "$R" id)"
	assertEquals "--rm accepted" "ok" "$(run --rm "$R" echo ok)"
	bad_text "--ulimit 'bogus': unknown limit (as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack) (see mocker run --help)" \
		run --ulimit bogus=1 "$R" true
	bad_text "--ulimit 'nofile=9:1': the soft limit is above the hard one (see mocker run --help)" \
		run --ulimit nofile=9:1 "$R" true
	bad_text "--shm-size 'huge': expected a size such as 64m (see mocker run --help)" \
		run --shm-size huge "$R" true
	bad_text "cannot look up the user: --group-add 'nosuch': no such group in the image's /etc/group" \
		run --group-add nosuch "$R" true
}

# SIGTERM to a foreground run stops the container as a service manager
# would: the stop signal, then everything killed after the stop timeout.
test_stop_of_a_foreground_run() {
	local m t0 t1
	bg m "$MOCKER" run -q --stop-timeout 1 "$R" sh -c 'trap "" TERM; touch /tmp/up; while :; do sleep 0.05; done'
	wait_for 5 test -e "$R/tmp/up"
	t0=$(date +%s%N)
	kill -TERM "$m"
	wait_exit "$m" 10
	assertEquals "killed after the timeout" 137 $?
	t1=$(date +%s%N)
	assertTrue "after about 1 s: $(((t1 - t0) / 1000000)) ms" \
		"[ $(((t1 - t0) / 1000000)) -ge 900 ] && [ $(((t1 - t0) / 1000000)) -lt 5000 ]"
	rm -f "$R/tmp/up"
	bg m "$MOCKER" run --stop-signal QUIT "$R" sh -c 'trap "exit 3" QUIT; trap "exit 4" TERM; touch /tmp/up; while :; do sleep 0.05; done'
	wait_for 5 test -e "$R/tmp/up"
	kill -INT "$m"
	wait_exit "$m" 10
	assertEquals "SIGINT stops too, with the stop signal" 3 $?
	rm -f "$R/tmp/up"
	# an init that is not ours gets the stop signal itself
	bg m "$MOCKER" run --no-init --stop-signal USR1 "$R" sh -c 'trap "exit 5" USR1; touch /tmp/up; while :; do sleep 0.05; done'
	wait_for 5 test -e "$R/tmp/up"
	kill -TERM "$m"
	wait_exit "$m" 10
	assertEquals "--no-init: the stop signal to the command" 5 $?
	bad_text "--stop-signal 'NOPE': expected a signal that can be caught, such as TERM or QUIT (see mocker run --help)" \
		run --stop-signal NOPE "$R" true
	bad_text "--stop-timeout 'soon': expected a number in range (see mocker run --help)" \
		run --stop-timeout soon "$R" true
}

test_restart_and_grace_reach_the_init_not_the_payload() {
	printf '1\n1\n0\n' > "$R/tmp/plan"
	cat > "$R/tmp/flaky" <<'SCRIPT'
#!/bin/sh
echo run >> /tmp/runs
n=$(wc -l < /tmp/runs)
exit "$(sed -n "${n}p" /tmp/plan)"
SCRIPT
	chmod 755 "$R/tmp/flaky"
	run -q --restart on-failure "$R" /tmp/flaky
	assertEquals "restarted by the init until it succeeded" 0 $?
	assertEquals "three runs" 3 "$(wc -l < "$R/tmp/runs")"
	assertEquals "nothing of the init's settings in the payload's environment" "" \
		"$(run --restart on-failure --stop-timeout 3 "$R" sh -c 'env | grep -E "^(MOCKER_INIT|TINI)_"; exit 0' </dev/null)"
	assertEquals "the init's grace is the stop timeout" "-t 3" \
		"$(run --stop-timeout 3 "$R" sh -c 'tr "\0" " " < /proc/1/cmdline' | grep -o -- '-t 3')"
	bad_text "--restart 'sometimes': expected no, on-failure[:N], always or unless-stopped (see mocker run --help)" \
		run --restart sometimes "$R" true
	bad_text "--restart needs an init: it does not go with --no-init" \
		run --no-init --restart always "$R" true
}

# --- user namespaces that run real services -----------------------------------

test_rootless_with_a_subordinate_range() {
	local mocker img=$T/svc
	skip_unless command -v newuidmap
	printf 'nobody:300000:65536\n' > /etc/subuid
	printf 'nobody:300000:65536\n' > /etc/subgid
	rm -rf "$img"
	cp -a "$R" "$img"
	chown -R 65534:65534 "$img"
	# a service that refuses to run as root, as PostgreSQL does
	cat > "$img/usr/local/bin/notroot" <<'SCRIPT'
#!/bin/sh
[ "$(id -u)" = 0 ] && { echo "refusing to run as root" >&2; exit 1; }
echo "serving as $(id -un)" > /data/log
SCRIPT
	chmod 755 "$img/usr/local/bin/notroot"
	mkdir -p "$T/data"
	chown 65534:65534 "$T/data"
	mocker=$(mocker_for_all)
	assertEquals "the range is mapped" "0 65534 1
1 300000 65536" "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q "$img" \
		cat /proc/self/uid_map | awk '{print $1, $2, $3}')"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q -u www-data \
		-v "$T/data:/data:U" "$img" notroot
	assertEquals "it ran as www-data" 0 $?
	assertEquals "and wrote its volume" "serving as www-data" "$(cat "$T/data/log")"
	assertEquals ":U gave the volume to www-data's host uid" "300032" "$(stat -c %u "$T/data/log")"
	assertEquals "--userns=keep-id: the caller's uid inside" "65534" \
		"$(setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q --userns=keep-id "$img" id -u)"
	# control: without a range, one uid and the user cannot be switched to
	: > /etc/subuid
	setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run -q -u www-data "$img" notroot 2>/dev/null
	assertNotEquals "control: without a range www-data cannot run" 0 $?
	rm -rf "$img"
}

test_userns_ranges_and_idmap_volumes() {
	local out
	assertEquals "--userns=BASE:SIZE" "0 200000 65536" \
		"$(run --userns=200000:65536 "$R" cat /proc/self/uid_map | awk '{print $1, $2, $3}')"
	out=$(run --userns=auto "$R" cat /proc/self/uid_map | awk '{print $2}')
	assertTrue "--userns=auto: a range from 100000 on: $out" "[ '$out' -ge 100000 ]"
	mkdir -p "$T/iv"
	run --userns -v "$T/iv:/iv:idmap" "$R" sh -c 'touch /iv/f; ls -ln /iv/f' >"$T/out"
	assertEquals "an idmapped volume: root's inside, root's on the host" "0 0" \
		"$(stat -c '%u %g' "$T/iv/f")"
	awk '{print $3}' "$T/out" | grep -qx 0 || fail "inside: $(cat "$T/out")"
	mkdir -p "$T/uv"
	run --userns -u www-data -v "$T/uv:/uv:U" "$R" touch /uv/f
	assertEquals ":U with --userns: www-data's host uid" "100033" "$(stat -c %u "$T/uv/f")"
	bad_text "--volume '$T/iv:/iv:idmap': idmap maps ids into a user namespace: it needs --userns" \
		run -v "$T/iv:/iv:idmap" "$R" true
	bad_text "--userns 'x': expected BASE:SIZE, auto or keep-id (see mocker run --help)" \
		run --userns=x "$R" true
	bad_text "--volume 'bogus': unknown option (ro, rw, U, idmap, z, Z) (see mocker run --help)" \
		run -v "$T/iv:/iv:bogus" "$R" true
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
