#!/bin/sh
# images/appliance/build.sh BUSYBOX_IMAGE_DIR OUTDIR
#
# An appliance container: the busybox image whose mocker-init, given no
# command, supervises two services from /etc/mocker/services: busybox httpd
# serving /var/www on port 80 (ready when it answers, checked every 10 s
# with mocker-init probe), and a heartbeat writing /run/heartbeat every
# second once httpd is ready; the log lines of both prefixed with their
# names (log-prefix).
# Written to OUTDIR/rootfs, reproducibly.
set -eu

base=${1:?usage: build.sh BUSYBOX_IMAGE_DIR OUTDIR}
out=${2:?usage: build.sh BUSYBOX_IMAGE_DIR OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=images/busybox/files.sh
. "$here/../busybox/files.sh"

tmp=$out/rootfs.new
rm -rf "$tmp"
mkdir -p "$out"
cp -a "$base/rootfs" "$tmp"
write_etc "$tmp" appliance
mkdir -p "$tmp/etc/mocker/services" "$tmp/var/www"
# each service's run, and its settings (mocker-init(8)): httpd says when
# it is ready and has a health check; heartbeat needs httpd
for svc in httpd heartbeat; do
	mkdir -p "$tmp/etc/mocker/services/$svc"
	for f in "$here/files/services/$svc"/*; do
		mode=644
		[ "${f##*/}" = run ] && mode=755
		install -m "$mode" "$f" "$tmp/etc/mocker/services/$svc/${f##*/}"
	done
done
install -m 644 "$here/files/index.html" "$tmp/var/www/index.html"
make_reproducible "$tmp"
rm -rf "$out/rootfs"
mv "$tmp" "$out/rootfs"
touch "$out/.stamp"
