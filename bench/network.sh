#!/bin/bash
# bench/network.sh: what --net private and -p cost, side by side with
# Podman (rootful, its default bridge: netavark, a veth pair and DNAT rules;
# and --network slirp4netns) and crun: start-up time with and without a
# network, and a published port's throughput (iperf3) and connection
# latency against the host's own loopback. Prints a Markdown section on
# stdout (bench/run.sh appends it to docs/BENCHMARKS.md); progress on
# stderr. BENCH_ROUNDS (default 5) sets the rounds.
#
# No traffic leaves the machine: every connection is to 127.0.0.1. What
# Podman leaves in the host's network (its bridge, its firewall rules,
# ip_forward) is put back as it was.
# shellcheck disable=SC2046,SC2086 # fields of a helper's output are split on purpose
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# shellcheck source=tests/packages.sh
. tests/packages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_packages podman conmon runc crun umoci jq passt iperf3 slirp4netns nftables \
	iproute2 || exit 1

B=$top/build
BB=$B/bench
IMG=$B/images/busybox/rootfs
OCI=$B/images/busybox/oci
ROUNDS=${BENCH_ROUNDS:-5}
T=$(mktemp -d /tmp/mocker-bench-net.XXXXXX)
chmod 755 "$T"
S=$T/state
RULES=$(nft list ruleset 2>/dev/null)
FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
LINKS=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//')
trap 'cleanup' EXIT INT TERM

