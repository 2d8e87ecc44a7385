#!/bin/bash
# mocker run against a compromised payload and a hostile image: one case per
# attack. Each case that could pass vacuously has its control.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

export TERM=dumb

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
	# a setuid-root copy of the probe
	cp "$HELPERS/probe" "$R/usr/local/bin/suidprobe"
	chown 0:0 "$R/usr/local/bin/suidprobe"
	chmod 4755 "$R/usr/local/bin/suidprobe"
}

setUp() { launcher_setUp; }
suite_tearDown() { launcher_tearDown; }

test_chroot_escape() {
	local marker=/tmp/mocker-escape-marker.$$
	touch "$marker"
	assertEquals "contained" "contained" "$(run "$R" escape "$marker")"
	rm -f "$marker"
}

test_inherited_fds_not_visible() {
	local out
	out=$(run "$R" sh -c 'ls /proc/1/fd /proc/self/fd | grep -cx "[57]"' 5< /etc/passwd 7< /etc/hostname)
	assertEquals "fd 5 and 7 are not inside" 0 "$out"
}

test_cwd_from_proc_self_fd_refused() {
	mkdir -p "$T/hostdir"
	echo secret > "$T/hostdir/secret"
	run -w /proc/self/fd/7 "$R" cat secret 7< "$T/hostdir" >"$T/out" 2>"$T/err"
	assertEquals "refused" 125 $?
	assertFalse "nothing read: $(cat "$T/out")" "grep -q secret '$T/out'"
	run -w /proc/1/cwd "$R" sh -c 'cat ../../../../secret; ls' 7< "$T/hostdir" >"$T/out" 2>&1
	assertFalse "not through the init's cwd either" "grep -qx secret '$T/out'"
}

# An image whose mount targets are symbolic links to a host directory.
hostile_image() { # NAME WHAT LINK_TARGET
	local img=$T/$1
	rm -rf "$img"
	cp -a "$R" "$img"
	rm -rf "${img:?}/$2"
	ln -s "$3" "$img/$2"
	echo "$img"
}

assert_untouched() {
	assertEquals "$1 untouched" "" "$(ls -A "$1")"
	assertFalse "$1 not a mount point" "grep -q ' $1 ' /proc/self/mountinfo"
}

test_symlinked_proc_dev_sys_and_volume() {
	local what img
	for what in proc dev sys; do
		mkdir -p "$T/host-$what"
		img=$(hostile_image "evil-$what" "$what" "$T/host-$what")
		run "$img" true >/dev/null 2>&1
		assert_untouched "$T/host-$what"
		# the same link as a relative path out of the image
		img=$(hostile_image "evil2-$what" "$what" "../../../../../../$T/host-$what")
		run "$img" true >/dev/null 2>&1
		assert_untouched "$T/host-$what"
	done
	mkdir -p "$T/host-vol" "$T/src"
	touch "$T/src/file"
	img=$(hostile_image evil-vol data "$T/host-vol")
	run -v "$T/src:/data" "$img" true >/dev/null 2>&1
	assert_untouched "$T/host-vol"
	img=$(hostile_image evil-shm "dev/shm" "$T/host-vol")
	run "$img" sh -c 'echo x > /dev/shm/x' >/dev/null 2>&1
	assert_untouched "$T/host-vol"
}

test_tiocsti_fails() {
	printf 'wait\n' | "$HELPERS/ptyrun" -t 10 -o "$T/transcript" -- "$MOCKER" run "$R" probe tiocsti >/dev/null
	tr -d '\r' < "$T/transcript" | grep -qx 'tiocsti denied EPERM' || fail "$(cat -v "$T/transcript")"
	printf 'wait\n' | "$HELPERS/ptyrun" -t 10 -o "$T/transcript" -- \
		"$MOCKER" run --security-opt seccomp=unconfined "$R" probe tiocsti >/dev/null
	tr -d '\r' < "$T/transcript" | grep -qx 'tiocsti allowed' || fail "control: $(cat -v "$T/transcript")"
}

test_setuid_binary_gives_no_root() {
	assertEquals "no_new_privs" "euid 65534" "$(run -u nobody "$R" suidprobe euid)"
	assertEquals "control: without it, setuid works" "euid 0" \
		"$(run -u nobody --security-opt no-new-privileges=false "$R" suidprobe euid)"
}

