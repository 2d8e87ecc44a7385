# shellcheck shell=bash
# bench/lib.sh: what the benchmark scripts share: progress, statistics of
# the rounds, and the verdicts' arithmetic.

say() { printf '%s\n' "$*" >&2; }

# stats: numbers on stdin -> "median min max"
stats() {
	sort -g | awk '{a[NR] = $1} END {
		if (NR == 0) { print "nan nan nan"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		print m, a[1], a[NR] }'
}
median() { stats | cut -d' ' -f1; }
# fmt "median min max" DIGITS -> "m (min–max)"
fmt() {
	awk -v d="$2" '{printf "%.*f (%.*f–%.*f)", d, $1, d, $2, d, $3}' <<< "$1"
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
# verdict CMD...: "pass" when CMD holds
verdict() { if "$@"; then echo pass; else echo "**miss**"; fi; }