m() { "$B/mocker" --root "$S" "$@"; }
# Podman as the tests run it: its own storage, runc (crun 1.8 refuses this
# machine's cgroups), limits it can set here
P="unshare -m podman --root $T/podman --runroot $T/podman-run --storage-driver vfs --runtime runc"
PRUN="run --ulimit nofile=20000:20000 --ulimit nproc=32768:32768"
p() { $P "$@"; }
cleanup() {
	m ps -a -q 2>/dev/null | xargs -r "$B/mocker" --root "$S" rm -f >/dev/null 2>&1
	p rm -a -f -t 0 >/dev/null 2>&1
	pkill -KILL -f "$T" 2>/dev/null
	# shellcheck disable=SC2086 # pids
	[ -n "${HOST_SERVERS:-}" ] && kill $HOST_SERVERS 2>/dev/null
	for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		grep -qx "$l" <<< "$LINKS" || ip link del "$l" 2>/dev/null
	done
	nft flush ruleset 2>/dev/null
	[ -n "$RULES" ] && nft -f - <<< "$RULES"
	echo "$FORWARD" > /proc/sys/net/ipv4/ip_forward
	rootless_cleanup
	umount -R -l "$T"/* 2>/dev/null
	rm -rf "$T"
}
free_port() { "$B/helpers/netecho" free tcp; }

# iperf3 in the image: the host's binary and its libraries
ROOT=$T/iperf-root
cp -a "$IMG" "$ROOT"
cp /usr/bin/iperf3 "$B/helpers/netecho" "$ROOT/bin/"
for lib in $(ldd /usr/bin/iperf3 | grep -o '/lib[^ ]*'); do
	mkdir -p "$ROOT$(dirname "$lib")"
	cp -L "$lib" "$ROOT$lib"
done

# ---------------------------------------------------------------------------
say "bench: start-up, /bin/true ($ROUNDS rounds of 10 each)"
bundle=$T/bundle
umoci unpack --image "$OCI:latest" "$bundle" >/dev/null 2>&1
jq '.process.terminal = false | .process.args = ["/bin/true"] |
    .linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}])' \
	"$bundle/config.json" > "$T/c.json" && mv "$T/c.json" "$bundle/config.json"
touch "$T/empty"
# crun 1.8 refuses this machine's hybrid cgroups: its timing loop runs in a
# mount namespace where the unified tree shows no controllers
crun_loop() { # shellcheck disable=SC2016 # arguments of the inner sh
	unshare -m sh -c 'mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers; shift
		exec "$@"' sh "$T/empty" "$BB/timeit" -q 10 crun --root "$T/crun" run -b "$bundle" bench-crun
}
for _ in $(seq "$ROUNDS"); do
	"$BB/timeit" -q 10 "$B/mocker" run "$IMG" /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-none"
	"$BB/timeit" -q 10 "$B/mocker" run --net private "$IMG" /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-private"
	"$BB/timeit" -q 10 "$B/mocker" run --net pasta "$IMG" /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-pasta"
	crun_loop </dev/null | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-crun"
	"$BB/timeit" -q 3 $P $PRUN --rm --network none --rootfs "$IMG" /bin/true |
		median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-podman-none"
	"$BB/timeit" -q 3 $P $PRUN --rm --network slirp4netns --rootfs "$IMG" /bin/true |
		median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/start-podman-slirp"
done

# ---------------------------------------------------------------------------
say "bench: a published port: iperf3 (3 s) and connection latency ($ROUNDS rounds)"
lat() { # PORT: median microseconds of a TCP connect and echo, 200 times
	"$BB/connlat" 127.0.0.1 "$1" 200
}
mp=$(free_port)
m run -d --name iperf -p "$mp:5201" -p "$((mp + 1)):7" "$ROOT" \
	sh -c 'iperf3 -s & netecho serve tcp 7 & wait' >/dev/null ||
	say "mocker run -p failed"
ap=$(free_port)
m run -d --name iperf-pasta --net pasta -p "$ap:5201" -p "$((ap + 1)):7" "$ROOT" \
	sh -c 'iperf3 -s & netecho serve tcp 7 & wait' >/dev/null ||
	say "mocker run --net pasta -p failed"
pp=$(free_port)
p $PRUN -d --name iperf -p "$pp:5201" -p "$((pp + 1)):7" --rootfs "$ROOT" \
	sh -c 'iperf3 -s & netecho serve tcp 7 & wait' >/dev/null || say "podman run -p failed"
hp=$(free_port)
iperf3 -s -p "$hp" >/dev/null 2>&1 &
HOST_SERVERS="$!"
"$B/helpers/netecho" serve tcp "$((hp + 1))" 127.0.0.1 >/dev/null &
HOST_SERVERS="$HOST_SERVERS $!"
sleep 1
gbits() { iperf3 -c 127.0.0.1 -p "$1" -t 3 -J | jq '.end.sum_received.bits_per_second / 1e9'; }
for _ in $(seq "$ROUNDS"); do
	gbits "$mp" >> "$T/tp-mocker"
	gbits "$ap" >> "$T/tp-pasta"
	gbits "$pp" >> "$T/tp-podman"
	gbits "$hp" >> "$T/tp-host"
	lat "$((mp + 1))" >> "$T/lat-mocker"
	lat "$((ap + 1))" >> "$T/lat-pasta"
	lat "$((pp + 1))" >> "$T/lat-podman"
	lat "$((hp + 1))" >> "$T/lat-host"
done

# ---------------------------------------------------------------------------
# Rootless, side by side: a user made for the while, with subordinate id
# ranges (this machine has none) and /dev/net/tun open to it (as Debian's
# udev rule makes it); all of it put back by rootless_cleanup.
RUSER=mockerbench$$
TUN_MODE=$(stat -c %a /dev/net/tun)
rootless_cleanup() {
	[ -n "${RUSER_MADE:-}" ] || return 0
	rp rm -a -f -t 0 >/dev/null 2>&1
	pkill -KILL -u "$RUSER" 2>/dev/null
	userdel "$RUSER" 2>/dev/null
	cp "$T/subuid" /etc/subuid && cp "$T/subgid" /etc/subgid
	chmod "$TUN_MODE" /dev/net/tun
	RUSER_MADE=
}
as_user() { (cd / && runuser -u "$RUSER" -- env HOME="$T/home" XDG_RUNTIME_DIR="$T/xdg" "$@"); }
rp() {
	as_user podman --root "$T/rl/storage" --runroot "$T/rl/run" --storage-driver vfs \
		--runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}
say "bench: rootless ($ROUNDS rounds)"
cp /etc/subuid "$T/subuid" && cp /etc/subgid "$T/subgid" &&
	useradd -M -d "$T/home" -s /bin/sh "$RUSER" && RUSER_MADE=1
if [ -n "${RUSER_MADE:-}" ]; then
	echo "$RUSER:300000:65536" >> /etc/subuid
	echo "$RUSER:300000:65536" >> /etc/subgid
	chmod 0666 /dev/net/tun
	mkdir -p "$T/home" "$T/xdg" "$T/rl" "$T/rstate"
	cp -a "$ROOT" "$T/uroot"
	mkdir -p "$T/ubin"
	cp "$B/mocker" "$B/mocker-init" "$BB/timeit" "$T/ubin/"
	chmod 755 "$T/ubin"
	chown -R "$RUSER:" "$T/home" "$T/xdg" "$T/rl" "$T/rstate" "$T/uroot"
	chmod 700 "$T/xdg"
	um() { as_user "$T/ubin/mocker" --root "$T/rstate" "$@"; }
	for _ in $(seq "$ROUNDS"); do
		as_user "$T/ubin/timeit" -q 10 "$T/ubin/mocker" --root "$T/rstate" run -q "$T/uroot" /bin/true |
			median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/r-none"
		as_user "$T/ubin/timeit" -q 10 "$T/ubin/mocker" --root "$T/rstate" run -q --net private \
			"$T/uroot" /bin/true | median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/r-private"
		rp run --rm --network none --rootfs "$T/uroot" /bin/true >/dev/null 2>&1 # (warm)
		as_user "$T/ubin/timeit" -q 3 podman --root "$T/rl/storage" --runroot "$T/rl/run" \
			--storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file \
			run --rm --network none --rootfs "$T/uroot" /bin/true | median |
			awk '{printf "%.2f\n", $1 / 1000}' >> "$T/r-podman-none"
		as_user "$T/ubin/timeit" -q 3 podman --root "$T/rl/storage" --runroot "$T/rl/run" \
			--storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file \
			run --rm --network slirp4netns --rootfs "$T/uroot" /bin/true | median |
			awk '{printf "%.2f\n", $1 / 1000}' >> "$T/r-podman-slirp"
	done
	ump=$(free_port)
	um run -q -d --name iperf -p "$ump:5201" "$T/uroot" iperf3 -s >/dev/null ||
		say "rootless mocker run -p failed"
	upp=$(free_port)
	rp run -d --name iperf -p "$upp:5201" --rootfs "$T/uroot" iperf3 -s >/dev/null ||
		say "rootless podman run -p failed"
	sleep 1
	for _ in $(seq "$ROUNDS"); do
		gbits "$ump" >> "$T/r-tp-mocker"
		gbits "$upp" >> "$T/r-tp-podman"
	done
	um rm -f iperf >/dev/null 2>&1
	rootless_cleanup
fi

# ---------------------------------------------------------------------------
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
sn=$(stats < "$T/start-none") sp=$(stats < "$T/start-private") sc=$(stats < "$T/start-crun")
sa=$(stats < "$T/start-pasta") ta=$(stats < "$T/tp-pasta") la=$(stats < "$T/lat-pasta")
pn=$(stats < "$T/start-podman-none") ps=$(stats < "$T/start-podman-slirp")
tm=$(stats < "$T/tp-mocker") tpp=$(stats < "$T/tp-podman") th=$(stats < "$T/tp-host")
lm=$(stats < "$T/lat-mocker") lp=$(stats < "$T/lat-podman") lh=$(stats < "$T/lat-host")
set -- $sn; sn1=$1; set -- $sp; sp1=$1; set -- $pn; pn1=$1; set -- $ps; ps1=$1
set -- $tm; tm1=$1; set -- $tpp; tp1=$1
set -- $sa; sa1=$1
om=$(awk -v a="$sp1" -v b="$sn1" 'BEGIN {printf "%.2f", a - b}')
oa=$(awk -v a="$sa1" -v b="$sn1" 'BEGIN {printf "%.2f", a - b}')
op=$(awk -v a="$ps1" -v b="$pn1" 'BEGIN {printf "%.2f", a - b}')
rn=$(stats < "$T/r-none") rpv=$(stats < "$T/r-private")
rpn=$(stats < "$T/r-podman-none") rps=$(stats < "$T/r-podman-slirp")
rtm=$(stats < "$T/r-tp-mocker") rtp=$(stats < "$T/r-tp-podman")
set -- $rn; rn1=$1; set -- $rpv; rpv1=$1; set -- $rpn; rpn1=$1; set -- $rps; rps1=$1
set -- $rtm; rtm1=$1; set -- $rtp; rtp1=$1
orm=$(awk -v a="$rpv1" -v b="$rn1" 'BEGIN {printf "%.2f", a - b}')
orp=$(awk -v a="$rps1" -v b="$rpn1" 'BEGIN {printf "%.2f", a - b}')
cat <<EOF

## Networks: --net private and -p against Podman (podman $(ver podman), netavark $(ver netavark), slirp4netns $(ver slirp4netns), pasta (passt) $(ver passt), crun $(ver crun))

Measured by \`bench/network.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), as root; medians of $ROUNDS
rounds with their min–max. Start-up: \`run IMG /bin/true\` until it returned (mocker 10 runs a
round, Podman 3); crun runs the busybox bundle with a network namespace of its own. The
published port: iperf3 (3 s, one stream) and a TCP connect-send-answer (200, median) from the
host's 127.0.0.1 to a port published by mocker (as root: a veth pair on mocker0 and nftables
DNAT; and through pasta, as rootless runs) and by rootful Podman (its default bridge: a veth
pair and DNAT rules), against the same server on the host's own loopback.
Rootless: a user made for the run (subordinate ids 300000:65536, /dev/net/tun 0666, all put
back), mocker (pasta) against Podman (slirp4netns, its default here), storage vfs, runc.

| | mocker, as root (veth, mocker0) | mocker --net pasta (as rootless) | Podman | other |
|---|---|---|---|---|
| start, no network (ms) | --net none $(fmt "$sn" 2) | | --network none $(fmt "$pn" 2) | crun, new netns $(fmt "$sc" 2) |
| start, a network of its own (ms) | --net private $(fmt "$sp" 2) | $(fmt "$sa" 2) | --network slirp4netns $(fmt "$ps" 2) | |
| its overhead (ms) | $om | $oa | $op | |
| published port, iperf3 (Gbit/s) | $(fmt "$tm" 2) | $(fmt "$ta" 2) | $(fmt "$tpp" 2) | host loopback $(fmt "$th" 2) |
| published port, connect+echo (µs) | $(fmt "$lm" 0) | $(fmt "$la" 0) | $(fmt "$lp" 0) | host loopback $(fmt "$lh" 0) |

| rootless | mocker (pasta) | Podman (slirp4netns) |
|---|---|---|
| start, no network (ms) | $(fmt "$rn" 2) | $(fmt "$rpn" 2) |
| start, a network of its own (ms) | $(fmt "$rpv" 2) | $(fmt "$rps" 2) |
| its overhead (ms) | $orm | $orp |
| published port, iperf3 (Gbit/s) | $(fmt "$rtm" 2) | $(fmt "$rtp" 2) |

| target | measured | verdict |
|---|---|---|
| root: --net private's start overhead below Podman's (slirp4netns) | $om vs $op ms | $(verdict lt "$om" "$op") |
| root: --net private's start overhead ≤ 10 ms | $om ms | $(verdict le "$om" 10) |
| rootless: --net private's start overhead below rootless Podman's (slirp4netns) | $orm vs $orp ms | $(verdict lt "$orm" "$orp") |
| rootless: --net private's start overhead ≤ 10 ms | $orm ms | $(verdict le "$orm" 10) |
| rootless: published-port throughput ≥ rootless Podman's | $(printf %.2f "$rtm1") vs $(printf %.2f "$rtp1") Gbit/s, ratio $(ratio "$rtm1" "$rtp1") | $(verdict le "$rtp1" "$rtm1") |
| root: published-port throughput ≥ rootful Podman's | $(printf %.2f "$tm1") vs $(printf %.2f "$tp1") Gbit/s, ratio $(ratio "$tm1" "$tp1") | $(verdict le "$tp1" "$tm1") |
EOF
