/* Number parsing and formatting without stdio. */
#ifndef MOCKER_COMMON_NUM_H
#define MOCKER_COMMON_NUM_H

#define NUM_BUFSZ 24 /* a 64-bit number, its sign, and one spare */

/* Decimal digits only, no sign or blanks, value <= max. 0 ok, -1 bad. */
int parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* Seconds with an optional fraction ("5", "0.25", ".5"), into milliseconds
 * (finer digits are dropped); at most max_s seconds. 0 ok, -1 bad. */
int parse_seconds_ms(const char *s, unsigned long max_s, unsigned long long *ms);

/* Return buf, which must hold NUM_BUFSZ bytes. */
char *fmt_ulong(char *buf, unsigned long v);
char *fmt_long(char *buf, long v);

#endif
