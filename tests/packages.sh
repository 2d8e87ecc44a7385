# ensure_packages PKG...: install missing Debian packages as root.
ensure_packages() {
	missing=
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		echo "tests: missing packages; run as root: apt-get install -y$missing" >&2
		return 1
	fi
	echo "tests: installing$missing" >&2
	if ! { apt-get install -y -qq $missing || { apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; }; } >/dev/null 2>&1; then
		echo "tests: apt-get install$missing failed" >&2
		return 1
	fi
}
