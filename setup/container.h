/* One container being set up: the plan's shared state. */
#ifndef MOCKER_CONTAINER_H
#define MOCKER_CONTAINER_H

#include <limits.h>
#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "config.h"
#include "passwd.h"

struct container {
	const struct config *c;
	char rootfs[PATH_MAX];     /* resolved on the host */
	char hostname[65];
	char init_host[PATH_MAX];  /* the host's mocker-init, "" if none found */
	int rootless;              /* started by a non-root user */
	int userns;                /* in a user namespace of its own */
	uid_t host_uid;
	gid_t host_gid;
	int tty;                   /* hand the terminal's foreground to it */
	int listen_fds;            /* socket-activation fds 3.. to keep */
	int fail_step;             /* MOCKER_FAIL_STEP: a test hook, 0 for none */
	int no_signal_hold;        /* MOCKER_TEST_NO_SIGNAL_HOLD: a test hook */
	int last_cap;              /* the kernel's, read on the host */
	uint64_t caps;             /* the capability set */
	unsigned long long sigmask; /* the caller's, for the payload */
	unsigned long long ignored; /* signals our caller ignored */
	struct cgroup cg;          /* host side */
	struct sock_fprog seccomp; /* the filter, made on the host */

	/* filled in by the plan, in the child */
	int sync_fd;               /* our end of the socket to the launcher */
	int rootfd;                /* the new root, before pivot_root */
	int procfd;                /* the roots of the /proc, /sys and /dev we */
	int sysfd;                 /* mounted: what goes inside them is found */
	int devfd;                 /* from these, never by path again */
	const char *init_exec;     /* the init to exec, or NULL for --no-init */
	int init_fd;               /* and a descriptor of it, checked */
	int init_is_ours;          /* it is mocker-init: signals stay blocked */
	struct creds creds;
	char **envp;
};

/* What the container's first process tells the launcher just before it
 * execs: whether its init takes the signal handshake. */
#define REPORT_HANDSHAKE 'h'
#define REPORT_PROBE     'p'

/* Runs the setup plan in the new namespaces and execs; never returns. */
__attribute__((noreturn)) void plan_run(struct container *ct);

#endif
