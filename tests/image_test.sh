#!/bin/bash
# Images: mocker run IMAGE from an OCI archive, an OCI layout, a `docker
# save` archive and a registry on 127.0.0.1 (docker-registry, started and
# stopped here, filled with skopeo); the store shared by two containers;
# layers that add, change, delete and make opaque; the image's config;
# crafted hostile layers; rmi, prune, a corrupted blob, an interrupted
# pull; rootless. Nothing here reaches past 127.0.0.1.
# Scripts for containers are single-quoted on purpose (SC2016); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031).
# shellcheck disable=SC2016,SC2031
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

export TERM=dumb
OCI=$B/images/busybox/oci
TAR=$B/images/busybox/mocker-busybox.tar
NETECHO=$HELPERS/netecho

oneTimeSetUp() {
	S=$T/state
	ST=$MOCKER_STORAGE
	REG_PID=
}

setUp() { BEFORE_MOUNTS=$(mountinfo_lines); }
suite_tearDown() {
	m ps -a -q 2>/dev/null | xargs -r "$MOCKER" --root "$S" rm -f >/dev/null 2>&1
	stop_registry
	rm -rf "$ST" "$T/work"
	assertEquals "the host's mount table is as it was" "$BEFORE_MOUNTS" "$(mountinfo_lines)"
}

m() { "$MOCKER" --root "$S" "$@"; }

# what the store holds under SUB (layers, containers, tmp...)
store_count() { find "$ST/$1" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# a copy of the busybox image's layout to build on, at $T/work/NAME
layout() {
	mkdir -p "$T/work"
	rm -rf "$T/work/$1"
	cp -r "$OCI" "$T/work/$1"
}

# mktar OUT 'PYTHON': a tar made by the statements given, with add(name,
# data=None, type=REG, mode=0o644, link=None, dev=None)
mktar() {
	python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
REG, DIR, SYM, LNK, CHR = (tarfile.REGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE,
                           tarfile.LNKTYPE, tarfile.CHRTYPE)
t = tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT)
def add(name, data=None, type=REG, mode=0o644, link=None, dev=None):
    i = tarfile.TarInfo(name)
    i.type, i.mode = type, mode
    if link is not None:
        i.linkname = link
    if dev is not None:
        i.devmajor, i.devminor = dev
    if data is not None:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
exec(sys.argv[2])
t.close()
PY
}

# add_layer NAME TAR: the tar as a new top layer of $T/work/NAME
add_layer() { umoci raw add-layer --image "$T/work/$1:latest" "$2"; }

start_registry() {
	REG_PORT=$("$NETECHO" free tcp)
	mkdir -p "$T/registry"
	cat > "$T/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $T/registry/data
http:
  addr: 127.0.0.1:$REG_PORT
EOF
	bg REG_PID docker-registry serve "$T/registry/config.yml"
	wait_until 20 "(exec 3<>/dev/tcp/127.0.0.1/$REG_PORT) 2>/dev/null" ||
		fail "the registry did not start"
}

stop_registry() {
	[ -n "$REG_PID" ] || return 0
	kill "$REG_PID" 2>/dev/null
	wait "$REG_PID" 2>/dev/null
	REG_PID=
	rm -rf "$T/registry"
}

test_an_archive_runs_and_two_containers_share_its_layers() {
	local out pid
	out=$(m run -q oci-archive:"$TAR" echo hello)
	assertEquals "run oci-archive:" "hello" "$out"
	m images | grep -Eq '^localhost/mocker-busybox +latest +[0-9a-f]{12} ' ||
		fail "images: $(m images)"
	m run -q -d --name a localhost/mocker-busybox:latest sleep 100 >/dev/null ||
		fail "run -d by its name"
	m run -q -d --name b mocker-busybox sleep 100 >/dev/null || fail "run -d by a short name"
	assertEquals "one layer on disk for both" 1 "$(store_count layers)"
	assertEquals "an upper directory each" 2 "$(store_count containers)"
	m exec a touch /only-in-a
	m exec b test ! -e /only-in-a || fail "b sees a's changes"
	m exec a test -e /only-in-a || fail "a does not see its own change"
	assertEquals "the image's hostname" "mocker-busybox" "$(m exec a hostname)"
	m rm -f a b >/dev/null
	assertEquals "rm takes the upper directories" 0 "$(store_count containers)"
	# a foreground run leaves nothing either, killed or not
	m run -q mocker-busybox true
	wait_until 5 '[ "$(store_count containers)" = 0 ]' ||
		fail "a foreground run's upper directory stays: $(ls "$ST/containers")"
	# killed, its watcher removes it as well
	bg pid "$MOCKER" --root "$S" run -q mocker-busybox sleep 100
	wait_until 5 '[ "$(store_count containers)" = 1 ]' || fail "no upper directory"
	wait_until 5 '[ -n "$(m ps -q)" ]' || fail "not running"
	kill -KILL "$pid"
	wait_until 5 '[ "$(store_count containers)" = 0 ]' ||
		fail "a killed run's upper directory stays: $(ls "$ST/containers")"
}

