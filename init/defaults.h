/* mocker-init: its own paths, defaults and exit codes, in one place (what
 * it shares with the launcher is in common/mocker.h). */
#ifndef MOCKER_INIT_DEFAULTS_H
#define MOCKER_INIT_DEFAULTS_H

#include "mocker.h"

#define PROG "mocker-init"
#define SEE_HELP " (see " PROG " --help)" /* ends a usage error */

/* Exit status of mocker-init itself (the payload's own status otherwise),
 * besides EXIT_SETUP, EXIT_NOEXEC and EXIT_NOTFOUND. */
#define EXIT_USAGE       2   /* bad command line or environment */

#define GRACE_MS_DEFAULT 5000          /* --grace */
#define PROC_DIR         "/proc"

/* Restart backoff, as Docker does it. */
#define BACKOFF_MIN_MS   100
#define BACKOFF_MAX_MS   30000
#define BACKOFF_RESET_MS 10000
/* A service's group after its main process ended, until it is gone. */
#define DRAIN_POLL_MS    50

/* The init's own descriptors for services (pipes) are moved from here up,
 * above the ones a service is given (its notification-fd is below). */
#define FD_OWN 64

/* How often a child that has not reached its exec is looked at. */
#define SPAWN_WAIT_MS 1000

/* The control channel: a path socket in a directory only root may enter
 * (an abstract socket would be shared with the host under --net host). */
#define CONTROL_DIR      "/run/mocker-init"
#define CONTROL_SOCKET   CONTROL_DIR "/control"
#define PROBE_TIMEOUT_MS 10000 /* probe -T */
#define NOTIFY_PATH      CONTROL_DIR "/notify"   /* a command's NOTIFY_SOCKET */
#define NOTIFY_DIR       CONTROL_DIR "/notify." /* NAME: a service's */

#define SERVICES_MAX_REPLY 8192 /* svc -l: 32 lines of at most 128 bytes, a header */

#define VERBOSITY_DEFAULT 1 /* 0 errors, 1 warnings, 2 info, 3 debug */

#define ENV_PREFIX "MOCKER_INIT_"

#endif
