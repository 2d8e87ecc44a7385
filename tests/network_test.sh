#!/bin/bash
# --net private, -p and --net ns: a container's own network, reaching out
# through the host, its ports published on the host's; as root both ways,
# a veth pair on mocker0 (--net private) and pasta (--net pasta).
#
# No traffic leaves this machine: every connection here is to 127.0.0.1,
# to the container's own addresses, or to the gateway address, which is
# the host (docs/network.md); DNS goes to a server this test runs on
# 127.0.0.1, named by a resolv.conf of a private mount namespace.
# NET_COUNT (default 20) sets the runs of the leak test; make soak: 200.
# Scripts for containers are single-quoted on purpose (SC2016); bg sets its
# variable with printf -v, which shellcheck takes for a subshell (SC2031)
# or an unused one (SC2034).
# shellcheck disable=SC2016,SC2031,SC2034
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

oneTimeSetUp() {
	R=$(make_rootfs rootfs)
	rm -f "$R/dev/null"
	S=$T/state
	NETECHO=$HELPERS/netecho
	LINKS_BEFORE=$(links | grep -vx mocker0)
	RULES_BEFORE=$(rules)
	BRIDGE_BEFORE=$(ip -o link show mocker0 2>/dev/null)
	return 0
}

# mocker0 and mocker's table stay while the host has them, as docker0 does
# (docs/network.md); made by this test, they go with it (shunit2 calls it)
# shellcheck disable=SC2317
oneTimeTearDown() {
	if [ -z "$BRIDGE_BEFORE" ]; then
		ip link del mocker0 2>/dev/null
		nft delete table ip mocker 2>/dev/null
		# forwarding, if mocker turned it on (it marks that)
		[ -e /run/mocker-net/.forwarding ] && echo 0 > /proc/sys/net/ipv4/ip_forward
		rm -rf /run/mocker-net
	fi
	lib_cleanup
}

setUp() { launcher_setUp; }
suite_tearDown() {
	m ps -a -q 2>/dev/null | xargs -r "$MOCKER" --root "$S" rm -f >/dev/null 2>&1
	launcher_tearDown
	assertEquals "no pasta left" "" "$(pastas)"
	wait_until 5 '[ "$(links | grep -vx mocker0)" = "$LINKS_BEFORE" ]'
	assertEquals "the host's interfaces are as they were (a veth pair goes with its netns)" \
		"$LINKS_BEFORE" "$(links | grep -vx mocker0)"
	assertEquals "the host's nftables rules are as they were, but mocker's empty maps" \
		"$RULES_BEFORE" "$(rules)"
	assertEquals "no address leased" "" "$(ls /run/mocker-net 2>/dev/null)"
}

m() { "$MOCKER" --root "$S" "$@"; }
links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
# the ruleset without mocker's table (whose maps must be empty, then)
rules() {
	nft list ruleset 2>/dev/null | awk '/^table ip mocker /{skip = 1} !skip {print} skip && /^}/{skip = 0}'
	nft list table ip mocker 2>/dev/null | grep -A1 'elements = ' | head -n 2
}
pastas() { pgrep -f '^pasta --foreground' | tr '\n' ' '; }
free_port() { "$NETECHO" free "${1:-tcp}"; }
ask() { "$NETECHO" ask "$@" 2>&1; }
# port_free PORT [tcp|udp]: nothing holds it on the host, no rule sends it on
port_free() {
	! ss -Hln"${2:0:1}" "sport = :$1" | grep -q . &&
		! nft list table ip mocker 2>/dev/null | grep -q "[ {]$1 [:.]"
}
# The host's first IPv4 resolver that is not on its loopback (what a
# container on mocker0 is given), else the bridge's address.
host_resolver() {
	awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 !~ /^127\./ {print $2; exit}' /etc/resolv.conf |
		grep . || echo 10.90.0.1
}
MODES="private pasta"

