#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int log_quiet;
int log_verbose;
int log_fd = -1;
int log_json;
const char *log_name = "mocker";
int log_setup_status = EXIT_SETUP;
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

/* --log FILE: the line again, as text or as runc's JSON ({"level",
 * "msg", "time"}), which conmon and containerd's shim read when a runtime
 * fails. */
static void
log_to_file(const char *msg, size_t n, const char *level)
{
	char buf[2600], stamp[40];
	size_t i, k = 0;
	time_t t = time(NULL);
	struct tm tm;

	if (!log_json) {
		k = (size_t)snprintf(buf, sizeof buf, "%.*s\n", (int)n, msg);
	} else {
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		k = (size_t)snprintf(buf, sizeof buf, "{\"level\":\"%s\",\"msg\":\"", level);
		for (i = 0; i < n && k < sizeof buf - 64; i++) {
			unsigned char c = (unsigned char)msg[i];
			if (c == '"' || c == '\\')
				k += (size_t)snprintf(buf + k, sizeof buf - k, "\\%c", c);
			else if (c < 0x20)
				k += (size_t)snprintf(buf + k, sizeof buf - k, "\\u%04x", c);
			else
				buf[k++] = (char)c;
		}
		k += (size_t)snprintf(buf + k, sizeof buf - k, "\",\"time\":\"%s\"}\n", stamp);
	}
	if (write(log_fd, buf, k) < 0) {
		/* nowhere left to say it */
	}
}

/* One write per message, so lines from the container and from us never mix.
 * errno is left as it was. */
static void
vline(const char *prefix, const char *fmt, va_list ap, int err)
{
	int saved = errno;
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "%s: %s", log_name, prefix);

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
	if (log_fd >= 0)
		log_to_file(buf + strlen(log_name) + 2, (size_t)n - strlen(log_name) - 3,
		            *prefix ? "warning" : "error");
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
	_exit(code == EXIT_SETUP ? log_setup_status : code);
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
	_exit(code == EXIT_SETUP ? log_setup_status : code);
}
