#!/bin/bash
# bench/run.sh: mocker-init and mocker against tini, tini-static, dumb-init,
# catatonit, bubblewrap, crun and runc, measured side by side in one run
# (peers and ours interleaved, round after round, since the machine is
# noisy), written to docs/BENCHMARKS.md with the machine, the versions and
# the date; bench/lifecycle.sh adds background containers against Podman's
# conmon, runc exec and podman exec, bench/network.sh --net private and -p
# against Podman's networks, bench/images.sh images against Podman and
# umoci, bench/oci.sh mocker-runc against crun and runc. Each figure is
# the median of the rounds, with their min-max.
# BENCH_ROUNDS (default 5) sets the rounds; BENCH_OUT the output file.
# Fields of a helper's output are split on purpose: set -- $(helper).
# shellcheck disable=SC2046,SC2086
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
# shellcheck source=tests/packages.sh
. tests/packages.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_packages tini dumb-init catatonit bubblewrap crun runc hyperfine umoci jq util-linux procps || exit 1

B=$top/build
BB=$B/bench
IMG=$B/images/busybox/rootfs
ROUNDS=${BENCH_ROUNDS:-5}
OUT=${BENCH_OUT:-$top/docs/BENCHMARKS.md}
T=$(mktemp -d /tmp/mocker-bench.XXXXXX)
chmod 755 "$T"
trap 'cleanup' EXIT INT TERM

