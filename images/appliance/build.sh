#!/bin/sh
# images/appliance/build.sh BUSYBOX_IMAGE_DIR OUTDIR
#
# An appliance container: the busybox image whose mocker-init, given no
# command, supervises two services from /etc/mocker/services: busybox httpd
# serving /var/www on port 80, and a heartbeat writing /run/heartbeat every
# second. Written to OUTDIR/rootfs, reproducibly.
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
for svc in httpd heartbeat; do
	mkdir -p "$tmp/etc/mocker/services/$svc"
	install -m 755 "$here/files/services/$svc/run" "$tmp/etc/mocker/services/$svc/run"
done
install -m 644 "$here/files/index.html" "$tmp/var/www/index.html"
make_reproducible "$tmp"
rm -rf "$out/rootfs"
mv "$tmp" "$out/rootfs"
touch "$out/.stamp"
