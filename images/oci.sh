#!/bin/sh
# images/oci.sh IMAGE_DIR NAME [CMD]...
#
# Writes IMAGE_DIR/rootfs as an OCI image: the layout IMAGE_DIR/oci (tag
# latest) and the archive IMAGE_DIR/NAME.tar (named localhost/NAME:latest,
# what `podman load` and `skopeo inspect oci-archive:` read), with
# /sbin/init as the entrypoint and CMD as the command. Built with umoci and
# skopeo from Debian: no hand-made JSON or digests.
set -eu
dir=${1:?usage: oci.sh IMAGE_DIR NAME [CMD]...}
name=${2:?usage: oci.sh IMAGE_DIR NAME [CMD]...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=images/busybox/files.sh
. "$here/busybox/files.sh"
ensure_package umoci
ensure_package skopeo

# Fixed dates, so that the same tree gives the same image.
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%dT%H:%M:%SZ)
layout=$dir/oci.new
rm -rf "$layout" "$dir/$name.tar.new"
umoci init --layout "$layout"
umoci new --image "$layout:latest"
umoci insert --image "$layout:latest" --history.created "$date" \
	--history.created_by "images/oci.sh" "$dir/rootfs" /
# one --config.cmd per word of CMD, each kept whole (spaces and all)
for c in "$@"; do
	set -- "$@" --config.cmd "$c"
	shift
done
set -- --config.entrypoint /sbin/init "$@"
umoci config --image "$layout:latest" --created "$date" --history.created "$date" \
	--author "mocker" --config.label "org.opencontainers.image.title=$name" "$@"
umoci gc --layout "$layout"
skopeo copy --quiet "oci:$layout:latest" "oci-archive:$dir/$name.tar.new:localhost/$name:latest"
rm -rf "$dir/oci"
mv "$layout" "$dir/oci"
mv "$dir/$name.tar.new" "$dir/$name.tar"
touch "$dir/.oci-stamp"