test_a_registry_on_loopback() {
	local id out
	start_registry
	skopeo copy -q --dest-tls-verify=false oci:"$OCI":latest \
		"docker://127.0.0.1:$REG_PORT/mocker/busybox:1" || fail "skopeo could not push"
	m pull -q "docker://127.0.0.1:$REG_PORT/mocker/busybox:1" >/dev/null 2>"$T/err"
	assertEquals "plain HTTP without --tls-verify=false: 125" 125 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
	grep -q -- "--tls-verify=false" "$T/err" || fail "says the fix: $(cat "$T/err")"
	id=$(m pull -q --tls-verify=false "docker://127.0.0.1:$REG_PORT/mocker/busybox:1")
	assertEquals "pull: 0" 0 $?
	echo "$id" | grep -Eqx '[0-9a-f]{64}' || fail "pull prints the id: $id"
	out=$(m run -q "127.0.0.1:$REG_PORT/mocker/busybox:1" echo from-registry)
	assertEquals "run by its name in the store" "from-registry" "$out"
	m run -q --tls-verify=false "docker://127.0.0.1:$REG_PORT/mocker/nosuch:1" true 2>"$T/err"
	assertEquals "a missing image: 125" 125 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
	grep -q "mocker/nosuch" "$T/err" || fail "names it: $(cat "$T/err")"
	assertEquals "no partial layer" 0 "$(store_count tmp)"
}

test_a_docker_archive_is_named_from_its_repotags() {
	skopeo copy -q oci:"$OCI":latest "docker-archive:$T/saved.tar:example.org/team/box:v2" ||
		fail "skopeo could not write the archive"
	assertEquals "run docker-archive:" "saved" "$(m run -q docker-archive:"$T/saved.tar" echo saved)"
	m images | grep -Eq '^localhost/team/box +v2 ' || fail "images: $(m images)"
	assertEquals "then by that name" "again" "$(m run -q team/box:v2 echo again)"
}

test_layers_add_change_delete_and_make_opaque() {
	local out layer
	layout ml
	mktar "$T/l1.tar" '
add("data", type=DIR, mode=0o755)
add("data/a", b"one\n"); add("data/b", b"bee\n")
add("data/d", type=DIR, mode=0o755); add("data/d/x", b"x\n"); add("data/d/y", b"y\n")'
	mktar "$T/l2.tar" '
add("data/a", b"two\n"); add("data/.wh.b", b""); add("data/c", b"sea\n")
add("data/d/.wh..wh..opq", b""); add("data/d/z", b"z\n")'
	{ add_layer ml "$T/l1.tar" && add_layer ml "$T/l2.tar"; } || fail "umoci"
	out=$(m run -q oci:"$T/work/ml" sh -c 'cat /data/a /data/c; ls /data; ls /data/d')
	assertEquals "changed, added, deleted, opaque" "two
sea
a
c
d
z" "$out"
	layer=$(grep -l '' "$ST"/layers/*/diff/data/.wh.b 2>/dev/null)
	assertEquals "no .wh. file is kept" "" "$layer"
	for layer in "$ST"/layers/*/diff/data; do
		[ -e "$layer/c" ] || continue
		assertEquals "the whiteout: overlayfs'" "character special file 0,0" \
			"$(stat -c '%F %t,%T' "$layer/b")"
		assertEquals "the opaque directory" "b'y'" \
			"$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque"))' "$layer/d")"
	done
}

