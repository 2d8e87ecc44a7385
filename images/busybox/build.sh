#!/bin/sh
# images/busybox/build.sh INIT OUTDIR
#
# The test root filesystem, from Debian's busybox-static: busybox and its
# applet links, /etc/passwd, /etc/group, /etc/hostname, empty /proc /dev
# /sys /tmp /run, and /sbin/init = INIT (our mocker-init). Written to
# OUTDIR/rootfs; reproducible: fixed owners, modes and times.
set -eu

init=${1:?usage: build.sh INIT OUTDIR}
out=${2:?usage: build.sh INIT OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=images/busybox/files.sh
. "$here/files.sh"

busybox=/bin/busybox
if ! [ -x "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
	ensure_package busybox-static
fi

tmp=$out/rootfs.new
rm -rf "$tmp"
mkdir -p "$tmp"
for d in bin sbin usr/bin usr/sbin etc root proc dev sys tmp run var/tmp home \
	usr/share/mocker; do
	mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"

cp "$busybox" "$tmp/bin/busybox"
chmod 755 "$tmp/bin/busybox"
# Applet links, relative so that they work from any root; /sbin/init is ours.
"$busybox" --list-full | sort | while read -r applet; do
	case $applet in
	sbin/init|bin/busybox) continue ;;
	esac
	dir=$(dirname "$applet")
	rel=$(echo "$dir" | sed 's|[^/][^/]*|..|g')
	[ -e "$tmp/$applet" ] || ln -s "$rel/bin/busybox" "$tmp/$applet"
done
cp "$init" "$tmp/sbin/init"
chmod 755 "$tmp/sbin/init"

write_etc "$tmp" busybox
install -m 755 "$here/files/demo.sh" "$tmp/usr/share/mocker/demo.sh"

make_reproducible "$tmp"
rm -rf "$out/rootfs"
mv "$tmp" "$out/rootfs"
touch "$out/.stamp"
