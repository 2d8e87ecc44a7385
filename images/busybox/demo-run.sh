#!/bin/sh
# make run: the busybox image under mocker, with mocker-init as PID 1, and
# what to compare it with on the host.
set -eu
mocker=${1:?usage: demo-run.sh MOCKER ROOTFS}
rootfs=${2:?usage: demo-run.sh MOCKER ROOTFS}

echo "== on the host"
echo "hostname:        $(hostname)"
echo "mounts visible:  $(wc -l < /proc/self/mountinfo)"
echo "processes:       $(ls -d /proc/[0-9]* | wc -l)"
echo "== in the container: $mocker run $rootfs sh /usr/share/mocker/demo.sh"
"$mocker" run "$rootfs" sh /usr/share/mocker/demo.sh
status=$?
echo "== exit status $status; for a shell: $mocker run $rootfs"
