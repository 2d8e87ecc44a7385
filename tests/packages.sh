# shellcheck shell=sh
# ensure_packages PKG...: installs the Debian packages that are missing, as
# root; otherwise says what to install. 0, or 1 after one line on stderr.
# The one package installer of the project: the Makefile's toolchain and
# images, the tests and the benchmarks all use it.
ensure_packages() {
	missing=
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		echo "missing packages; run as root: apt-get install -y$missing" >&2
		return 1
	fi
	echo "installing$missing" >&2
	# shellcheck disable=SC2086 # $missing: a list of names
	if ! { apt-get install -y -qq $missing || { apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; }; } >/dev/null 2>&1; then
		echo "apt-get install$missing failed" >&2
		return 1
	fi
}