cleanup() {
	pkill -KILL -f "$T" 2>/dev/null
	umount -l "$T"/* 2>/dev/null
	rm -rf "$T"
}

INITS="mocker-init tini tini-static dumb-init catatonit"
init_path() {
	case $1 in
	mocker-init) echo "$B/mocker-init" ;;
	*) command -v "$1" ;;
	esac
}
PEERS="tini tini-static dumb-init catatonit"

put() { # KEY VALUE...: results kept in $T/results
	printf '%s %s\n' "$1" "${*:2}" >> "$T/results"
}
get() {
	awk -v k="$1" '$1 == k {$1 = ""; print substr($0, 2)}' "$T/results" | tail -n 1
}
# the peers' best (lowest) median of KEY-PEER
best_peer() {
	local key=$1 p best="" who=""
	for p in $PEERS; do
		local m
		m=$(get "$key-$p" | cut -d' ' -f1)
		[ -n "$m" ] || continue
		if [ -z "$best" ] || awk -v a="$m" -v b="$best" 'BEGIN {exit !(a < b)}'; then
			best=$m who=$p
		fi
	done
	echo "$best $who"
}

# ---------------------------------------------------------------------------
say "bench: size"
for i in $INITS; do
	p=$(init_path "$i")
	put "size-$i" "$(stat -L -c %s "$p")" "$(file -L "$p" | grep -q 'statically linked' && echo static || echo dynamic)"
done

# ---------------------------------------------------------------------------
say "bench: idle footprint (all inits at once, 10 s a round, 3 rounds)"
for _ in 1 2 3; do
	declare -A upid=()
	for i in $INITS; do
		setsid unshare -p -f --mount-proc "$(init_path "$i")" -- sleep 600 >/dev/null 2>&1 &
		upid[$i]=$!
	done
	declare -A ipid=() c0=()
	for i in $INITS; do
		for k in $(seq 500); do
			ipid[$i]=$(pgrep -P "${upid[$i]}" | head -n 1)
			[ -n "${ipid[$i]}" ] && [ -n "$(pgrep -P "${ipid[$i]}")" ] && break
			sleep 0.01
		done
	done
	sleep 1
	for i in $INITS; do
		p=${ipid[$i]}
		awk '/^VmRSS/ {print $2}' /proc/$p/status >> "$T/rss-$i"
		awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup >> "$T/pss-$i"
		c0[$i]=$(awk '/ctxt_switches/ {n += $2} END {print n}' /proc/$p/status)
	done
	sleep 10
	for i in $INITS; do
		p=${ipid[$i]}
		c1=$(awk '/ctxt_switches/ {n += $2} END {print n}' /proc/$p/status)
		echo $((c1 - c0[$i])) >> "$T/wake-$i"
		kill -KILL "$p" "${upid[$i]}" 2>/dev/null
	done
	wait 2>/dev/null
	unset upid ipid c0
done
for i in $INITS; do
	put "rss-$i" "$(stats < "$T/rss-$i")"
	put "pss-$i" "$(stats < "$T/pss-$i")"
	put "wake-$i" "$(stats < "$T/wake-$i")"
done

# ---------------------------------------------------------------------------
say "bench: startup overhead ($ROUNDS rounds of 30 runs each)"
for _ in $(seq "$ROUNDS"); do
	base=$("$BB/timeit" 30 unshare -p -f --mount-proc /bin/true | median)
	for i in $INITS; do
		m=$("$BB/timeit" 30 unshare -p -f --mount-proc "$(init_path "$i")" -- /bin/true | median)
		awk -v a="$m" -v b="$base" 'BEGIN {printf "%.3f\n", (a - b) / 1000}' >> "$T/start-$i"
	done
	awk -v b="$base" 'BEGIN {printf "%.3f\n", b / 1000}' >> "$T/start-base"
done
put "start-base" "$(stats < "$T/start-base")"
for i in $INITS; do
	put "start-$i" "$(stats < "$T/start-$i")"
done

# ---------------------------------------------------------------------------
say "bench: reaping (20000 orphans exiting, 10000 in a burst; 3 rounds)"
for _ in 1 2 3; do
	for i in $INITS; do
		out=$(unshare -p -f --mount-proc "$(init_path "$i")" -- "$BB/reap" exit 20000 2>/dev/null)
		set -- $out
		echo "$2" >> "$T/reapms-$i"; echo "$4" >> "$T/reapz-$i"
		awk -v n="$6" 'BEGIN {printf "%.2f\n", n / 1000}' >> "$T/reapcpu-$i"
		echo "$8" >> "$T/reapctx-$i"
		out=$(unshare -p -f --mount-proc "$(init_path "$i")" -- "$BB/reap" burst 10000 2>/dev/null)
		set -- $out
		echo "$2" >> "$T/burst-$i"; echo "$4" >> "$T/burstz-$i"
		awk -v n="$6" 'BEGIN {printf "%.2f\n", n / 1000}' >> "$T/burstcpu-$i"
	done
done
for i in $INITS; do
	for k in reapms reapz reapcpu reapctx burst burstz burstcpu; do
		put "$k-$i" "$(stats < "$T/$k-$i")"
	done
done

# ---------------------------------------------------------------------------
say "bench: signal latency ($ROUNDS rounds of 1000 signals, unpinned and pinned)"
for _ in $(seq "$ROUNDS"); do
	for i in $INITS; do
		set -- $("$BB/siglat" -n 1000 "$(init_path "$i")" 2>/dev/null)
		echo "$2" >> "$T/sig-$i"
		set -- $(taskset -c 0 "$BB/siglat" -n 1000 "$(init_path "$i")" 2>/dev/null)
		echo "$2" >> "$T/sigpin-$i"
		echo "$8" >> "$T/sigcpu-$i"
	done
	set -- $("$BB/siglat" -d -n 1000 "$B/mocker-init" 2>/dev/null)
	echo "$2" >> "$T/sig-direct"
	set -- $(taskset -c 0 "$BB/siglat" -d -n 1000 "$B/mocker-init" 2>/dev/null)
	echo "$2" >> "$T/sigpin-direct"
done
for i in $INITS direct; do
	put "sig-$i" "$(stats < "$T/sig-$i")"
	put "sigpin-$i" "$(stats < "$T/sigpin-$i")"
done
for i in $INITS; do
	put "sigcpu-$i" "$(stats < "$T/sigcpu-$i")"
done

# ---------------------------------------------------------------------------
say "bench: shutdown after the payload exits (0, 10, 100 leftovers; $ROUNDS rounds)"
for _ in $(seq "$ROUNDS"); do
	for k in 0 10 100; do
		for i in $INITS; do
			set -- $("$BB/shutdown" "$(init_path "$i")" -- "$k" 2>/dev/null)
			echo "$2" >> "$T/shut$k-$i"
		done
	done
done
for k in 0 10 100; do
	for i in $INITS; do
		put "shut$k-$i" "$(stats < "$T/shut$k-$i")"
	done
done

# ---------------------------------------------------------------------------
say "bench: launchers ($ROUNDS rounds of 20 runs; 100 in parallel, 3 rounds)"
bundle=$T/bundle
umoci unpack --image "$B/images/busybox/oci:latest" "$bundle" >/dev/null 2>&1
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$bundle/config.json" > "$T/c.json" &&
	mv "$T/c.json" "$bundle/config.json"
touch "$T/empty"
LAUNCHERS="mocker unshare-chroot bwrap crun runc"
# crun 1.8 refuses hybrid cgroups: the whole timing loop runs in a mount
# namespace where the unified tree shows none (no wrapper in each run).
launch() { # NAME N
	case $1 in
	mocker) "$BB/timeit" "$2" "$B/mocker" run -q "$IMG" /bin/true ;;
	unshare-chroot) "$BB/timeit" "$2" unshare -p -f -m -u --mount-proc="$IMG/proc" chroot "$IMG" /bin/true ;;
	bwrap) "$BB/timeit" "$2" bwrap --unshare-all --die-with-parent --bind "$IMG" / --proc /proc --dev /dev /bin/true ;;
	crun) # shellcheck disable=SC2016 # arguments of the inner sh
		unshare -m sh -c 'mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers; shift
		exec "$@"' sh "$T/empty" "$BB/timeit" "$2" crun --root "$T/crun" run -b "$bundle" bench-crun ;;
	runc) "$BB/timeit" "$2" runc --root "$T/runc" run -b "$bundle" bench-runc ;;
	esac
}
parallel() { # NAME: wall ms for 100 at once
	local start end
	start=$(date +%s%N)
	case $1 in
	crun) # shellcheck disable=SC2016 # arguments of the inner sh
		unshare -m sh -c 'mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers
		for n in $(seq 100); do crun --root "$2" run -b "$3" "p$n" & done; wait' sh "$T/empty" "$T/crun" "$bundle" ;;
	runc) for n in $(seq 100); do runc --root "$T/runc" run -b "$bundle" "p$n" & done; wait ;;
	mocker) for n in $(seq 100); do "$B/mocker" run -q "$IMG" /bin/true & done; wait ;;
	unshare-chroot) for n in $(seq 100); do unshare -p -f -m -u --mount-proc="$IMG/proc" chroot "$IMG" /bin/true & done; wait ;;
	bwrap) for n in $(seq 100); do bwrap --unshare-all --die-with-parent --bind "$IMG" / --proc /proc --dev /dev /bin/true & done; wait ;;
	esac >/dev/null 2>&1
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}
for _ in $(seq "$ROUNDS"); do
	for l in $LAUNCHERS; do
		launch "$l" 20 2>/dev/null | median | awk '{printf "%.3f\n", $1 / 1000}' >> "$T/launch-$l"
	done
done
for _ in 1 2 3; do
	for l in $LAUNCHERS; do
		parallel "$l" >> "$T/par-$l"
	done
done
for l in $LAUNCHERS; do
	put "launch-$l" "$(stats < "$T/launch-$l")"
	put "par-$l" "$(stats < "$T/par-$l")"
done
# A cross-check with hyperfine (not interleaved: one command after the other).
hyperfine -N -w 5 -r 100 --export-json "$T/hf.json" \
	"$B/mocker run -q $IMG /bin/true" \
	"unshare -p -f -m -u --mount-proc=$IMG/proc chroot $IMG /bin/true" \
	"bwrap --unshare-all --die-with-parent --bind $IMG / --proc /proc --dev /dev /bin/true" \
	>/dev/null 2>&1 &&
	put hyperfine "$(jq -r '[.results[] | "\(.median * 1000 | . * 100 | round / 100)"] | join(" ")' "$T/hf.json")"

# ---------------------------------------------------------------------------
say "bench: writing $OUT"
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'); every figure"
	echo "is the median of $ROUNDS rounds (3 for idle, reaping and the parallel launch)"
	echo "with the rounds' min–max, peers and ours interleaved within each round."
	echo
	echo "Machine: $(uname -sr), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory. Versions: mocker $(git rev-parse --short HEAD 2>/dev/null),"
	echo "tini $(ver tini), dumb-init $(ver dumb-init), catatonit $(ver catatonit),"
	echo "bubblewrap $(ver bubblewrap), crun $(ver crun), runc $(ver runc), util-linux $(ver util-linux)."
	echo
	echo "## Inits"
	echo
	echo "| | $(echo $INITS | tr " " "|" | sed "s/|/ | /g") |"
	echo "|---|$(for i in $INITS; do printf -- '---|'; done)"
	printf '| size (bytes) |'; for i in $INITS; do set -- $(get "size-$i"); printf ' %s %s |' "$1" "$2"; done; echo
	printf '| idle VmRSS (kB) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "rss-$i")" 0)"; done; echo
	printf '| idle Pss (kB) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "pss-$i")" 0)"; done; echo
	printf '| context switches in 10 s idle |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "wake-$i")" 0)"; done; echo
	printf '| startup overhead (ms) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "start-$i")" 3)"; done; echo
	printf '| 20000 orphans exiting: total (ms) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "reapms-$i")" 0)"; done; echo
	printf '| … zombies left |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "reapz-$i")" 0)"; done; echo
	printf '| … init CPU per orphan (µs) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "reapcpu-$i")" 2)"; done; echo
	printf '| … init context switches per orphan |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "reapctx-$i")" 3)"; done; echo
	printf '| burst of 10000: release to last reaped (ms) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "burst-$i")" 1)"; done; echo
	printf '| … init CPU per orphan (µs) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "burstcpu-$i")" 2)"; done; echo
	printf '| signal latency, unpinned (µs) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "sig-$i")" 1)"; done; echo
	printf '| signal latency, pinned to one CPU (µs) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "sigpin-$i")" 1)"; done; echo
	printf '| … init CPU per forwarded signal, pinned (µs) |'; for i in $INITS; do printf ' %s |' "$(fmt "$(get "sigcpu-$i")" 2)"; done; echo
	for k in 0 10 100; do
		printf '| shutdown with %s leftovers (ms) |' "$k"; for i in $INITS; do printf ' %s |' "$(fmt "$(get "shut$k-$i")" 2)"; done; echo
	done
	echo
	echo "Startup overhead: \`unshare -p -f --mount-proc INIT -- /bin/true\` minus"
	echo "\`unshare -p -f --mount-proc /bin/true\` ($(fmt "$(get start-base)" 3) ms). Signal latency:"
	echo "from \`kill(init, SIGUSR1)\` to the payload's handler; sent straight to the payload it is"
	echo "$(fmt "$(get sig-direct)" 1) µs unpinned and $(fmt "$(get sigpin-direct)" 1) µs pinned. The peers do"
	echo "no graceful shutdown: their leftovers are SIGKILLed by the kernel when they exit;"
	echo "mocker-init sends SIGTERM and waits for them (here they exit at once)."
	echo
	echo "Pinned to one CPU, every init's latency falls in one of two modes, about 6.5–7 µs"
	echo "or about 8 µs, run by run: which one is decided by the scheduler (EEVDF wakeup"
	echo "preemption between sender, init and payload), not by the init's code, whose own"
	echo "cost per forwarded signal is the line below it (two system calls: rt_sigtimedwait"
	echo "and kill). The pinned-latency verdict can flip between runs for that reason."
	echo
	echo "## Launchers: a container running /bin/true on the busybox image"
	echo
	echo "| | $(echo $LAUNCHERS | tr " " "|" | sed "s/|/ | /g") |"
	echo "|---|$(for l in $LAUNCHERS; do printf -- '---|'; done)"
	printf '| one run (ms) |'; for l in $LAUNCHERS; do printf ' %s |' "$(fmt "$(get "launch-$l")" 2)"; done; echo
	printf '| 100 in parallel, wall (ms) |'; for l in $LAUNCHERS; do printf ' %s |' "$(fmt "$(get "par-$l")" 0)"; done; echo
	echo
	set -- $(get hyperfine)
	[ $# = 3 ] && echo "hyperfine's medians for the first three, run one after the other: $1, $2 and $3 ms."
	[ $# = 3 ] && echo
	echo "mocker: \`mocker run IMG /bin/true\` (PID, mount, UTS, IPC, network, cgroup namespaces, mocker-init"
	echo "as PID 1 from a sealed memfd copy, masks, capabilities, the seccomp allowlist, a lifetime cgroup with its watcher, its own /dev nodes, /etc/hosts, hostname and resolv.conf, a session keyring). bwrap: \`--unshare-all --die-with-parent --bind IMG /"
	echo "--proc /proc --dev /dev\`. crun and runc: a bundle unpacked from the image by umoci. unshare-chroot:"
	echo "\`unshare -p -f -m -u --mount-proc chroot IMG\`, which isolates far less (no network, IPC or cgroup"
	echo "namespace, no pivot_root, masks or seccomp)."
	echo
	echo "## Targets"
	echo
	echo "| target | measured | verdict |"
	echo "|---|---|---|"
	s=$(get size-mocker-init | cut -d' ' -f1)
	echo "| mocker-init ≤ 32 KiB static | $s bytes, $(get size-mocker-init | cut -d' ' -f2) | $(verdict le "$s" 32768) |"
	m=$(get rss-mocker-init | cut -d' ' -f1)
	echo "| idle VmRSS ≤ 200 kB | $m kB | $(verdict le "$m" 200) |"
	m=$(get wake-mocker-init | cut -d' ' -f3)
	echo "| zero idle wakeups | $m in 10 s (max of rounds) | $(verdict le "$m" 0) |"
	for key in start sigpin reapcpu; do
		m=$(get "$key-mocker-init" | cut -d' ' -f1)
		set -- $(best_peer "$key")
		case $key in
		start) what="startup overhead below every peer (ms)" ;;
		sigpin) what="pinned signal latency below every peer (µs)" ;;
		reapcpu) what="reaping CPU per orphan below every peer (µs)" ;;
		esac
		echo "| $what | $m vs $1 ($2), ratio $(ratio "$m" "$1") | $(verdict lt "$m" "$1") |"
	done
	m=$(get shut100-mocker-init | cut -d' ' -f1)
	echo "| shutdown within 5 ms of the last process exiting (100 leftovers) | $m ms | $(verdict le "$m" 5) |"
	m=$(get launch-mocker | cut -d' ' -f1); b=$(get launch-bwrap | cut -d' ' -f1); u=$(get launch-unshare-chroot | cut -d' ' -f1)
	echo "| mocker run faster than bwrap | $m vs $b ms, ratio $(ratio "$m" "$b") | $(verdict lt "$m" "$b") |"
	echo "| mocker run within 10% of unshare+chroot | $m vs $u ms, ratio $(ratio "$m" "$u") | $(verdict le "$(ratio "$m" "$u")" 1.10) |"
} > "$OUT.new"
bash bench/lifecycle.sh >> "$OUT.new" || say "bench/lifecycle.sh failed"
bash bench/network.sh >> "$OUT.new" || say "bench/network.sh failed"
bash bench/images.sh >> "$OUT.new" || say "bench/images.sh failed"
bash bench/oci.sh >> "$OUT.new" || say "bench/oci.sh failed"
mv "$OUT.new" "$OUT"
cat "$OUT"