test_the_image_config_is_honoured() {
	local id
	layout cfg
	umoci config --image "$T/work/cfg:latest" --config.env FOO=image --config.env BAR=kept \
		--config.workingdir /tmp --config.user nobody --config.entrypoint /bin/sh \
		--config.cmd=-c --config.cmd 'echo "$FOO $BAR $(pwd) $(id -un)"' \
		--config.stopsignal SIGUSR1 || fail "umoci config"
	assertEquals "Entrypoint, Cmd, Env, WorkingDir, User" "image kept /tmp nobody" \
		"$(m run -q oci:"$T/work/cfg")"
	assertEquals "a command replaces Cmd" "given" \
		"$(m run -q localhost/cfg -c 'echo given')"
	assertEquals "--entrypoint replaces both" "entry" \
		"$(m run -q --entrypoint /bin/echo localhost/cfg entry)"
	assertEquals "-e, -w and -u over the image's" "mine kept / root" \
		"$(m run -q -e FOO=mine -w / -u root localhost/cfg)"
	id=$(m run -q -d --name sig localhost/cfg -c 'trap "echo got-usr1; exit 0" USR1; while :; do sleep 0.1; done')
	[ -n "$id" ] || fail "run -d"
	wait_until 5 '[ "$(m inspect sig | sed -n "s/.*\"Status\": \"\(.*\)\".*/\1/p")" = running ]'
	m stop -t 5 sig >/dev/null
	wait_until 5 'm logs sig | grep -q got-usr1' || fail "StopSignal: $(m logs sig)"
	assertEquals "exec gets the image's Env and User" "image nobody" \
		"$(m run -q -d --name ex localhost/cfg -c 'sleep 100' >/dev/null &&
			m exec ex sh -c 'echo "$FOO $(id -un)"')"
}

test_publish_all_takes_the_exposed_ports() {
	local out
	layout ports
	umoci config --image "$T/work/ports:latest" --config.exposedports 7777/tcp \
		--config.exposedports 7778/udp || fail "umoci config"
	# (pasta: nothing of the host's network is changed)
	m run -q -d --name pub -P --net pasta oci:"$T/work/ports" sleep 100 >/dev/null ||
		fail "run -P"
	out=$(m port pub | sort)
	echo "$out" | grep -Eq '^7777/tcp -> 0\.0\.0\.0:[0-9]+$' || fail "tcp: $out"
	echo "$out" | grep -Eq '^7778/udp -> 0\.0\.0\.0:[0-9]+$' || fail "udp: $out"
	m rm -f pub >/dev/null
	bad_text "-P: publishing the image's ports needs --net private" \
		--root "$S" run -P --net host localhost/ports true
}

test_rmi_refuses_an_image_in_use_and_prune_frees_it() {
	m run -q -d --name user oci-archive:"$TAR" sleep 100 >/dev/null || fail "run -d"
	m rmi localhost/mocker-busybox >/dev/null 2>"$T/err"
	assertEquals "rmi of an image in use: 1" 1 $?
	assertEquals "the message" "mocker: rmi: image localhost/mocker-busybox:latest ($(m images -q)) is used by a container: remove the container first (mocker rm)" \
		"$(cat "$T/err")"
	assertEquals "still there" 1 "$(store_count layers)"
	m rm -f user >/dev/null
	m rmi localhost/mocker-busybox >/dev/null || fail "rmi once unused"
	assertEquals "no image" "" "$(m images -q)"
	assertEquals "no layer" 0 "$(store_count layers)"
	assertEquals "no blob" 0 "$(store_count blobs/sha256)"
	m rmi localhost/mocker-busybox 2>"$T/err"
	assertEquals "rmi of no image: 1" 1 $?
	assertEquals "its message" "mocker: rmi: no image 'localhost/mocker-busybox' in $ST (mocker images lists them)" \
		"$(cat "$T/err")"
	# an image without a name: prune
	layout pr
	m run -q oci:"$T/work/pr" true
	skopeo copy -q oci:"$OCI":latest oci:"$T/work/pr":latest
	layout pr2
	umoci config --image "$T/work/pr2:latest" --config.env X=1 >/dev/null
	m pull -q oci:"$T/work/pr2" >/dev/null
	m rmi localhost/pr >/dev/null
	assertEquals "prune -a" "removed 1 image, 0 B freed" "$(m image prune -a | sed 's/, [0-9.]* [kMG]*B freed/, 0 B freed/')"
	assertEquals "empty" "" "$(m images -q)"
}