test_private_network_inside() {
	local out mode
	for mode in $MODES; do
		out=$(run --net "$mode" "$R" sh -c 'cat /sys/class/net/lo/operstate; ls /sys/class/net;
			ip -4 route | grep ^default; ip -4 -o addr show dev eth0 | grep -c inet;
			grep ^nameserver /etc/resolv.conf')
		assertEquals "$mode: exit 0" 0 $?
		echo "$out" | grep -qx "eth0" || fail "$mode: an interface: $out"
		echo "$out" | grep -q "^default via " || fail "$mode: a default route: $out"
		echo "$out" | grep -qx "1" || fail "$mode: an IPv4 address: $out"
	done
	assertEquals "as root, on mocker0: the gateway is the bridge" "default via 10.90.0.1 dev eth0" \
		"$(run --net private "$R" ip -4 route | grep ^default | sed 's/ *$//')"
	assertEquals "and the host's resolver, reached through the NAT" "nameserver $(host_resolver)" \
		"$(run --net private "$R" grep ^nameserver /etc/resolv.conf)"
	assertEquals "pasta: its DNS forwarder" "nameserver 169.254.1.1" \
		"$(run --net pasta "$R" grep ^nameserver /etc/resolv.conf)"
	assertEquals "bridge is private's alias (Docker's word)" "eth0" \
		"$(run --net bridge "$R" ls /sys/class/net | grep eth0)"
	assertEquals "--dns still wins" "nameserver 192.0.2.53" \
		"$(run --net private --dns 192.0.2.53 "$R" grep nameserver /etc/resolv.conf)"
	assertEquals "no network stays the default: loopback only" "lo" \
		"$(run "$R" ls /sys/class/net)"
	assertEquals "and nothing was left running" "" "$(pastas)"
}

publish_both_ways() { # MODE
	local mode=$1 tp up ap
	tp=$(free_port)
	up=$(free_port udp)
	m run -d --name pub --net "$mode" -p "$tp:80" -p "127.0.0.1:$up:$up/udp" -p 90 "$R" \
		sh -c 'netecho serve tcp 80 & netecho serve udp '"$up"' & netecho serve tcp 90 & wait' \
		>/dev/null || fail "$mode: run -d"
	wait_until 5 '[ "$(ask tcp 127.0.0.1 "$tp" hi)" = "echo: hi" ]' ||
		fail "$mode: TCP, from 127.0.0.1: $(ask tcp 127.0.0.1 "$tp" hi)"
	assertEquals "$mode: the default address is all of the host's" "echo: hi2" \
		"$(ask tcp 127.0.0.2 "$tp" hi2)"
	assertEquals "$mode: UDP on 127.0.0.1" "echo: hu" "$(ask udp 127.0.0.1 "$up" hu)"
	assertNotEquals "$mode: 127.0.0.1 only where asked" "echo: hu" "$(ask udp 127.0.0.2 "$up" hu)"
	ap=$(m port pub 90 | sed 's/.*://')
	[ -n "$ap" ] || fail "$mode: -p 90: a port picked: $(m port pub)"
	assertEquals "$mode: -p CTR_PORT: the picked one works" "echo: x" "$(ask tcp 127.0.0.1 "$ap" x)"
	assertEquals "$mode: mocker port" "80/tcp -> 0.0.0.0:$tp
$up/udp -> 127.0.0.1:$up
90/tcp -> 0.0.0.0:$ap" "$(m port pub)"
	m ps --format '{{.Ports}}' | grep -q "0.0.0.0:$tp->80/tcp" || fail "$mode: ps: $(m ps)"
	m inspect pub | grep -q "\"80/tcp\": \[{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"$tp\"}\]" ||
		fail "$mode: inspect: $(m inspect pub)"
	assertEquals "$mode: exec joins its network" "echo: in" "$(m exec pub netecho ask tcp 127.0.0.1 80 in)"
	[ "$mode" = pasta ] || m inspect pub | grep -q '"IPAddress": "10\.90\.' ||
		fail "inspect: its address on mocker0: $(m inspect pub)"
	m rm -f pub >/dev/null
	wait_until 5 'port_free "$tp" tcp && port_free "$up" udp' || fail "$mode: ports freed"
}

test_publish_tcp_and_udp() {
	local mode
	for mode in $MODES; do
		publish_both_ways "$mode"
	done
}

test_publish_udp_under_another_number() {
	local p
	p=$(free_port udp)
	m run -d --name dns -p "127.0.0.1:$p:53/udp" "$R" netecho serve udp 53 >/dev/null
	wait_until 5 '[ "$(ask udp 127.0.0.1 "$p" q)" = "echo: q" ]' ||
		fail "on mocker0, a UDP port under another number: $(ask udp 127.0.0.1 "$p" q)"
	m rm -f dns >/dev/null
}

test_two_containers_at_once() {
	local a b
	a=$(free_port)
	b=$(free_port)
	[ "$a" = "$b" ] && b=$((b + 1))
	m run -d --name one -p "$a:80" "$R" netecho serve tcp 80 >/dev/null
	m run -d --name two --net pasta -p "$b:80" "$R" netecho serve tcp 80 >/dev/null
	wait_until 5 '[ "$(ask tcp 127.0.0.1 "$a" 1)" = "echo: 1" ]' || fail "one: $(ask tcp 127.0.0.1 "$a" 1)"
	wait_until 5 '[ "$(ask tcp 127.0.0.1 "$b" 2)" = "echo: 2" ]' || fail "two: $(ask tcp 127.0.0.1 "$b" 2)"
	m run -d --name three -p "$a:80" "$R" true >/dev/null 2>"$T/err"
	assertEquals "one host port, two containers: 125" 125 $?
	assertEquals "said" "mocker: cannot connect the container's network: a host port of it is published by another container already" \
		"$(cat "$T/err")"
	m rm -f one two >/dev/null
}

test_reaches_a_server_on_the_host() {
	local p u s1 s2 mode
	p=$(free_port)
	u=$(free_port udp)
	bg s1 "$NETECHO" serve tcp "$p"
	bg s2 "$NETECHO" serve udp "$u"
	wait_until 5 '! port_free "$p" tcp && ! port_free "$u" udp'
	for mode in $MODES; do
		assertEquals "$mode: TCP to the host, at the gateway address" "echo: out" \
			"$(run --net "$mode" "$R" netecho ask tcp gw "$p" out)"
		assertEquals "$mode: UDP likewise" "echo: out" \
			"$(run --net "$mode" "$R" netecho ask udp gw "$u" out)"
	done
	assertNotEquals "control: without a network, nothing" "echo: out" \
		"$(run "$R" netecho ask tcp 127.0.0.1 "$p" out 2>&1)"
}

# DNS: the host's resolver, as mocker finds it in the host's resolv.conf -
# here one of a private mount namespace, naming a server this test runs.
dns_through_host() { # MODE
	mount --bind "$T/resolv.conf" /etc/resolv.conf || return 1
	"$NETECHO" serve udp 53 127.0.0.1 >/dev/null &
	wait_until 5 '! port_free 53 udp'
	"$MOCKER" run --net "$1" "$R" sh -c \
		'netecho ask udp $(sed -n "s/^nameserver //p" /etc/resolv.conf) 53 query'
	kill $!
}

test_dns_reaches_the_hosts_resolver() {
	local mode
	port_free 53 udp || startSkipping
	echo "nameserver 127.0.0.1" >"$T/resolv.conf"
	export -f dns_through_host port_free wait_until
	for mode in $MODES; do
		assertEquals "$mode: a query to its nameserver reaches the host's" "echo: query" \
			"$(T=$T R=$R NETECHO=$NETECHO MOCKER=$MOCKER unshare -m bash -c "dns_through_host $mode")"
	done
}

# CVE-2020-8558's way in: route_localnet is on for mocker0 (the host's own
# 127.0.0.1 reaches published ports), so a frame a container writes with
# CAP_NET_RAW (Docker's default set) to the bridge for 127.0.0.1 would be
# taken by the host's loopback services. mocker's guard drops it.
loopback_attack() { # TEXT: to the test's server on the host's 127.0.0.1, then
	# "after TEXT" the way it may (the server listens on all addresses)
	run --net private "$R" sh -c 'netecho ask udp 10.90.0.1 9 arp >/dev/null 2>&1
		rawsend eth0 127.0.0.1 '"$LP $1"' && rawsend eth0 10.90.0.1 '"$LP after-$1"
}

test_no_way_to_the_hosts_loopback() {
	local s
	LP=$(free_port udp)
	bg s sh -c "exec '$NETECHO' serve udp $LP > '$T/got'"
	wait_until 5 '! port_free "$LP" udp'
	loopback_attack attack || fail "the frames were not sent"
	wait_until 5 "grep -q 'got: after-attack' '$T/got'" || fail "the second frame came"
	assertFalse "the host's loopback took nothing" "grep -q 'got: attack' '$T/got'"
	# control: without the guard the host takes it
	nft flush chain ip mocker guard
	loopback_attack control
	wait_until 5 "grep -q 'got: after-control' '$T/got'"
	grep -q 'got: control' "$T/got" || fail "control: the attack works unguarded"
	# a firewall reload (nft flush ruleset) takes the whole table: the next
	# run, even without -p, makes it again
	nft delete table ip mocker
	run --net private "$R" true
	nft list chain ip mocker guard | grep -q 'ip daddr 127.0.0.0/8 drop' || fail "guard back"
}

test_bad_publish() {
	local p s mode
	run -p 80:8x "$R" true >/dev/null 2>"$T/err"
	assertEquals "malformed: 125" 125 $?
	assertEquals "one line, quoting it" \
		"mocker: -p '80:8x': expected [HOST_IP:][HOST_PORT:]CTR_PORT[/tcp|/udp], ports 1-65535 or ranges of them (8000-8010) (see mocker run --help)" \
		"$(cat "$T/err")"
	run -p 80/sctp "$R" true >/dev/null 2>"$T/err"
	assertEquals "sctp: 125" 125 $?
	assertEquals "mocker: -p '80/sctp': the protocol is tcp or udp (see mocker run --help)" "$(cat "$T/err")"
	run -p 8000-8002:80-81 "$R" true >/dev/null 2>"$T/err"
	assertEquals "ranges of two lengths: 125" 125 $?
	p=$(free_port)
	bg s "$NETECHO" serve tcp "$p" 127.0.0.1
	wait_until 5 '! port_free "$p" tcp'
	for mode in $MODES; do
		run --net "$mode" -p "$p:80" "$R" true >/dev/null 2>"$T/err"
		assertEquals "$mode: taken: 125" 125 $?
		assertEquals "$mode: taken: one line" "mocker: -p '$p:80': the host port $p/tcp is in use" \
			"$(cat "$T/err")"
	done
	for mode in host none ns:/proc/self/ns/net; do
		run --net "$mode" -p 8080:80 "$R" true >/dev/null 2>"$T/err"
		assertEquals "--net $mode -p: 125" 125 $?
		assertEquals "mocker: -p '8080:80': publishing a port needs --net private, not --net ${mode%%/*}" \
			"$(cat "$T/err")"
	done
	run -p '[::1]:8080:80' "$R" true >/dev/null 2>"$T/err"
	assertEquals "IPv6 on mocker0: 125" 125 $?
	assertEquals "mocker: -p '[::1]:8080:80': an IPv6 host address needs --net pasta" "$(cat "$T/err")"
	# (binding an address the host does not have sends nothing anywhere)
	run -p 198.51.100.1:8080:80 "$R" true >/dev/null 2>"$T/err"
	assertEquals "not the host's address: 125" 125 $?
	assertEquals "mocker: -p '198.51.100.1:8080:80': cannot bind host port 8080/tcp: Address not available" \
		"$(cat "$T/err")"
	run --net frob "$R" true >/dev/null 2>"$T/err"
	assertEquals "mocker: --net 'frob': expected none, private, pasta, host or ns:PATH (see mocker run --help)" \
		"$(cat "$T/err")"
	assertEquals "nothing left" "" "$(m ps -a -q)"
}

test_join_a_network_namespace() {
	local holder
	# a network namespace bound to a file, as ip netns add makes one
	bg holder unshare -n sleep 300
	wait_until 5 '[ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ]'
	touch "$T/netns"
	mount --bind "/proc/$holder/ns/net" "$T/netns" || { fail "bind"; return; }
	nsenter --net="$T/netns" ip link add probe0 type veth peer name probe1 ||
		{ fail "a veth pair in it"; return; }
	assertEquals "its interfaces" "lo probe0 probe1" \
		"$(run --net "ns:$T/netns" "$R" ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')"
	run --net ns:/etc/hostname "$R" true >/dev/null 2>"$T/err"
	assertEquals "not a namespace: 125" 125 $?
	assertEquals "mocker: --net ns:/etc/hostname: not a network namespace (a file such as /run/netns/NAME or /proc/PID/ns/net)" \
		"$(cat "$T/err")"
	umount "$T/netns"
}

test_rootless_publish() {
	local img=$T/own mocker p out tun
	tun=$(stat -c %a /dev/net/tun)
	rm -rf "$img"
	cp -a "$R" "$img"
	chown -R 65534:65534 "$img"
	mocker=$(mocker_for_all)
	p=$(free_port)
	# control: a /dev/net/tun closed to users (no udev here) is said
	chmod 0600 /dev/net/tun
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$mocker" run -q -p "$p:80" "$img" true >/dev/null 2>"$T/err")
	assertEquals "closed tun: 125" 125 $?
	grep -q "/dev/net/tun is not open to users: it needs mode 0666" "$T/err" ||
		fail "said: $(cat "$T/err")"
	# Debian's udev rule makes /dev/net/tun 0666
	chmod 0666 /dev/net/tun
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$mocker" run -q -d -p "$p:80" "$img" netecho serve tcp 80 2>&1)
	wait_until 5 '[ "$(ask tcp 127.0.0.1 "$p" me)" = "echo: me" ]' ||
		fail "rootless -p: $out $(ask tcp 127.0.0.1 "$p" me)"
	pgrep -u 65534 -f '^pasta --foreground' >/dev/null || fail "pasta runs as the user"
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$mocker" rm -f "${out:0:12}" >/dev/null 2>&1)
	wait_until 5 'port_free "$p" tcp' || fail "freed"
	chmod "$tun" /dev/net/tun
	rm -rf "$img"
}

# A run with -p killed with SIGKILL (mocker, or a detached one's monitor).
test_kill_9_leaves_nothing() {
	local p q mk id mode
	for mode in $MODES; do
		p=$(free_port)
		bg mk "$MOCKER" run --net "$mode" -p "$p:80" "$R" netecho serve tcp 80
		wait_until 5 '[ "$(ask tcp 127.0.0.1 "$p" k)" = "echo: k" ]' || fail "$mode: up"
		kill -KILL "$mk"
		wait "$mk" 2>/dev/null
		wait_until 5 '[ -z "$(pastas)" ] && port_free "$p" tcp && [ -z "$(ls /run/mocker-net)" ]' ||
			fail "$mode: pasta, port, lease: $(pastas) $(ls /run/mocker-net)"
		q=$(free_port)
		id=$(m run -d --net "$mode" -p "$q:80" "$R" netecho serve tcp 80)
		wait_until 5 '[ "$(ask tcp 127.0.0.1 "$q" k)" = "echo: k" ]' || fail "$mode: up -d"
		kill -KILL "$(m inspect "$id" | sed -n 's/.*"MonitorPid": \([0-9]*\).*/\1/p')"
		wait_until 5 '[ -z "$(pastas)" ] && port_free "$q" tcp && [ -z "$(ls /run/mocker-net)" ]' ||
			fail "$mode -d: pasta, port, lease: $(pastas) $(ls /run/mocker-net)"
		m rm -f "$id" >/dev/null
	done
}

test_many_runs_leave_nothing() {
	local i p pid mode ports=()
	for i in $(seq "${NET_COUNT:-20}"); do
		p=$(free_port)
		ports+=("$p")
		mode=private
		[ $((i % 2)) = 0 ] && mode=pasta
		if [ $((i % 4)) -lt 2 ]; then
			bg pid "$MOCKER" run --net "$mode" -p "$p:80" "$R" netecho serve tcp 80
			wait_until 5 '[ "$(ask tcp 127.0.0.1 "$p" n)" = "echo: n" ]' || fail "run $i: up"
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
		else
			run --net "$mode" -p "$p:80" -p "$p:81/udp" "$R" true || fail "run $i"
		fi
	done
	wait_until 5 '[ -z "$(pastas)" ] && [ -z "$(ls /run/mocker-net)" ]' ||
		fail "left: $(pastas) $(ls /run/mocker-net)"
	for p in "${ports[@]}"; do
		wait_until 5 'port_free "$p" tcp && port_free "$p" udp' ||
			fail "port $p held: $(ss -Hlntu "sport = :$p")"
	done
}

. shunit2