test_privileged_calls_fail() {
	local out t
	out=$(run "$R" probe mount mknod-b mknod-mem keyctl unshare-user unshare-net clone-ns setns \
		bpf perf userfaultfd open-by-handle settime kexec module)
	for t in mount mknod-b mknod-mem keyctl unshare-user unshare-net clone-ns setns bpf perf \
		userfaultfd open-by-handle settime kexec module; do
		echo "$out" | grep -qx "$t denied EPERM" || fail "$t: $(echo "$out" | grep "^$t ")"
	done
	echo "$out" | grep -q allowed && fail "something allowed: $out"
	assertEquals "clone3 falls back" "clone3 denied ENOSYS" "$(run "$R" probe clone3)"
	out=$(run "$R" sh -c 'mount -t tmpfs none /tmp 2>&1; mknod /tmp/sda b 8 0 2>&1; unshare -U true 2>&1')
	[ "$(echo "$out" | grep -ci 'permitted\|denied')" -ge 3 ] || fail "busybox mount, mknod b, unshare -U: $out"
	out=$(run "$R" probe mknod-null mkfifo)
	assertEquals "harmless nodes and FIFOs still allowed" "mknod-null allowed
mkfifo allowed" "$out"
}

test_device_nodes_in_the_image_are_inert() {
	mknod "$R/tmp/mem" c 1 1
	run "$R" head -c 1 /tmp/mem >/dev/null 2>&1
	assertNotEquals "/dev/mem from the image cannot be opened" 0 $?
	rm -f "$R/tmp/mem"
}

test_device_nodes_inert_even_without_seccomp() {
	local out
	mkdir -p "$T/vol"
	out=$(run --security-opt seccomp=unconfined -v "$T/vol:/vol" "$R" sh -c '
		mknod /dev/sda b 8 0 && (head -c 1 /dev/sda >/dev/null 2>&1 && echo dev-opened || echo dev-inert)
		mknod /vol/mem c 1 1 && (head -c 1 /vol/mem >/dev/null 2>&1 && echo vol-opened || echo vol-inert)
		head -c 1 /dev/zero | wc -c')
	assertEquals "no node works but ours" "dev-inert
vol-inert
1" "$out"
	rm -f "$T/vol/mem"
}

test_host_mounts_do_not_propagate_into_a_volume() {
	local m
	mkdir -p "$T/pvol/sub"
	# a shared mount on the host, as systemd makes them
	mount --bind "$T/pvol" "$T/pvol"
	mount --make-shared "$T/pvol"
	bg m "$MOCKER" run -v "$T/pvol:/vol:ro" "$R" sh -c 'touch /tmp/up; sleep 100'
	wait_for 5 test -e "$R/tmp/up"
	mount -t tmpfs none "$T/pvol/sub" # on the host, after the container started
	assertFalse "the host's new mount is not in the container" \
		"grep -q ' /vol/sub ' /proc/$(first_child "$m")/mountinfo"
	assertEquals "and the volume is still read-only all the way down" "" \
		"$(nsenter -t "$(first_child "$m")" -m -p sh -c 'touch /vol/sub/x 2>/dev/null && echo writable')"
	umount "$T/pvol/sub" "$T/pvol"
}

test_masked_and_readonly_proc() {
	local out f
	for f in /proc/keys /proc/timer_list /proc/kcore /proc/latency_stats /proc/timer_stats /proc/sched_debug; do
		[ -e "$f" ] || continue
		out=$(run "$R" sh -c "wc -c < $f")
		assertEquals "$f reads empty" 0 "$out"
	done
	out=$(run "$R" sh -c 'ls -A /proc/acpi /sys/firmware 2>/dev/null | grep -v : | grep -c .')
	assertEquals "/proc/acpi and /sys/firmware empty" 0 "$out"
	out=$(run "$R" sh -c 'for p in /proc/sysrq-trigger /proc/sys/kernel/domainname; do [ -e $p ] || continue; (echo 1 > $p) 2>&1 || echo "$p refused"; done')
	echo "$out" | grep -q '/proc/sys/kernel/domainname refused' || fail "/proc/sys read-only: $out"
	if [ -e /proc/sysrq-trigger ]; then
		echo "$out" | grep -q 'sysrq-trigger refused' || fail "sysrq-trigger read-only: $out"
	fi
	out=$(run "$R" grep -E ' /proc/(bus|fs|irq|sys) ' /proc/self/mountinfo | awk '{print $4 " " $6}' | cut -c1-3)
	assertEquals "read-only mounts" "ro,
ro,
ro,
ro," "$(run "$R" grep -E ' /proc/(bus|fs|irq|sys) ' /proc/self/mountinfo | awk '{print substr($6,1,3)}')"
}

capline() { # FIELD [OPTION...]
	local f=$1
	shift
	run "$@" "$R" grep "^$f:" /proc/self/status | cut -f2
}

test_capabilities() {
	local docker=00000000a80425fb
	assertEquals "bounding" "$docker" "$(capline CapBnd)"
	assertEquals "effective" "$docker" "$(capline CapEff)"
	assertEquals "permitted" "$docker" "$(capline CapPrm)"
	assertEquals "inheritable" "$docker" "$(capline CapInh)"
	assertEquals "ambient" "0000000000000000" "$(capline CapAmb)"
	assertEquals "--cap-add NET_ADMIN" "00000000a80435fb" "$(capline CapEff --cap-add NET_ADMIN)"
	assertEquals "--cap-drop ALL" "0000000000000000" "$(capline CapBnd --cap-drop ALL)"
	assertEquals "--cap-drop ALL --cap-add CHOWN" "0000000000000001" "$(capline CapEff --cap-drop ALL --cap-add chown)"
	assertEquals "non-root user: nothing effective" "0000000000000000" "$(capline CapEff -u nobody)"
	assertEquals "non-root user: bounded" "$docker" "$(capline CapBnd -u nobody)"
}

test_seccomp_and_no_new_privs() {
	local out
	out=$(run "$R" grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status | tr -d '\t')
	assertEquals "both on" "NoNewPrivs:1
Seccomp:2" "$out"
	out=$(run --security-opt seccomp=unconfined "$R" grep '^Seccomp:' /proc/self/status | tr -d '\t')
	assertEquals "unconfined" "Seccomp:0" "$out"
}

test_rootless_as_nobody() {
	local out mocker
	mocker=$(mocker_for_all)
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run --hostname rl "$R" \
		sh -c 'id -u; hostname; cat /proc/self/uid_map | xargs; ls /dev/null /dev/pts/ptmx >/dev/null && echo dev; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status | cut -f2 | xargs; exit 3')
	assertEquals "exit status passes" 3 $?
	assertEquals "root inside, nobody outside, all set up" "0
rl
0 65534 1
dev
1 2" "$out"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$mocker" run --memory 64m "$R" true 2>"$T/err"
	assertEquals "limits skipped" 0 $?
	assertEquals "with one warning line" 1 "$(grep -c warning "$T/err")"
}

