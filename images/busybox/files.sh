# shellcheck shell=sh
# Shared by the image builders: packages, /etc files, reproducible trees.

# shellcheck source=tests/packages.sh
# shellcheck disable=SC2154 # $top: the checkout, set by the caller
. "$top/tests/packages.sh"

# ensure_package PKG: the package, or exit 1 with one line.
ensure_package() {
	ensure_packages "$1" || exit 1
}

# write_etc ROOT HOSTNAME: the accounts the tests and the appliance use.
write_etc() {
	cat > "$1/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
	cat > "$1/etc/group" <<GROUP
root:x:0:
daemon:x:1:
tty:x:5:
audio:x:29:user
www-data:x:33:
users:x:100:user,nobody
user:x:1000:
nogroup:x:65534:
GROUP
	echo "$2" > "$1/etc/hostname"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$1/etc/hosts"
	# mocker binds its own over these three; with them in the image it
	# needs to make no mount point there
	: > "$1/etc/resolv.conf"
	chmod 644 "$1/etc/passwd" "$1/etc/group" "$1/etc/hostname" "$1/etc/hosts" \
		"$1/etc/resolv.conf"
	mkdir -p "$1/home/user"
	chown 1000:1000 "$1/home/user"
}

# make_reproducible ROOT: the same tree, byte for byte and time for time,
# on every build.
make_reproducible() {
	find "$1" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
}
