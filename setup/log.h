/* Messages of the launcher: "mocker: ..." on stderr, one line each. */
#ifndef MOCKER_LOG_H
#define MOCKER_LOG_H

#define EXIT_FAIL     125 /* mocker itself failed: bad input or setup */
#define EXIT_NOEXEC   126 /* the command cannot be executed */
#define EXIT_NOTFOUND 127 /* the command was not found */

extern int log_quiet;   /* -q: no warnings or notes */
extern int log_verbose; /* --verbose: notes on what is done */

__attribute__((format(printf, 1, 2))) void warnx_(const char *fmt, ...);
/* A line that explains an outcome (an OOM kill): shown even with -q. */
__attribute__((format(printf, 1, 2))) void report(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);
__attribute__((format(printf, 2, 3), noreturn)) void die(int code, const char *fmt, ...);
/* As die(), with ": strerror(errno)" appended. */
__attribute__((format(printf, 2, 3), noreturn)) void die_errno(int code, const char *fmt, ...);

#endif