test_userns_root_is_nobody_on_the_host() {
	local m init
	# the image belongs to the host's root, unmapped inside: a volume the
	# container's root (host uid 100000) owns
	mkdir -p "$T/uvol"
	chown 100000:100000 "$T/uvol"
	bg m "$MOCKER" run --userns -v "$T/uvol:/tmp" "$R" sh -c 'id -u > /tmp/id; exec sleep 100'
	wait_for 5 test -s "$T/uvol/id"
	init=$(first_child "$m")
	assertEquals "root inside" 0 "$(cat "$T/uvol/id")"
	assertEquals "100000 on the host" 100000 "$(awk '/^Uid:/ {print $2}' "/proc/$init/status")"
	assertEquals "a custom range" "200000" "$(run --userns=200000:65536 "$R" sh -c 'cat /proc/self/uid_map' | awk '{print $2}')"
}

test_overlay_keeps_the_image_clean() {
	local out
	mkdir -p "$T/vol"
	out=$(run --overlay -v "$T/vol:/vol" "$R" sh -c 'echo changed > /etc/hostname; echo new > /newfile; echo v > /vol/f; cat /etc/hostname')
	assertEquals "writable inside" "changed" "$out"
	assertEquals "the image untouched" "busybox" "$(cat "$R/etc/hostname")"
	assertFalse "no new file" "[ -e '$R/newfile' ]"
	assertEquals "volumes write through" "v" "$(cat "$T/vol/f")"
	run --overlay="$T/keep" "$R" sh -c 'echo kept > /kept'
	assertEquals "--overlay=DIR keeps the changes" "kept" "$(run --overlay="$T/keep" "$R" cat /kept)"
	assertFalse "still not in the image" "[ -e '$R/kept' ]"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
