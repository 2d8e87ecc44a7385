#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int log_quiet;
int log_verbose;
static void (*at_exit[4])(void);
static int nat_exit;

void
log_at_exit(void (*fn)(void))
{
	if (nat_exit < 4)
		at_exit[nat_exit++] = fn;
}

static void
run_at_exit(void)
{
	while (nat_exit > 0)
		at_exit[--nat_exit]();
}

/* One write per message, so lines from the container and from us never mix.
 * errno is left as it was. */
static void
vline(const char *prefix, const char *fmt, va_list ap, int err)
{
	int saved = errno;
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "mocker: %s", prefix);

	n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	if (err)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ": %s", strerror(err));
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
	errno = saved;
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	vline("warning: ", fmt, ap, 0);
	va_end(ap);
}

void
report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap, 0);
	va_end(ap);
}

void
note(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vline("", fmt, ap, 0);
	va_end(ap);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap, 0);
	va_end(ap);
	run_at_exit();
	_exit(code);
}

void
die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap, err);
	va_end(ap);
	run_at_exit();
	_exit(code);
}
