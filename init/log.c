#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "errstr.h"
#include "log.h"
#include "num.h"
#include "sig.h"

int log_verbosity = VERBOSITY_DEFAULT;

int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				sig_drop_pipe();
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

struct line {
	char buf[512];
	size_t len;
};

static void
line_add(struct line *l, const char *s, size_t n)
{
	size_t room = sizeof l->buf - 1 - l->len; /* keep one byte for '\n' */
	if (n > room)
		n = room;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void
line_str(struct line *l, const char *s)
{
	line_add(l, s ? s : "(null)", strlen(s ? s : "(null)"));
}

static void
vsay(int level, const char *fmt, va_list ap, int err)
{
	struct line l = { .len = 0 };
	char num[ERRSTR_BUFSZ];

	if (level > log_verbosity && level != LOG_ERROR)
		return;
	if (level != LOG_OUT)
		line_str(&l, PROG ": ");
	if (level == LOG_WARN)
		line_str(&l, "warning: ");
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			line_add(&l, fmt, 1);
			continue;
		}
		switch (*++fmt) {
		case 's': line_str(&l, va_arg(ap, const char *)); break;
		case 'd': line_str(&l, fmt_long(num, va_arg(ap, int))); break;
		case 'u': line_str(&l, fmt_ulong(num, va_arg(ap, unsigned))); break;
		case 'm': line_str(&l, errstr(err, num)); break;
		default: line_add(&l, fmt, 1); break;
		}
	}
	l.buf[l.len++] = '\n';
	write_all(level == LOG_OUT ? 1 : 2, l.buf, l.len);
}

void
log_say(int level, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vsay(level, fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
die(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vsay(LOG_ERROR, fmt, ap, err);
	va_end(ap);
	_exit(code);
}
