#!/bin/bash
# mocker run against a compromised payload and a hostile image: one case per
# attack. Each case that could pass vacuously has its control.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/packages.sh
. "$TOP/tests/packages.sh"

export TERM=dumb

oneTimeSetUp() {
	ensure_packages keyutils libcap2-bin >/dev/null 2>&1
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
		run "$img" true >/dev/null 2>"$T/err"
		assertEquals "/$what a link: refused" 125 $?
		assertEquals "one line that says so" \
			"the image's /$what is a symbolic link: refused" \
			"$(sed -n "s/^mocker: cannot [a-z /]*: \(.*\): Symbolic link loop$/\1/p" "$T/err")"
		assert_untouched "$T/host-$what"
		# the same link as a relative path out of the image
		img=$(hostile_image "evil2-$what" "$what" "../../../../../../$T/host-$what")
		run "$img" true >/dev/null 2>&1
		assertEquals "/$what a relative link: refused" 125 $?
		assert_untouched "$T/host-$what"
		# a link that stays inside the image is refused too (runc, CVE-2019-19921)
		img=$(hostile_image "evil3-$what" "$what" "tmp")
		run "$img" true >/dev/null 2>&1
		assertEquals "/$what a link inside the image: refused" 125 $?
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

# The review's attack: /dev/pts a directory of the image's own, /proc a
# path through it, so that procfs lands elsewhere and the image's fake
# /proc/sys/kernel/cap_last_cap (1) is what the launcher reads after
# pivot_root: CapBnd would keep almost everything.
test_proc_moved_through_dev_pts_is_refused() {
	local img=$T/evil-pts
	rm -rf "$img"
	cp -a "$R" "$img"
	rm -rf "$img/proc"
	mkdir -p "$img/dev/pts" "$img/fakeproc/sys/kernel"
	echo 1 > "$img/fakeproc/sys/kernel/cap_last_cap"
	ln -s dev/pts/../../fakeproc "$img/proc"
	run --security-opt no-new-privileges=false "$img" grep CapBnd /proc/self/status >"$T/out" 2>"$T/err"
	assertEquals "refused" 125 $?
	grep -q "/proc is a symbolic link" "$T/err" || fail "says why: $(cat "$T/err")"
	# control: with /proc a directory the bounding set is the default one,
	# read from the host's kernel
	rm "$img/proc"
	mkdir "$img/proc"
	assertEquals "control: bounded as always" "00000000a80425fb" \
		"$(run "$img" grep CapBnd /proc/self/status | cut -f2)"
}

# An image whose /etc/passwd leads into /proc: root reading /proc/kmsg
# there would eat the host's kernel log.
test_passwd_into_proc_is_refused() {
	local img=$T/evil-passwd
	rm -rf "$img"
	cp -a "$R" "$img"
	ln -sf /proc/kmsg "$img/etc/passwd"
	run -u nobody "$img" true 2>"$T/err"
	assertEquals "refused" 125 $?
	grep -q "/etc/passwd is not a file of its own" "$T/err" || fail "says why: $(cat "$T/err")"
	ln -sf /proc/self/status "$img/etc/group"
	rm "$img/etc/passwd"
	cp "$R/etc/passwd" "$img/etc/passwd"
	run -u nobody "$img" true 2>"$T/err"
	assertEquals "group too" 125 $?
	cp "$R/etc/group" "$img/etc/group.real"
	mv "$img/etc/group.real" "$img/etc/group"
	assertEquals "control: the image's own files are read" "65534" "$(run -u nobody "$img" id -u)"
}

# Container root changing its device nodes (and a mask's) must not change
# the host's: they are nodes of the container's own, or read-only.
test_device_nodes_are_not_the_hosts() {
	local before after f
	before=$(stat -c '%a %u %g %Y' /dev/null /dev/full /dev/zero /dev/tty)
	run "$R" sh -c 'chmod 0604 /dev/full; chown 65534 /dev/full; touch -d 2001-01-01 /dev/full
		chmod 000 /dev/null /dev/zero /dev/tty
		for f in /proc/keys /proc/timer_list /proc/sched_debug; do
			[ -e $f ] && chmod 000 $f 2>/dev/null && echo "$f changed"
		done
		true' >"$T/out" 2>&1
	after=$(stat -c '%a %u %g %Y' /dev/null /dev/full /dev/zero /dev/tty)
	assertEquals "the host's nodes unchanged" "$before" "$after"
	assertEquals "no mask could be changed" "" "$(grep changed "$T/out")"
	assertEquals "the container's own did change" "604 65534" \
		"$(run "$R" sh -c 'chmod 0604 /dev/full; chown 65534 /dev/full; stat -c "%a %u" /dev/full')"
	# control: a host node bound in does change, as the default nodes did
	mknod -m 666 "$T/full" c 1 7
	run -v "$T/full:/hostfull" "$R" chmod 0604 /hostfull
	assertEquals "control: a bound host node changes" 604 "$(stat -c %a "$T/full")"
	rm -f "$T/full"
}

# Container root must not own the host's inodes behind its standard
# descriptors (/proc/self/fd/N): a redirected file or device is relayed.
test_std_descriptors_are_not_the_hosts_inodes() {
	mknod -m 666 "$T/hnull" c 1 3
	run "$R" sh -c 'chmod 000 /dev/stdin; chown 1234 /proc/self/fd/0' < "$T/hnull" 2>/dev/null
	assertEquals "a host device as stdin: unchanged" "666 0" "$(stat -c '%a %u' "$T/hnull")"
	run "$R" sh -c 'echo built; chmod 4755 /proc/self/fd/1' > "$T/build.log" 2>/dev/null
	assertEquals "a log file as stdout: no setuid bit" "644" "$(stat -c %a "$T/build.log")"
	assertEquals "what was written reached it" "built" "$(cat "$T/build.log")"
	echo secret > "$T/input"
	chmod 444 "$T/input"
	run "$R" sh -c 'echo overwritten > /proc/self/fd/0' < "$T/input" 2>/dev/null
	assertEquals "a read-only input: not written" "secret" "$(cat "$T/input")"
	assertEquals "a pipe still passes" "piped" "$(echo piped | run "$R" cat)"
	assertEquals "stdin /dev/null: the container's own" "1:3" \
		"$(run "$R" stat -L -c '%t:%T' /proc/self/fd/0 </dev/null)"
	# control: a host inode that does reach the container (a volume) changes
	run -v "$T/hnull:/hnull" "$R" chmod 600 /hnull
	assertEquals "control: a bound host node changes" 600 "$(stat -c %a "$T/hnull")"
	rm -f "$T/hnull" "$T/build.log" "$T/input"
}

test_host_nodes_read_only_in_a_user_namespace() {
	local before
	before=$(stat -c '%Y %a' /dev/null /dev/zero)
	run --userns "$R" sh -c 'touch /dev/null /dev/zero; chmod 000 /dev/null; true' 2>/dev/null
	assertEquals "not even their times" "$before" "$(stat -c '%Y %a' /dev/null /dev/zero)"
	assertEquals "still usable" "3" "$(run --userns "$R" sh -c 'head -c 3 /dev/zero | wc -c')"
}

# With CAP_SYS_ADMIN the container can make cgroups below its own: they go
# with it.
test_nested_cgroups_removed() {
	run -q --cap-add SYS_ADMIN "$R" sh -c \
		'mkdir -p /tmp/cg && mount -t cgroup2 none /tmp/cg && mkdir /tmp/cg/sub /tmp/cg/sub/deeper' \
		2>/dev/null
	wait_for 5 no_mocker_cgroups
	assertEquals "none left" "" "$(mocker_cgroups)"
}

# A container whose stdio is not the caller's terminal must not get at the
# terminal anyway: it is in a session of its own.
test_no_way_to_the_callers_terminal() {
	local out
	out=$({
		echo 'wait'
	} | "$HELPERS/ptyrun" -t 10 -o "$T/transcript" -- sh -c \
		"'$MOCKER' run '$R' sh -c '(exec 3<>/dev/tty) 2>/dev/null && echo opened || echo refused' </dev/null >'$T/out' 2>&1")
	assertEquals "the container's /dev/tty: $(cat "$T/out")" "refused" "$(cat "$T/out")"
	# control: the same from the caller's session opens it
	out=$({
		echo 'wait'
	} | "$HELPERS/ptyrun" -t 10 -o "$T/transcript" -- sh -c \
		"sh -c '(exec 3<>/dev/tty) 2>/dev/null && echo opened || echo refused' </dev/null >'$T/out' 2>&1")
	assertEquals "control: the caller's session opens it" "opened" "$(cat "$T/out")"
}

test_a_terminal_of_its_own() {
	local out
	out=$({
		echo 'expect # '
		echo 'send tty\n'
		echo 'expect pts/0'
		echo 'send stty size\n'
		echo 'expect 40 120'
		echo 'resize 33 99'
		echo 'send stty size\n'
		echo 'expect 33 99'
		echo 'send exit 4\n'
		echo 'wait'
	} | "$HELPERS/ptyrun" -s 40x120 -t 10 -o "$T/transcript" -- "$MOCKER" run "$R" sh -i)
	assertEquals "transcript: $(cat -v "$T/transcript")" "exit 4" "$out"
	tr -d '\r' < "$T/transcript" | grep -qx /dev/pts/0 || fail "tty: $(cat -v "$T/transcript")"
	# -t without a terminal here: one all the same
	assertEquals "-t" "/dev/pts/0" "$(run -t "$R" tty </dev/null | tr -d '\r')"
	assertEquals "no -t, no terminal" "not a tty" "$(run "$R" tty </dev/null)"
	assertEquals "a pipe in passes through" "through" "$(echo through | run "$R" cat)"
}

# The allowlist: what Docker's profile refuses and more, and the same
# calls with junk in the upper half of an argument the kernel reads as int.
test_seccomp_allowlist() {
	local out t
	out=$(run "$R" probe io-uring vsock vsock-hi tiocsti-hi open-tree-attr keyctl i386 x32)
	for t in io-uring vsock vsock-hi tiocsti-hi open-tree-attr keyctl i386 x32; do
		# (a kernel without the i386 ABI has nothing to deny: "absent")
		echo "$out" | grep -qx "$t denied EPERM\|i386 absent" ||
			fail "$t: $(echo "$out" | grep "^$t ")"
	done
	assertEquals "newer than the table: ENOSYS, for libc fallbacks" "newer denied ENOSYS" \
		"$(run "$R" probe newer)"
	assertEquals "what libc needs, newer than libseccomp 2.5.4, passes" \
		"fchmodat2 allowed
inet allowed" "$(run "$R" probe fchmodat2 inet)"
	# control: without the filter, the kernel takes them
	out=$(run --security-opt seccomp=unconfined "$R" probe io-uring vsock i386)
	echo "$out" | grep -q "io-uring denied EPERM" && fail "control: io_uring: $out"
	echo "$out" | grep -qx "vsock allowed" || fail "control: vsock: $out"
	echo "$out" | grep -qx "i386 allowed\|i386 absent" || fail "control: i386: $out"
	# a capability set of its own gets a filter of its own
	assertNotEquals "--cap-add SYS_ADMIN: mount reaches the kernel" "mount denied EPERM" \
		"$(run --cap-add SYS_ADMIN "$R" probe mount)"
	assertEquals "--cap-drop SYS_CHROOT: chroot refused" "EPERM" \
		"$(run --cap-drop SYS_CHROOT "$R" sh -c 'chroot / true 2>&1 | grep -o "Operation not permitted" | sed s/.*/EPERM/')"
}

# The image's init (or the payload under --no-init) clears its parent-death
# signal: killing mocker must still end the container, through its cgroup.
container_survives_kill() { # ENV...: 0 when the container is still there after kill -9
	local m init
	bg m env "$@" "$MOCKER" run --no-init "$R" nodeath sleep 300
	wait_until 5 '[ -n "$(find_desc "$m" "^sleep 300")" ]' || { fail "started"; return 1; }
	init=$(find_desc "$m" "^sleep 300")
	kill -KILL "$m"
	wait "$m" 2>/dev/null
	if wait_for 5 not_running "$init"; then
		return 1
	fi
	kill -KILL "$init"
	return 0
}

test_kill_of_mocker_ends_a_container_that_cleared_its_pdeathsig() {
	assertFalse "killed through cgroup.kill" "container_survives_kill X=1"
	wait_for 5 no_mocker_cgroups
	assertEquals "its cgroup removed" "" "$(mocker_cgroups)"
	assertFalse "without a v2 tree: through the v1 freezer" \
		"container_survives_kill MOCKER_TEST_NO_CGROUP2=1"
	wait_for 5 no_mocker_cgroups
	assertEquals "its cgroup removed" "" "$(mocker_cgroups)"
	# control: without the watcher, the parent-death signal alone fails
	assertTrue "control: it survives without the watcher" \
		"container_survives_kill MOCKER_TEST_NO_WATCHER=1"
	for d in $(mocker_cgroups); do rmdir "$d" 2>/dev/null; done
	# the control's state file, which no watcher removed: gone at a listing
	"$MOCKER" ps -a >/dev/null
}

mocker_cgroups() {
	find /sys/fs/cgroup -maxdepth 3 -type d -name 'mocker-*' 2>/dev/null
}

no_mocker_cgroups() {
	[ -z "$(mocker_cgroups)" ]
}

test_every_container_in_a_cgroup_of_its_own() {
	local m init
	bg m "$MOCKER" run "$R" sleep 100
	wait_until 5 '[ -n "$(find_desc "$m" "^sleep 100")" ]'
	init=$(first_child "$m")
	grep -Eq "^0::/mocker-$m\$|freezer:/mocker-$m\$" "/proc/$init/cgroup" ||
		fail "no limits asked, a cgroup all the same: $(cat "/proc/$init/cgroup")"
	kill -TERM "$m"
	wait_exit "$m" 10
	wait_for 5 no_mocker_cgroups
	assertEquals "removed after" "" "$(mocker_cgroups)"
}

# The caller's keys are not the container's (seccomp off, so that keyctl
# itself is allowed): it has a session keyring of its own.
test_callers_keyring_not_shared() {
	skip_unless command -v keyctl
	local out
	out=$(keyctl session - sh -c 'id=$(keyctl add user mockertest secret @s)
		"$1" keyring=$id
		"$2" run --security-opt seccomp=unconfined "$3" probe keyring=$id' sh \
		"$HELPERS/probe" "$MOCKER" "$R")
	assertEquals "control: the caller reads it; the container cannot" "keyring=* allowed
keyring=* denied EACCES" "$(echo "$out" | tr -d 0-9 | sed 's/=/=*/')"
}

# An image binary with file capabilities (cap_net_raw+ei) run by a user
# after su: with no inheritable set, nothing is regained.
test_file_capabilities_give_nothing_back() {
	skip_unless command -v setcap
	cp "$HELPERS/probe" "$R/usr/local/bin/rawprobe"
	setcap cap_net_raw+ei "$R/usr/local/bin/rawprobe"
	assertEquals "no CAP_NET_RAW for nobody" "raw denied EPERM" \
		"$(run -u nobody --security-opt no-new-privileges=false "$R" rawprobe raw)"
	assertEquals "control: root in the container has it" "raw allowed" \
		"$(run "$R" rawprobe raw)"
	rm -f "$R/usr/local/bin/rawprobe"
}

# An image /sbin/init that is a script run by "/proc/self/exe": it must
# never be the host's mocker, and the container's PID 1 executable is a
# sealed copy nothing can write, not even with CAP_SYS_ADMIN.
test_host_binaries_out_of_reach() {
	local img=$T/evil-exe out
	rm -rf "$img"
	cp -a "$R" "$img"
	printf '#!/proc/self/exe run\n' > "$img/sbin/init"
	chmod 755 "$img/sbin/init"
	out=$(run "$img" true 2>&1)
	echo "$out" | grep -q "usage: mocker\|mocker version" && fail "the host's mocker ran: $out"
	echo "$out" | grep -q "^mocker-init: " || fail "our init's copy ran it: $out"
	# the host's init as PID 1 (an image without one)
	rm -f "$img/sbin/init"
	out=$(run --cap-add SYS_ADMIN --security-opt seccomp=unconfined "$img" sh -c \
		'readlink /proc/1/exe; (echo x >> /proc/1/exe) 2>/dev/null && echo written; \
		 mount -o remount,rw /proc/1/exe 2>/dev/null; (echo x >> /proc/1/exe) 2>/dev/null && echo written; true')
	assertEquals "a sealed copy, not written" "/memfd:mocker-init (deleted)" "$out"
	cmp -s "$INIT" "$(dirname "$MOCKER")/mocker-init" || fail "the host's mocker-init changed"
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
	assertEquals "inheritable: none (CVE-2022-29162)" "0000000000000000" "$(capline CapInh)"
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
