#!/bin/sh
# make run: the busybox image under mocker, with mocker-init as PID 1, and
# what to compare it with on the host.
set -eu
mocker=${1:?usage: demo-run.sh MOCKER ROOTFS}
rootfs=${2:?usage: demo-run.sh MOCKER ROOTFS}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "== on the host"
echo "hostname:        $(hostname)"
echo "mount points:    $(wc -l < /proc/self/mountinfo), among them $(awk '{print $5}' /proc/self/mountinfo | grep -v '^/$' | head -n 3 | tr '\n' ' ')..."
echo "processes:       $(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)"
echo "== in the container: $mocker run $rootfs sh /usr/share/mocker/demo.sh"
status=0
"$mocker" run "$rootfs" sh /usr/share/mocker/demo.sh | tee "$out" || status=$?
# The container has its own /, /proc, /sys and /dev; of the host's other
# mount points none may show.
inside=$(sed -n 's/^mount points: *//p' "$out")
seen=0 total=0
# shellcheck disable=SC2013 # mount points are words here (no blanks in them)
for m in $(awk '{print $5}' /proc/self/mountinfo); do
	case $m in /|/proc|/sys|/dev) continue ;; esac
	total=$((total + 1))
	case " $inside " in *" $m "*) seen=$((seen + 1)) ;; esac
done
echo "== the host's other mount points seen inside: $seen of $total"
echo "== exit status $status; for a shell: $mocker run $rootfs"
exit "$status"
