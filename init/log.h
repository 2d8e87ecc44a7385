/* Messages on stderr through write(2): no stdio in the init. */
#ifndef MOCKER_INIT_LOG_H
#define MOCKER_INIT_LOG_H

#include <stddef.h>

enum { LOG_OUT = -1, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern int log_verbosity;

/*
 * Formats a line into a fixed buffer and writes it with one write(2), prefixed
 * with "mocker-init: ". A subset of printf, checked by the compiler: %s, %d,
 * %u, %% and %m (the message for errno as it was on entry); anything
 * else is printed as it stands. errno is preserved.
 */
__attribute__((format(printf, 2, 3))) void log_say(int level, const char *fmt, ...);
#define say_error(...) log_say(LOG_ERROR, __VA_ARGS__)
#define say_warn(...)  log_say(LOG_WARN, __VA_ARGS__)
/* A command's output: on stdout, without the prefix. */
#define say_out(...)   log_say(LOG_OUT, __VA_ARGS__)
/* log_say checks the level: info lines (one per start and end of a
 * process) are not worth the bytes of a check at each use. Debug lines
 * are, on the signal path: their arguments are not evaluated when off. */
#define say_info(...) log_say(LOG_INFO, __VA_ARGS__)
#define say_debug(...) \
	do { if (log_verbosity >= LOG_DEBUG) log_say(LOG_DEBUG, __VA_ARGS__); } while (0)

/* Prints an error and exits with status code. */
__attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...);

/* Writes all of buf to fd, retrying short writes and EINTR. */
int write_all(int fd, const char *buf, size_t len);

#endif
