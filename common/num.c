#include "num.h"

int
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
parse_seconds_ms(const char *s, unsigned long max_s, unsigned long long *ms)
{
	unsigned long long whole = 0, frac = 0;
	unsigned scale = 100, digits = 0;

	if (!s || !*s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		whole = whole * 10 + (unsigned)(*s - '0');
		if (whole > max_s)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			frac += (unsigned)(*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s || !digits)
		return -1;
	*ms = whole * 1000 + frac;
	return 0;
}

char *
fmt_ulong(char *buf, unsigned long v)
{
	/* cppcheck-suppress ctuPointerArith ; buf holds NUM_BUFSZ bytes */
	char *p = buf + NUM_BUFSZ - 1;

	*p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

char *
fmt_long(char *buf, long v)
{
	/* the digits end buf, at most 21 bytes of 24: room for the sign */
	char *p = fmt_ulong(buf, v < 0 ? -(unsigned long)v : (unsigned long)v);

	if (v < 0)
		*--p = '-';
	return p;
}
