/*
 * What mocker-init and the launcher agree on, defined once: the exit
 * statuses both report, the paths both read in an image, the default PATH.
 */
#ifndef MOCKER_COMMON_H
#define MOCKER_COMMON_H

/* Exit statuses, as Docker and tini use them. */
#define EXIT_SETUP    125 /* setup failed (or, for the launcher, bad input) */
#define EXIT_NOEXEC   126 /* the command exists but cannot be executed */
#define EXIT_NOTFOUND 127 /* the command was not found */
#define EXIT_SIGNALED 128 /* plus the signal number */

/* In the image. */
#define SERVICES_DIR "/etc/mocker/services" /* an appliance's services */
#define PASSWD_FILE  "/etc/passwd"
#define GROUP_FILE   "/etc/group"

/* PATH when none is given, as Docker sets it. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * The launcher hands its own init (mocker-init) the signal mask and the
 * ignored signals of mocker's caller with this option, as the init's first
 * argument, so that every signal can stay blocked across the exec of the
 * init (a signal blocked in a namespace's PID 1 is queued, not dropped) and
 * the payload still starts with what the caller gave. An option, not a
 * variable: nothing of it reaches the payload. Its value is two hexadecimal
 * 64-bit sets, "MASK:IGNORED".
 */
#define INIT_SIGNALS_NAME   "launcher-signals"
#define INIT_SIGNALS_OPTION "--" INIT_SIGNALS_NAME

/* Marks a mocker-init binary: the launcher looks for it in an image's
 * /sbin/init before it uses INIT_SIGNALS_OPTION there. */
#define INIT_MARKER "mocker-init signals v1"

#endif