test_a_corrupted_blob_fails_with_one_line_and_is_fetched_again() {
	local hex
	m pull -q oci-archive:"$TAR" >/dev/null || fail "pull"
	hex=$(basename "$(ls -d "$ST"/layers/*)")
	rm -rf "${ST:?}/layers/$hex"
	printf 'junk' >> "$ST/blobs/sha256/$hex"
	m run -q mocker-busybox true 2>"$T/err"
	assertEquals "a layer that is not its digest: 125" 125 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
	grep -q "not the digest it is named by" "$T/err" || fail "says so: $(cat "$T/err")"
	assertEquals "no partial layer" 0 "$(store_count layers)"
	assertEquals "nothing in tmp" 0 "$(store_count tmp)"
	assertFalse "the bad blob is gone" "[ -e '$ST/blobs/sha256/$hex' ]"
	m pull -q oci-archive:"$TAR" >/dev/null || fail "pull again"
	assertEquals "runs again" "ok" "$(m run -q mocker-busybox echo ok)"
	# a config that is not its digest
	hex=$(m images -q --no-trunc)
	printf ' ' >> "$ST/blobs/sha256/$hex"
	m run -q mocker-busybox true 2>"$T/err"
	assertEquals "a config that is not its digest: 125" 125 $?
	grep -q "does not match its digest" "$T/err" || fail "says so: $(cat "$T/err")"
}

test_progress_is_shown_on_a_terminal_only() {
	layout prog
	mktar "$T/prog.tar" 'add("big", bytes(8 << 20))'
	add_layer prog "$T/prog.tar" || fail "umoci"
	script -qfec "$MOCKER --root $S pull oci:$T/work/prog" "$T/typescript" >/dev/null
	grep -q "unpacking layer 2/2 [0-9a-f]\{12\}: .* MB" "$T/typescript" ||
		fail "no progress on a terminal: $(cat "$T/typescript")"
	m rmi localhost/prog >/dev/null
	m pull oci:"$T/work/prog" >/dev/null 2>"$T/err"
	assertEquals "none without one" "" "$(cat "$T/err")"
	m rmi localhost/prog >/dev/null
	script -qfec "$MOCKER --root $S pull -q oci:$T/work/prog" "$T/typescript" >/dev/null
	grep -q "unpacking" "$T/typescript" && fail "-q: $(cat "$T/typescript")"
	return 0
}

test_an_interrupted_pull_does_not_break_the_next() {
	local pid
	layout big
	mktar "$T/big.tar" 'add("big", bytes(256 << 20))'
	add_layer big "$T/big.tar" || fail "umoci"
	rm -f "$T/big.tar"
	bg pid "$MOCKER" pull -q oci:"$T/work/big"
	wait_until 30 'ls "$ST/tmp" 2>/dev/null | grep -q "^layer-"' || fail "no unpack seen"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	m pull -q oci:"$T/work/big" >/dev/null
	assertEquals "the next pull: 0" 0 $?
	assertEquals "it runs" "268435456" "$(m run -q localhost/big stat -c %s /big)"
	assertEquals "nothing left in tmp" 0 "$(store_count tmp)"
}

# --- hostile layers ------------------------------------------------------------

# pull_crafted NAME 'PYTHON': an image with that layer on top, pulled; its
# status, stderr in $T/err
pull_crafted() {
	layout "$1"
	mktar "$T/$1.tar" "$2"
	add_layer "$1" "$T/$1.tar" || fail "umoci"
	m pull -q oci:"$T/work/$1" >/dev/null 2>"$T/err"
}

