#!/bin/bash
# The foundation: toolchain, Makefile targets, the busybox image, install.
# Scripts for containers are single-quoted on purpose (SC2016); ptyrun reads
# the backslash escapes of its "send" lines itself (SC2028); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2028,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

test_init_is_static_and_small() {
	assertTrue "file says static: $(file -L "$INIT")" \
		"file -L '$INIT' | grep -q 'statically linked'"
	assertFalse "no program interpreter" "readelf -lW '$INIT' | grep -q INTERP"
	local size
	size=$(stat -c %s "$INIT")
	assertTrue "mocker-init is $size bytes, at most 32768" "[ $size -le 32768 ]"
}

test_musl_toolchain_has_kernel_headers() {
	local cc=$B/musl-toolchain/bin/musl-cc
	printf '#include <linux/seccomp.h>\n#include <linux/capability.h>\n#include <asm/unistd.h>\n#include <stdio.h>\nint main(void){printf("%%d\\n", SECCOMP_MODE_FILTER);return 0;}\n' > "$T/k.c"
	assertTrue "compiles with <linux/*.h>" "'$cc' -static -o '$T/k' '$T/k.c'"
	assertEquals "runs" "2" "$("$T/k")"
	# no glibc header crept in: musl's stdio.h defines no __GLIBC__
	printf '#include <stdio.h>\n#ifdef __GLIBC__\n#error glibc\n#endif\nint main(void){return 0;}\n' > "$T/noglibc.c"
	assertTrue "no glibc headers" "'$cc' -static -o '$T/noglibc' '$T/noglibc.c'"
}

test_user_cflags_keep_static() {
	make -s -C "$TOP" B="$T/b" CFLAGS="-O0 -g" "$T/b/mocker-init" >/dev/null 2>&1
	assertTrue "built" "[ -x '$T/b/mocker-init' ]"
	assertTrue "still static with CFLAGS=-O0" "file -L '$T/b/mocker-init' | grep -q 'statically linked'"
}

test_glibc_variant_builds() {
	make -s -C "$TOP" B="$T/g" CC=gcc all >/dev/null 2>&1
	assertTrue "make CC=gcc builds mocker-init" "[ -x '$T/g/mocker-init' ]"
	assertTrue "and mocker" "[ -x '$T/g/mocker' ]"
	assertEquals "it runs" "tini version" "$("$T/g/mocker-init" --version | cut -d' ' -f1-2)"
	! grep -q musl "$T/g/.flags" || fail "not the musl toolchain"
}

test_busybox_image_layout() {
	local d
	assertTrue "busybox" "[ -x '$IMAGE/bin/busybox' ]"
	assertTrue "applet link sh" "[ -L '$IMAGE/bin/sh' ]"
	assertTrue "applet link ps" "[ -e '$IMAGE/bin/ps' ]"
	for f in etc/passwd etc/group etc/hostname; do
		assertTrue "$f" "[ -s '$IMAGE/$f' ]"
	done
	for d in proc dev sys tmp run; do
		assertTrue "/$d is an empty directory" "[ -d '$IMAGE/$d' ] && [ -z \"\$(ls -A '$IMAGE/$d')\" ]"
	done
	assertTrue "/sbin/init is our mocker-init" "cmp -s '$IMAGE/sbin/init' '$INIT'"
	assertTrue "/tmp is sticky" "[ -k '$IMAGE/tmp' ]"
}

tree_listing() {
	(cd "$1" && find . -printf '%p %m %U %G %T@ %s %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}

test_busybox_image_is_reproducible() {
	sh "$TOP/images/busybox/build.sh" "$INIT" "$T/again" >/dev/null 2>&1
	assertTrue "built again" "[ -d '$T/again/rootfs' ]"
	assertEquals "same files, modes, owners and times" \
		"$(tree_listing "$IMAGE" | md5sum)" "$(tree_listing "$T/again/rootfs" | md5sum)"
}

test_image_rebuilt_when_init_changes() {
	# make decides: the image depends on build/mocker-init
	local stamp=build/images/busybox/.stamp
	assertTrue "the image is up to date" "make -C '$TOP' -q $stamp"
	touch -d '+1 minute' "$T/newer"
	cp -p "$INIT" "$T/init.saved"
	touch -r "$T/newer" "$INIT"
	make -C "$TOP" -q $stamp
	assertEquals "a newer init makes the image out of date" 1 $?
	touch -r "$T/init.saved" "$INIT"
}

test_install_and_uninstall() {
	make -s -C "$TOP" install DESTDIR="$T/root" PREFIX=/usr >/dev/null 2>&1
	for f in usr/bin/mocker usr/bin/mocker-init usr/share/man/man1/mocker.1 \
		usr/share/man/man8/mocker-init.8; do
		assertTrue "installed $f" "[ -f '$T/root/$f' ]"
	done
	make -s -C "$TOP" uninstall DESTDIR="$T/root" PREFIX=/usr >/dev/null 2>&1
	assertEquals "uninstall removes exactly those" "" "$(find "$T/root" -type f)"
}

test_make_run_shows_the_container() {
	local out
	out=$(make -s -C "$TOP" run 2>&1)
	assertEquals "exit status" 0 $?
	echo "$out" | grep -q 'PID 1 is: *.*/sbin/init' || fail "PID 1 is the init: $out"
	echo "$out" | grep -q 'hostname: *busybox' || fail "own hostname: $out"
}

# shellcheck source=/dev/null # shunit2 itself: not ours to check
. "$SHUNIT2"
