/* mocker-init: paths, defaults and exit codes, in one place. */
#ifndef MOCKER_INIT_DEFAULTS_H
#define MOCKER_INIT_DEFAULTS_H

#ifndef MOCKER_VERSION
#define MOCKER_VERSION "0.1.0"
#endif
#ifndef MOCKER_COMMIT
#define MOCKER_COMMIT "0000000"
#endif

#define PROG "mocker-init"

/* Exit status of mocker-init itself (the payload's own status otherwise). */
#define EXIT_USAGE       2   /* bad command line or environment */
#define EXIT_SETUP       125 /* setup failed before the payload started */
#define EXIT_NOEXEC      126 /* the command exists but cannot be executed */
#define EXIT_NOTFOUND    127 /* the command was not found */
#define EXIT_SIGNALED    128 /* plus the signal number */

#define GRACE_MS_DEFAULT 5000          /* --grace */
#define SERVICES_DIR     "/etc/mocker/services"
#define PASSWD_FILE      "/etc/passwd"
#define GROUP_FILE       "/etc/group"
#define PROC_DIR         "/proc"

/* Restart backoff, as Docker does it. */
#define BACKOFF_MIN_MS   100
#define BACKOFF_MAX_MS   30000
#define BACKOFF_RESET_MS 10000

#define VERBOSITY_DEFAULT 1 /* 0 errors, 1 warnings, 2 info, 3 debug */

#define ENV_PREFIX "MOCKER_INIT_"

#endif