test_a_layer_cannot_write_outside_its_directory() {
	local links
	mkdir -p "$T/outside"
	pull_crafted dotdot "add('../../../../../../../../../../..$T/escaped', b'x')"
	assertEquals "'..': refused, 125" 125 $?
	assertEquals "one line" 1 "$(wc -l < "$T/err")"
	grep -Eq "^mocker: pull: oci:$T/work/dotdot: layer [0-9a-f]{12}: entry '(\.\./)+.*escaped': a name with '\.\.' in it: " \
		"$T/err" || fail "says why: $(cat "$T/err")"
	assertFalse "nothing escaped" "[ -e '$T/escaped' ]"
	assertEquals "no partial layer" 0 "$(find "$ST/tmp" -mindepth 1 | wc -l)"

	pull_crafted abs "add('$T/abs-escaped', b'x')"
	assertEquals "an absolute name: taken inside" 0 $?
	assertFalse "not on the host" "[ -e '$T/abs-escaped' ]"
	assertEquals "inside the image" "x" "$(m run -q localhost/abs cat "$T/abs-escaped")"

	pull_crafted sym "add('link', type=SYM, link='$T/outside'); add('link/pwned', b'x')"
	assertEquals "a write through a symlink: refused, 125" 125 $?
	tar -tvf "$T/sym.tar" | grep -q "link -> $T/outside" || fail "control: the layer is hostile"
	assertFalse "nothing written through it" "[ -e '$T/outside/pwned' ]"

	pull_crafted dirsym "add('d', type=SYM, link='/'); add('d/etc/pwned', b'x')"
	assertEquals "through a symlink to /: kept inside" 0 $?
	assertFalse "not in the host's /etc" "[ -e /etc/pwned ]"

	links=$(stat -c %h /etc/passwd)
	pull_crafted hard "add('hl', type=LNK, link='../../../../../../../../../etc/passwd')"
	assertEquals "a hard link out: refused, 125" 125 $?
	pull_crafted hard2 "add('hl', type=LNK, link='/etc/passwd')"
	assertEquals "a hard link to an absolute name: inside, not there: 125" 125 $?
	assertEquals "the host's file gained no link" "$links" "$(stat -c %h /etc/passwd)"

	pull_crafted dev "add('mem', type=CHR, dev=(1, 1), mode=0o666)"
	assertEquals "a device node, as root: kept" 0 $?
	m run -q localhost/dev sh -c 'head -c 1 /mem' 2>/dev/null
	assertNotEquals "but the root is nodev: it cannot be opened" 0 $?
	assertEquals "nothing left in tmp" 0 "$(store_count tmp)"
}

test_a_name_cannot_pose_as_an_id_or_choose_host_ports() {
	local id
	m pull -q oci:"$OCI" >/dev/null || fail "pull"
	id=$(m images -q --no-trunc)
	layout evil
	umoci config --image "$T/work/evil:latest" --config.env FOO=evil \
		--config.exposedports 127.0.0.1:2222:22/tcp || fail "umoci config"
	python3 - "$T/work/evil/index.json" "$id" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for m in j["manifests"]:
    m.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = sys.argv[2] + ":latest"
json.dump(j, open(sys.argv[1], "w"))
PY
	m pull -q oci:"$T/work/evil" >/dev/null || fail "pull evil"
	m images | grep -q "^localhost/evil " || fail "named from its file: $(m images)"
	assertEquals "the id is that image" "" "$(m run -q "$id" sh -c 'echo $FOO')"
	assertEquals "and its start" "" "$(m run -q "${id:0:12}" sh -c 'echo $FOO')"
	m run -d --name p -P --net pasta localhost/evil sleep 100 >/dev/null 2>"$T/err" || fail "run -P"
	assertEquals "-P: the image chooses no host address" "" "$(m port p)"
	grep -q "ExposedPorts '127.0.0.1:2222:22/tcp' is not PORT" "$T/err" || fail "says so: $(cat "$T/err")"
	m rm -f p >/dev/null
}

test_prune_while_runs_start_breaks_none() {
	local pid i failed=0
	m pull -q oci:"$OCI" >/dev/null || fail "pull"
	bg pid sh -c "while :; do '$MOCKER' image prune >/dev/null 2>&1; done"
	for i in $(seq 20); do
		[ "$(m run -q busybox echo ok 2>&1)" = ok ] || failed=$((failed + 1))
	done
	kill_bg
	assertEquals "runs that failed" 0 "$failed"
	assertEquals "the image is still there" 1 "$(store_count images)"
}

test_deep_trees_neither_crash_nor_stay() {
	local name
	name=$(printf 'a/%.0s' $(seq 2000))x
	pull_crafted deep "add('$name', b'x')"
	assertNotEquals "a deep path: no crash" 139 $?
	m pull -q oci:"$OCI" >/dev/null || fail "pull"
	m run -q busybox sh -c 'cd /tmp && mkdir a && i=0 &&
		while [ $i -lt 300 ]; do mkdir b && mv a b/a && mv b a; i=$((i + 1)); done'
	wait_until 10 '[ "$(store_count containers)" = 0 ]' ||
		fail "a deep upper layer stays: $(ls "$ST/containers")"
}

# --- rootless ---------------------------------------------------------------------

