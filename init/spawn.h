/* Starting the payload: its own process group, the terminal, the caller's
 * signal mask, and errors of exec reported back to the init. */
#ifndef MOCKER_INIT_SPAWN_H
#define MOCKER_INIT_SPAWN_H

#include <sys/types.h>

#include "passwd.h"
#include "sig.h"

#define SPAWN_FDS 3

struct spawn {
	char *const *argv;
	const char *cwd;           /* chdir here first, or NULL */
	const struct creds *creds; /* switch to these first, or NULL */
	int terminal;              /* make it the terminal's foreground group */
	const char *envdir;        /* s6-envdir rules, relative to cwd, or NULL */
	const char *notify;        /* "NOTIFY_SOCKET=PATH" to set, a name alone
	                            * to unset, or NULL */
	int fd_from[SPAWN_FDS];    /* fd_from[k] becomes fd_to[k] (0: none): */
	int fd_to[SPAWN_FDS];      /* a notification fd, a log-prefix's 1, 2 */
};

/* NAME_FILE=PATH in the environment becomes NAME=<PATH's contents>
 * (--env-from-files). */
extern int spawn_env_files;


/* What failed in the child before it became the payload. */
enum spawn_stage { STAGE_NONE, STAGE_FORK, STAGE_CHDIR, STAGE_CREDS, STAGE_ENV, STAGE_EXEC };

struct spawn_error {
	int stage; /* enum spawn_stage */
	int err;   /* errno */
};

/* The signal mask and the ignored signals every payload starts with: the
 * caller's (only SIGCHLD's SIG_IGN is seen: the init itself must not
 * ignore it), or what the launcher asked for with --launcher-signals. */
extern ksigset spawn_mask;
extern ksigset spawn_ignored;

/* fd moved to FD_OWN or above (close-on-exec), out of the way of the
 * descriptors a child is given; fd itself when it cannot be (a limit on
 * descriptors of 64 or less), -1 when it is -1. */
int fd_own(int fd);

/* Forks and execs; returns the pid, or -1 with *e filled in (the child, if
 * any, has been reaped). */
pid_t spawn(const struct spawn *sp, struct spawn_error *e);

/* Execs in place (exec mode); returns only on failure, with *e filled in. */
void spawn_exec(const struct spawn *sp, struct spawn_error *e);

/* Prints why a spawn failed and returns the matching exit status. */
int spawn_report(const char *cmd, const struct spawn_error *e);

/* True when stdin is a terminal whose foreground group is ours. */
int spawn_have_terminal(void);

/* Takes the terminal's foreground back for our own process group. */
void spawn_reclaim_terminal(void);

#endif
