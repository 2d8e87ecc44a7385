/* Supervising the payload, or the services of a services directory. */
#ifndef MOCKER_INIT_SUPERVISE_H
#define MOCKER_INIT_SUPERVISE_H

#include <sys/types.h>

#include "options.h"
#include "passwd.h"

#define SERVICES_MAX 32

struct service {
	char name[64];          /* for messages */
	char *const *argv;      /* the payload's, or {"./run"} */
	char dir[512];          /* a service's directory: its cwd; "" for the payload */
	int has_finish;         /* ./finish is executable */
	int policy;             /* enum restart_policy */
	pid_t pid;              /* the running ./run or payload, or 0 */
	pid_t pgrp;             /* its process group, kept after it ends */
	pid_t finish_pid;       /* the running ./finish, or 0 */
	int status;             /* last wait status */
	long long started_ms;
	long long restart_at;   /* when to start again, 0 for never */
	long long kill_at;      /* draining: when its group gets SIGKILL, 0 after */
	int draining;           /* its main process ended, its group not yet */
	unsigned long delay_ms; /* the next backoff */
	unsigned long restarts;
};

struct supervisor {
	const struct options *o;
	const struct creds *creds;  /* -u, or NULL */
	const char *cwd;            /* the caller's directory, for restarts */
	struct service svc[SERVICES_MAX];
	int n;
	int services_mode;
	int stopping;               /* SIGTERM/SIGINT: no more restarts */
	int terminal;               /* the payload gets the terminal */
	int self_stopped;           /* we stopped ourselves after a ^Z */
	int stop_forwarded;         /* we sent the payload its last stop signal */
};

/* Starts what s holds and supervises until it is done; then shuts the rest
 * down. Returns the init's exit status. */
int supervise(struct supervisor *s);

/* Fills s->svc from a services directory; -1 with errno if it is unusable. */
int services_load(struct supervisor *s, const char *dir);

#endif
