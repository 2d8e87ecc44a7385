/* Supervising the payload, or the services of a services directory. */
#ifndef MOCKER_INIT_SUPERVISE_H
#define MOCKER_INIT_SUPERVISE_H

#include <sys/types.h>

#include "options.h"
#include "passwd.h"

#define SERVICES_MAX 32
#define CHECK_FAILS_MAX 3 /* consecutive failed checks before a restart */

struct service {
	/* the fields used most come first: an offset below 128 is one byte
	 * of each instruction (the init's size is its budget) */
	pid_t pid;              /* the running ./run or payload, or 0 */
	pid_t pgrp;             /* its process group, kept after it ends */
	pid_t finish_pid;       /* the running ./finish, or 0 */
	pid_t check_pid;
	int status;             /* last wait status */
	int ran;                /* it has ended at least once: status is real */
	int ready;
	int ready_fd;           /* our end of its notification pipe; 0 or -1: none */
	int draining;           /* its main process ended, its group not yet */
	int down;               /* wanted down: not started, not restarted */
	int waiting;            /* to start once what it needs is ready */
	int restart_now;        /* stopped to be restarted at once */
	int policy;             /* enum restart_policy */
	int down_signal;        /* ./down-signal, SIGTERM */
	int essential;          /* ./essential: its end is the container's */
	int notification_fd;    /* ./notification-fd, or -1 */
	long long restart_at;   /* when to start again, 0 for never */
	long long kill_at;      /* being stopped: when its group gets SIGKILL */
	long long check_at;
	long long started_ms;
	int check_fails;
	int has_finish;         /* ./finish is executable */
	int has_env;            /* ./env/ */
	int has_creds;          /* ./user */
	int log_prefix;         /* ./log-prefix: "[name] " before each line */
	int notify;             /* ./notify: ready at its READY=1 (sd_notify) */
	int log_fd[2][2];       /* log-prefix: its stdout's and stderr's pipes,
	                         * kept across restarts; 0: none */
	int notify_fd;          /* ./notify: its NOTIFY_SOCKET; 0: none */
	unsigned long restart_max; /* on-failure:N, 0 = no limit */
	unsigned long delay_ms; /* the next backoff */
	unsigned long restarts;
	unsigned long long kill_ms; /* ./timeout-kill, else the init's grace */
	unsigned long needs;    /* ./needs, as a bitmap of indexes */
	unsigned long check_ms; /* ./check: its interval, 0 for none */
	char *const *argv;      /* the payload's, or {"./run"} */
	char name[64];          /* for messages */
	char dir[512];          /* a service's directory: its cwd; "" for the payload */
	char check_cmd[256];
	char notify_env[112];   /* "NOTIFY_SOCKET=PATH", or "NOTIFY_SOCKET" to
	                         * unset it; "": as the init's (notify.c) */
	struct creds creds;
};

struct supervisor {
	const struct options *o;
	const struct creds *creds;  /* -u, or NULL */
	const char *cwd;            /* the caller's directory, for restarts */
	int n;
	int services_mode;
	int stopping;               /* SIGTERM/SIGINT: no more restarts */
	int terminal;               /* the payload gets the terminal */
	int self_stopped;           /* we stopped ourselves after a ^Z */
	int stop_forwarded;         /* we sent the payload its last stop signal */
	int exit_code;              /* an essential service's end */
	struct service svc[SERVICES_MAX];
};

/* Starts what s holds and supervises until it is done; then shuts the rest
 * down. Returns the init's exit status. */
int supervise(struct supervisor *s);

/* Fills s->svc from a services directory; -1 with errno if it is unusable.
 * A bad setting file exits EXIT_SETUP with one line. */
int services_load(struct supervisor *s, const char *dir);

/* The service named name, or NULL. */
struct service *service_find(struct supervisor *s, const char *name);

/* Control from svc and the services' readiness (control.c). */
void svc_up(struct supervisor *s, struct service *v);
void svc_stop(struct supervisor *s, struct service *v, int sig, int restart);
void svc_ready(struct supervisor *s, struct service *v);

#endif
