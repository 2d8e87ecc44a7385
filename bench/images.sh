#!/bin/bash
# bench/images.sh: images, side by side with Podman and umoci: the first run
# of an image from a registry on 127.0.0.1 (pull + unpack + start) against
# podman pull + podman run; a warm run from the store against running the
# unpacked directory; unpacking a large image (a Debian root filesystem
# made with debootstrap into an OCI image; the host's /usr/bin if that
# cannot be made) against umoci unpack. Prints a Markdown section on
# stdout (bench/run.sh appends it to docs/BENCHMARKS.md); progress on
# stderr. BENCH_ROUNDS (default 5) sets the rounds.
# shellcheck disable=SC2046,SC2086 # fields of a helper's output are split on purpose
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# shellcheck source=tests/packages.sh
. tests/packages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_packages podman runc umoci skopeo docker-registry debootstrap || exit 1

B=$top/build
BB=$B/bench
IMG=$B/images/busybox/rootfs
OCI=$B/images/busybox/oci
ROUNDS=${BENCH_ROUNDS:-5}
T=$(mktemp -d /tmp/mocker-bench-img.XXXXXX)
chmod 755 "$T"
trap 'cleanup' EXIT INT TERM

cleanup() {
	[ -n "${REG_PID:-}" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null
	pkill -KILL -f "$T" 2>/dev/null
	awk -v d="$T" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r mp; do umount -l "$mp" 2>/dev/null; done
	rm -rf "$T"
}

m() { "$B/mocker" --root "$T/state" --storage "$T/store" "$@"; }
P="unshare -m podman --root $T/podman --runroot $T/podman-run --storage-driver overlay --runtime runc"
ms() { date +%s%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", (b - a) / 1e6}'; }

# a registry on 127.0.0.1
port=$((20000 + RANDOM % 20000))
while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done
mkdir -p "$T/registry"
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
	"$T/registry/data" "$port" > "$T/registry/config.yml"
docker-registry serve "$T/registry/config.yml" >/dev/null 2>&1 &
REG_PID=$!
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
REF=127.0.0.1:$port/bench/busybox:1
skopeo copy -q --dest-tls-verify=false oci:"$OCI":latest "docker://$REF" || say "skopeo push failed"

# ---------------------------------------------------------------------------
say "bench: first run from the registry ($ROUNDS rounds)"
for _ in $(seq "$ROUNDS"); do
	rm -rf "$T/store"
	t0=$(ms)
	m run -q --tls-verify=false "docker://$REF" /bin/true
	t1=$(ms)
	elapsed "$t0" "$t1" >> "$T/first-mocker"
	$P rmi -a -f >/dev/null 2>&1
	t0=$(ms)
	$P pull -q --tls-verify=false "$REF" >/dev/null 2>&1 &&
		$P run --rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --network none \
			"$REF" /bin/true >/dev/null 2>&1
	rc=$?
	t1=$(ms)
	[ "$rc" = 0 ] && elapsed "$t0" "$t1" >> "$T/first-podman"
done
$P rmi -a -f >/dev/null 2>&1

say "bench: warm run from the store ($ROUNDS rounds)"
m pull -q --tls-verify=false "docker://$REF" >/dev/null
# The image's entrypoint is /sbin/init, a mocker-init: under the host's
# mocker-init (PID 1 of an image's container) that is an init under an init,
# a process more than the directory's run. The target compares the same
# tree of processes (--entrypoint /bin/true: one init, /bin/true); the run
# with the image's entrypoint is shown beside it.
for _ in $(seq "$ROUNDS"); do
	"$BB/timeit" -q 20 "$B/mocker" --root "$T/state" --storage "$T/store" run -q \
		--entrypoint /bin/true "$REF" | median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/warm-image"
	"$BB/timeit" -q 20 "$B/mocker" --root "$T/state" --storage "$T/store" run -q "$REF" /bin/true |
		median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/warm-image-init"
	"$BB/timeit" -q 20 "$B/mocker" --root "$T/state" run -q "$IMG" /bin/true |
		median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/warm-dir"
	"$BB/timeit" -q 20 "$B/mocker" --root "$T/state" run -q --overlay "$IMG" /bin/true |
		median | awk '{printf "%.2f\n", $1 / 1000}' >> "$T/warm-overlay"
done

# ---------------------------------------------------------------------------
say "bench: a large image"
large_from=""
if debootstrap --variant=minbase bookworm "$T/debian" >/dev/null 2>&1; then
	large_from="a Debian 12 root filesystem (debootstrap --variant=minbase)"
	src=$T/debian
else
	large_from="the host's /usr/bin (debootstrap failed)"
	src=/usr/bin
fi
if ! { umoci init --layout "$T/large" && umoci new --image "$T/large:latest" &&
	umoci insert --image "$T/large:latest" "$src" /; } >/dev/null; then
	say "umoci could not make the large image"
fi
bytes=$(du -sb --apparent-size "$src" 2>/dev/null | cut -f1)
rm -rf "$T/debian"
say "bench: unpacking it ($ROUNDS rounds)"
rm -rf "$T/store"
for _ in $(seq "$ROUNDS"); do
	rm -rf "$T/store" "$T/bundle"
	sync
	t0=$(ms)
	m pull -q oci:"$T/large" >/dev/null
	t1=$(ms)
	elapsed "$t0" "$t1" >> "$T/pull-mocker"
	# again with its blob in the store (skopeo copies nothing): the
	# unpacking. Each side's previous tree is removed just before it: ext4
	# looks long for free inodes right after many were deleted, so both
	# pay that alike.
	umoci unpack --image "$T/large:latest" "$T/bundle" >/dev/null 2>&1
	rm -rf "$T/store/layers" "$T/store/images" "$T/store/names"
	sync
	t0=$(ms)
	m pull -q oci:"$T/large" >/dev/null
	t1=$(ms)
	elapsed "$t0" "$t1" >> "$T/unpack-mocker"
	rm -rf "$T/bundle"
	sync
	t0=$(ms)
	umoci unpack --image "$T/large:latest" "$T/bundle" >/dev/null 2>&1
	t1=$(ms)
	elapsed "$t0" "$t1" >> "$T/unpack-umoci"
done
rm -rf "$T/bundle"

# ---------------------------------------------------------------------------
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b / 1e6}')
fm=$(stats < "$T/first-mocker") fp=$(stats < "$T/first-podman" 2>/dev/null)
wi=$(stats < "$T/warm-image") wd=$(stats < "$T/warm-dir") wo=$(stats < "$T/warm-overlay")
wii=$(stats < "$T/warm-image-init")
um=$(stats < "$T/unpack-mocker") uu=$(stats < "$T/unpack-umoci") pm=$(stats < "$T/pull-mocker")
fm1=${fm%% *} fp1=${fp%% *} wi1=${wi%% *} wd1=${wd%% *} um1=${um%% *} uu1=${uu%% *}
tput() { awk -v b="$bytes" -v ms="$1" 'BEGIN {if (ms > 0) printf "%.0f", b / 1e6 / (ms / 1000); else print "n/a"}'; }
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
cat <<EOF

## Images: first run from a registry, warm runs, unpacking (skopeo $(ver skopeo), podman $(ver podman), umoci $(ver umoci))

A registry on 127.0.0.1 (docker-registry $(ver docker-registry)) holds the busybox image;
each round starts from an empty store. First run: \`mocker run --tls-verify=false
docker://…\` (skopeo copies into the store, mocker checks and unpacks, runs /bin/true) against
\`podman pull\` + \`podman run --rm\` (storage overlay, runc). Warm: the image already in the store
against the same tree as a directory, median of 20 runs a round, both one init
and /bin/true (the image with \`--entrypoint /bin/true\`: its own entrypoint is
/sbin/init, a second init under the host's, shown on its own row). Unpacking: $large_from,
$mb MB of files in one gzip layer: \`mocker pull oci:\` into an empty store (skopeo's copy
of the blob, then the unpacking), and again with the blob already in the store (the
unpacking, with the blob's digest checked), against \`umoci unpack\` of the same layout. $ROUNDS rounds; median (min–max).

| | mocker | peer |
|---|---|---|
| first run from the registry (ms) | $(fmt "$fm" 1) | podman pull + run $(fmt "$fp" 1) |
| warm run of the image (ms) | $(fmt "$wi" 2) | |
| … with its entrypoint, /sbin/init under the host's init (ms) | $(fmt "$wii" 2) | |
| run of the directory (ms) | $(fmt "$wd" 2) | |
| run of the directory with --overlay (ms) | $(fmt "$wo" 2) | |
| pulling the large image: skopeo's copy, then the unpacking (ms) | $(fmt "$pm" 0) | |
| unpacking the large image, its blob in the store (ms) | $(fmt "$um" 0) | umoci unpack $(fmt "$uu" 0) |
| unpacking throughput (MB/s) | $(tput "$um1") | umoci $(tput "$uu1") |

| target | measured | verdict |
|---|---|---|
| first run from the registry faster than podman pull + run | $fm1 vs $fp1 ms, ratio $(ratio "$fm1" "$fp1") | $(verdict lt "$fm1" "$fp1") |
| a warm run within 1.2× of running the unpacked directory | $wi1 vs $wd1 ms, ratio $(ratio "$wi1" "$wd1") | $(verdict le "$(ratio "$wi1" "$wd1")" 1.2) |
| unpacking at least as fast as umoci | $um1 vs $uu1 ms, ratio $(ratio "$um1" "$uu1") | $(verdict le "$um1" "$uu1") |
EOF
