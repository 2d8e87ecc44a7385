#!/bin/bash
# bench/lifecycle.sh: what a background container costs, side by side with
# Podman (conmon and runc): host-side memory per idle detached container,
# exec latency against runc exec and podman exec, and mocker ps with 100
# containers running. Prints a Markdown section on stdout (bench/run.sh
# appends it to docs/BENCHMARKS.md); progress on stderr.
# BENCH_ROUNDS (default 5) sets the rounds.
# shellcheck disable=SC2046,SC2086 # fields of a helper's output are split on purpose
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# shellcheck source=tests/packages.sh
. tests/packages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_packages podman conmon runc umoci jq procps util-linux || exit 1

B=$top/build
BB=$B/bench
IMG=$B/images/busybox/rootfs
OCI=$B/images/busybox/oci
ROUNDS=${BENCH_ROUNDS:-5}
IDLE=10 # containers idle at once, each side
T=$(mktemp -d /tmp/mocker-bench-life.XXXXXX)
chmod 755 "$T"
S=$T/state
trap 'cleanup' EXIT INT TERM

m() { "$B/mocker" --root "$S" "$@"; }
# Podman as the tests run it: its own storage, no network (nothing left
# in the host's firewall), runc (crun 1.8 refuses this machine's cgroups).
p() {
	unshare -m podman --root "$T/podman" --runroot "$T/podman-run" --storage-driver vfs \
		--runtime runc "$@"
}
cleanup() {
	m ps -a -q 2>/dev/null | xargs -r "$B/mocker" --root "$S" rm -f >/dev/null 2>&1
	p rm -a -f -t 0 >/dev/null 2>&1
	runc --root "$T/runc" delete -f bench-exec >/dev/null 2>&1
	pkill -KILL -f "$T" 2>/dev/null
	umount -R -l "$T"/* 2>/dev/null
	rm -rf "$T"
}
sum() { # FIELD PID...: Rss, Pss or Uss (Private_Clean + Private_Dirty), in kB
	local f=$1 pid n=0 v
	shift
	for pid in "$@"; do
		v=$(awk -v f="$f" '$1 == f ":" || (f == "Uss" && $1 ~ /^Private_(Clean|Dirty):/) {n += $2}
			END {print n}' "/proc/$pid/smaps_rollup" 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}

p load -i "$B/images/busybox/mocker-busybox.tar" >/dev/null 2>&1 ||
	p pull -q "oci:$OCI:latest" >/dev/null 2>&1 || { say "podman cannot load the busybox image"; exit 1; }
pimg=$(p images -q | head -n 1)

# ---------------------------------------------------------------------------
say "bench: host-side memory of $IDLE idle detached containers each (3 rounds)"
for _ in 1 2 3; do
	ids=()
	for _ in $(seq "$IDLE"); do
		ids+=("$(m run -d "$IMG" sleep 600)")
		p run -d --network none --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
			"$pimg" sleep 600 >/dev/null
	done
	sleep 2
	# the monitors and their watchers: every mocker process of this state dir
	mon=$(pgrep -f -- "--root $S run" | tr '\n' ' ')
	inits=$(for i in "${ids[@]}"; do m inspect "$i" | jq -r '.[0].State.Pid'; done | tr '\n' ' ')
	con=$(pgrep -f -- "conmon .*$T/podman" | tr '\n' ' ')
	set -- $mon; nmon=$#
	set -- $con; ncon=$#
	for f in Rss Pss Uss; do
		awk -v a="$(sum $f $mon)" -v n="$IDLE" 'BEGIN {printf "%.0f\n", a / n}' >> "$T/mon-$f"
		awk -v a="$(sum $f $inits)" -v n="$IDLE" 'BEGIN {printf "%.0f\n", a / n}' >> "$T/init-$f"
		awk -v a="$(sum $f $con)" -v n="$ncon" 'BEGIN {if (n) printf "%.0f\n", a / n}' >> "$T/conmon-$f"
	done
	echo "$nmon" >> "$T/nmon"
	m rm -f "${ids[@]}" >/dev/null
	p rm -a -f -t 0 >/dev/null 2>&1
done

# ---------------------------------------------------------------------------
say "bench: exec latency ($ROUNDS rounds of 20 /bin/true)"
bundle=$T/bundle
umoci unpack --image "$OCI:latest" "$bundle" >/dev/null 2>&1
jq '.process.terminal = false | .process.args = ["sleep", "600"]' "$bundle/config.json" > "$T/c.json" &&
	mv "$T/c.json" "$bundle/config.json"
runc --root "$T/runc" run -d -b "$bundle" bench-exec </dev/null >/dev/null 2>&1 ||
	say "runc run -d failed"
mid=$(m run -d "$IMG" sleep 600)
p run -d --name bench-exec --network none --ulimit nofile=20000:20000 \
	--ulimit nproc=32768:32768 "$pimg" sleep 600 >/dev/null
for _ in $(seq "$ROUNDS"); do
	"$BB/timeit" 20 "$B/mocker" --root "$S" exec "$mid" /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/exec-mocker"
	"$BB/timeit" 20 runc --root "$T/runc" exec bench-exec /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/exec-runc"
	"$BB/timeit" 20 unshare -m podman --root "$T/podman" --runroot "$T/podman-run" \
		--storage-driver vfs --runtime runc exec bench-exec /bin/true | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/exec-podman"
done
m rm -f "$mid" >/dev/null
runc --root "$T/runc" delete -f bench-exec >/dev/null 2>&1
p rm -f -t 0 bench-exec >/dev/null 2>&1

# ---------------------------------------------------------------------------
say "bench: mocker ps with 100 containers running ($ROUNDS rounds of 10)"
ids=()
for _ in $(seq 100); do
	ids+=("$(m run -d "$IMG" sleep 600)")
done
[ "$(m ps -q | wc -l)" = 100 ] || say "not 100 running"
for _ in $(seq "$ROUNDS"); do
	"$BB/timeit" -q 10 "$B/mocker" --root "$S" ps | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/ps100"
	"$BB/timeit" -q 10 "$B/mocker" --root "$S" ps -a -q | median |
		awk '{printf "%.2f\n", $1 / 1000}' >> "$T/ps100q"
done
m stop -t 1 "${ids[@]}" >/dev/null
m rm "${ids[@]}" >/dev/null

# ---------------------------------------------------------------------------
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
mr=$(stats < "$T/mon-Rss") mp=$(stats < "$T/mon-Pss")
ir=$(stats < "$T/init-Rss") ip=$(stats < "$T/init-Pss")
cr=$(stats < "$T/conmon-Rss") cp=$(stats < "$T/conmon-Pss")
mu=$(stats < "$T/mon-Uss") iu=$(stats < "$T/init-Uss") cu=$(stats < "$T/conmon-Uss")
em=$(stats < "$T/exec-mocker") er=$(stats < "$T/exec-runc") ep=$(stats < "$T/exec-podman")
set -- $mr; mr1=$1; set -- $mp; mp1=$1; set -- $ir; ir1=$1; set -- $ip; ip1=$1
set -- $cr; cr1=$1; set -- $cp; cp1=$1
set -- $em; em1=$1; set -- $er; er1=$1; set -- $ep; ep1=$1
tr1=$((mr1 + ir1)) tp1=$((mp1 + ip1))
cat <<EOF

## Background containers: mocker run -d against Podman (conmon $(ver conmon), runc $(ver runc), podman $(ver podman))

Measured by \`bench/lifecycle.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); medians of the rounds with their
min–max. Memory: $IDLE idle containers of each kind running \`sleep 600\` at once (3 rounds),
the sum over the host-side processes divided by $IDLE. For mocker those are the monitor and the
watcher that kills the cgroup if the monitor is killed ($(median < "$T/nmon") processes for $IDLE
containers), and the container's init, mocker-init; for Podman it is conmon (runc has exited; the
payload runs as PID 1 without an init). Both of mocker's are the monitor program
(setup/monitor/, $(stat -c %s "$B/mocker-monitor") bytes, carried inside \`mocker\` and run from a sealed
memory file once the container started): a process of \`mocker\` itself would hold about 450 kB,
its text and read-only data mapped whole (the kernel maps file pages 64 kB around each fault).
RSS counts every page mapped, shared ones whole; PSS divides shared pages among their users;
USS is what the process alone holds.

| per idle container | mocker | Podman |
|---|---|---|
| monitor (+ watcher) RSS (kB) | $(fmt "$mr" 0) | conmon $(fmt "$cr" 0) |
| monitor (+ watcher) PSS (kB) | $(fmt "$mp" 0) | conmon $(fmt "$cp" 0) |
| monitor (+ watcher) USS, private pages (kB) | $(fmt "$mu" 0) | conmon $(fmt "$cu" 0) |
| init RSS / PSS / USS (kB) | $(fmt "$ir" 0) / $(fmt "$ip" 0) / $(fmt "$iu" 0) | none |
| \`exec NAME /bin/true\` (ms) | $(fmt "$em" 2) | podman exec $(fmt "$ep" 2); runc exec $(fmt "$er" 2) |
| \`mocker ps\` with 100 running (ms) | $(fmt "$(stats < "$T/ps100")" 2); \`ps -a -q\` $(fmt "$(stats < "$T/ps100q")" 2) | |

| target | measured | verdict |
|---|---|---|
| monitor RSS ≤ 1/5 of conmon's | $mr1 + init $ir1 = $tr1 kB vs $cr1 kB, ratio $(ratio "$tr1" "$cr1") | $(verdict le "$tr1" "$(awk -v c="$cr1" 'BEGIN {printf "%.0f", c / 5}')") |
| monitor PSS below conmon's | $mp1 + init $ip1 = $tp1 kB vs $cp1 kB, ratio $(ratio "$tp1" "$cp1") | $(verdict lt "$tp1" "$cp1") |
| exec below runc exec | $em1 vs $er1 ms, ratio $(ratio "$em1" "$er1") | $(verdict lt "$em1" "$er1") |
| exec below podman exec | $em1 vs $ep1 ms, ratio $(ratio "$em1" "$ep1") | $(verdict lt "$em1" "$ep1") |
EOF
