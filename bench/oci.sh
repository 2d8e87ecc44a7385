#!/bin/bash
# bench/oci.sh: mocker-runc as an OCI runtime beside crun and runc, side
# by side: create + start + delete of a /bin/true bundle, and podman run
# --rm IMAGE /bin/true with each as Podman's runtime. Prints a Markdown
# section on stdout (bench/run.sh appends it to docs/BENCHMARKS.md);
# progress on stderr. BENCH_ROUNDS (default 5) sets the rounds.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# shellcheck source=tests/packages.sh
. tests/packages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_packages podman conmon crun runc umoci jq util-linux || exit 1

B=$top/build
BB=$B/bench
ROUNDS=${BENCH_ROUNDS:-5}
RUNTIMES="mocker-runc crun runc"
T=$(mktemp -d /tmp/mocker-bench-oci.XXXXXX)
chmod 755 "$T"
trap 'cleanup' EXIT INT TERM
touch "$T/empty"

path_of() {
	case $1 in
	mocker-runc) echo "$B/mocker-runc" ;;
	*) command -v "$1" ;;
	esac
}
# Each runtime's commands, in a mount namespace of their own where crun
# 1.8 sees no controllers in this hybrid host's unified tree (it refuses
# them otherwise); the same wrapper for all three.
in_ns() {
	# shellcheck disable=SC2016 # arguments of the inner sh
	unshare -m sh -c '[ -f /sys/fs/cgroup/unified/cgroup.controllers ] &&
		mount --bind "$0" /sys/fs/cgroup/unified/cgroup.controllers; exec "$@"' "$T/empty" "$@"
}
p() { # RUNTIME PODMAN-ARGS...
	local rt=$1
	shift
	in_ns podman --root "$T/podman" --runroot "$T/podman-run" --storage-driver vfs \
		--cgroup-manager cgroupfs --runtime "$(path_of "$rt")" "$@"
}
cleanup() {
	local rt id
	for rt in $RUNTIMES; do
		for id in $("$(path_of "$rt")" --root "$T/$rt" list -q 2>/dev/null); do
			"$(path_of "$rt")" --root "$T/$rt" delete --force "$id" >/dev/null 2>&1
		done
	done
	p runc rm -a -f -t 0 >/dev/null 2>&1
	pkill -KILL -f "$T" 2>/dev/null
	umount -R -l "$T"/* 2>/dev/null
	rm -rf "$T"
}

bundle=$T/bundle
umoci unpack --image "$B/images/busybox/oci:latest" "$bundle" >/dev/null 2>&1
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$bundle/config.json" > "$T/c.json" &&
	mv "$T/c.json" "$bundle/config.json"
cat > "$T/cycle" <<'SH'
#!/bin/sh
# cycle RUNTIME ROOT BUNDLE: one container made, started and deleted
"$1" --root "$2" create --bundle "$3" bench </dev/null >/dev/null &&
"$1" --root "$2" start bench && "$1" --root "$2" delete --force bench
SH
chmod 755 "$T/cycle"

say "bench: OCI create + start + delete ($ROUNDS rounds of 20, interleaved)"
for _ in $(seq "$ROUNDS"); do
	for rt in $RUNTIMES; do
		in_ns "$BB/timeit" 20 "$T/cycle" "$(path_of "$rt")" "$T/$rt" "$bundle" 2>/dev/null |
			median | awk '{printf "%.3f\n", $1 / 1000}' >> "$T/cycle-$rt"
	done
done

say "bench: podman run --rm IMAGE /bin/true with each runtime ($ROUNDS rounds of 5)"
p runc load -i "$B/images/busybox/mocker-busybox.tar" >/dev/null 2>&1 || say "podman load failed"
for _ in $(seq "$ROUNDS"); do
	for rt in $RUNTIMES; do
		for _ in 1 2 3 4 5; do
			s=$(date +%s%N)
			p "$rt" run --rm --network none --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
				--entrypoint /bin/true localhost/mocker-busybox:latest >/dev/null 2>&1 ||
				say "podman run with $rt failed"
			e=$(date +%s%N)
			echo $(((e - s) / 1000))
		done | median | awk '{printf "%.1f\n", $1 / 1000}' >> "$T/podman-$rt"
	done
done

ver() { "$(path_of "$1")" --version 2>/dev/null | head -n 1; }
{
	echo
	echo "## mocker-runc, an OCI runtime, against crun and runc"
	echo
	echo "$(ver mocker-runc); $(ver crun); $(ver runc); podman $(podman --version | awk '{print $3}')."
	echo "Each runtime's commands run in a mount namespace of their own (crun 1.8 needs this host's"
	echo "unified cgroup tree to show no controllers); the bundle is the busybox image unpacked by umoci"
	echo "with \`/bin/true\` as its process. Median of $ROUNDS rounds (each round's median), min–max."
	echo
	echo "| runtime | create + start + delete (ms) | podman run --rm IMAGE /bin/true (ms) |"
	echo "|---|---|---|"
	for rt in $RUNTIMES; do
		echo "| $rt | $(fmt "$(stats < "$T/cycle-$rt")" 2) | $(fmt "$(stats < "$T/podman-$rt")" 1) |"
	done
	echo
	echo "| target | measured | verdict |"
	echo "|---|---|---|"
	m=$(median < "$T/cycle-mocker-runc"); c=$(median < "$T/cycle-crun")
	echo "| create + start + delete below crun | $m vs $c ms, ratio $(ratio "$m" "$c") | $(verdict lt "$m" "$c") |"
	m=$(median < "$T/podman-mocker-runc"); c=$(median < "$T/podman-crun")
	echo "| podman run --rm below crun | $m vs $c ms, ratio $(ratio "$m" "$c") | $(verdict lt "$m" "$c") |"
}