test_rootless_pull_and_run() {
	local mocker u=65534 out
	mocker=$(mocker_for_all)
	layout rl
	mktar "$T/rl.tar" "
add('suid', b'#!/bin/sh\n', mode=0o4755)
add('mem', type=CHR, dev=(1, 1), mode=0o666)
add('data', type=DIR, mode=0o755); add('data/old', b'o')"
	add_layer rl "$T/rl.tar" || fail "umoci"
	mktar "$T/rl2.tar" "add('data/.wh..wh..opq', b''); add('data/new', b'n'); add('.wh.suid', b'')"
	add_layer rl "$T/rl2.tar" || fail "umoci"
	chmod -R a+rX "$T/work"
	mkdir -p "$T/ustore" "$T/ustate"
	chown "$u:$u" "$T/ustore" "$T/ustate"
	cp /etc/subuid "$T/subuid"
	: > /etc/subuid
	out=$(setpriv --reuid=$u --regid=$u --clear-groups env MOCKER_STORAGE="$T/ustore" \
		"$mocker" --root "$T/ustate" run -q oci:"$T/work/rl" sh -c 'ls /data; stat -c %a /suid 2>&1 | wc -l; ls /mem 2>&1 | wc -l' 2>"$T/err")
	assertEquals "rootless: 0" 0 $?
	cat "$T/subuid" > /etc/subuid
	assertEquals "opaque (userxattr), a whiteout, device left out" "new
1
1" "$out"
	assertEquals "setuid dropped in the store" "755" \
		"$(find "$T/ustore/layers" -path '*/diff/suid' -type f -exec stat -c %a {} + | head -n 1)"
	assertEquals "no device node in the store but whiteouts (0,0)" "" \
		"$(find "$T/ustore/layers" -type c -exec stat -c '%t,%T %n' {} + | grep -v '^0,0 ')"
	wait_until 5 '[ -z "$(find "$T/ustore/containers" -mindepth 1)" ]' ||
		fail "its upper directory stays: $(find "$T/ustore/containers")"
	rm -rf "$T/ustore" "$T/ustate"
}

test_rootless_files_of_subordinate_ids_are_removed_too() {
	local mocker u=65534 out
	skip_unless test -u /usr/bin/newuidmap
	mocker=$(mocker_for_all)
	layout sub # (the checkout may be closed to others)
	chmod -R a+rX "$T/work"
	mkdir -p "$T/ustore" "$T/ustate"
	chown "$u:$u" "$T/ustore" "$T/ustate"
	cp /etc/subuid "$T/subuid"
	cp /etc/subgid "$T/subgid"
	echo "nobody:300000:65536" >> /etc/subuid
	echo "nobody:300000:65536" >> /etc/subgid
	# a service's user writes where the caller (65534) cannot enter
	out=$(setpriv --reuid=$u --regid=$u --clear-groups env MOCKER_STORAGE="$T/ustore" \
		"$mocker" --root "$T/ustate" run -q oci:"$T/work/sub" sh -c \
		'mkdir /owned && touch /owned/f && chown -R 1000:1000 /owned && chmod 700 /owned &&
		 stat -c %u /owned')
	assertEquals "rootless with subordinate ids: 0" 0 $?
	cat "$T/subuid" > /etc/subuid
	cat "$T/subgid" > /etc/subgid
	assertEquals "a user of the image owns it" 1000 "$out"
	wait_until 5 '[ -z "$(find "$T/ustore/containers" -mindepth 1)" ]' ||
		fail "its upper directory stays: $(find "$T/ustore/containers" -ls)"
	rm -rf "$T/ustore" "$T/ustate"
}

# --- bad input --------------------------------------------------------------------

test_bad_references_say_what_is_accepted() {
	local forms="a root filesystem directory, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE, docker://HOST/NAME:TAG, or an image of the store (mocker images)"
	bad_text "'nosuch': no such directory, and no image of that name in $ST; expected $forms" \
		run nosuch true
	mkdir -p "$T/empty"
	bad_text "oci:$T/empty: 'oci:$T/empty': $T/empty has no index.json: not an OCI layout" \
		run oci:"$T/empty" true
	bad_text "pull: expected one image reference (usage: mocker pull [-q] [--tls-verify=false] [--creds USER[:PASS]] [--authfile FILE] REF)" \
		pull
	bad_text "images: unknown argument '-x' (usage: mocker images [-q] [--no-trunc])" images -x
	bad_text "--tls-verify 'maybe': expected true or false (see mocker run --help)" \
		run --tls-verify=maybe x
	assertEquals "nothing in the store" 0 "$(store_count images)"
}

. "$SHUNIT2"
