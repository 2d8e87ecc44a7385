/* Messages of the launcher: "mocker: ..." on stderr, one line each. */
#ifndef MOCKER_LOG_H
#define MOCKER_LOG_H

#include "mocker.h" /* the exit statuses */

extern int log_quiet;   /* -q: no warnings or notes */
/* What die() undoes before it exits, last registered first: the caller's
 * terminal out of raw mode, a run's state that never started. At most 4. */
void log_at_exit(void (*fn)(void));
extern int log_verbose; /* --verbose: notes on what is done */
extern int log_fd;      /* mocker-runc --log: each message there too, or -1 */
extern int log_json;    /* --log-format json */
extern const char *log_name; /* what a line starts with: "mocker" */
extern int log_setup_status; /* what die(EXIT_SETUP) exits with: 125, or
                              * mocker-runc's 1 */

__attribute__((format(printf, 1, 2))) void warnx_(const char *fmt, ...);
/* A line that explains an outcome (an OOM kill): shown even with -q. */
__attribute__((format(printf, 1, 2))) void report(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);
__attribute__((format(printf, 2, 3), noreturn)) void die(int code, const char *fmt, ...);
/* As die(), with ": strerror(errno)" appended. */
__attribute__((format(printf, 2, 3), noreturn)) void die_errno(int code, const char *fmt, ...);

#endif
