/* One container being set up: the plan's shared state. */
#ifndef MOCKER_CONTAINER_H
#define MOCKER_CONTAINER_H

#include <limits.h>
#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge.h"
#include "cgroup.h"
#include "config.h"
#include "ctrlog.h"
#include "ctrstate.h"
#include "image.h"
#include "passwd.h"
#include "terminal.h"
#include "userns.h"

/*
 * What PID 1 execs is always the sealed copy of the host's init
 * (init_memfd), never a file of the image: while the first process is a
 * clone of mocker, /proc/self/exe is the host's mocker, and an image's
 * "#!/proc/self/exe" script, or an ELF whose interpreter is that path,
 * would run it. The image's own program runs from there.
 */
enum init_mode {
	INIT_DIRECT,  /* the copy is PID 1 (ours, or --init PATH) */
	INIT_IMAGE,   /* our copy execs the image's /sbin/init (-x) */
	INIT_COMMAND, /* --no-init: our copy execs COMMAND (-x) */
};

struct container {
	const struct config *c;
	char rootfs[PATH_MAX];     /* resolved on the host; an image's name */
	const struct image *image; /* run IMAGE: its layers, else NULL */
	char store_root[PATH_MAX]; /* run IMAGE: the store */
	char store_dir[PATH_MAX];  /* and the container's directory in it
	                            * (upper, work, merged) */
	char hostname[65];
	char init_host[PATH_MAX];  /* the host's mocker-init, "" if none found */
	int rootless;              /* started by a non-root user */
	int userns;                /* in a user namespace of its own */
	uid_t host_uid;
	gid_t host_gid;
	int listen_fds;            /* socket-activation fds 3.. to keep */
	int fail_step;             /* MOCKER_FAIL_STEP: a test hook, 0 for none */
	int no_signal_hold;        /* MOCKER_TEST_NO_SIGNAL_HOLD: a test hook */
	int last_cap;              /* the kernel's, read on the host */
	uint64_t caps;             /* the capability set */
	unsigned long long sigmask; /* the caller's, for the payload */
	unsigned long long ignored; /* signals our caller ignored */
	struct cgroup cg;          /* host side */
	struct terminal term;      /* how its stdio reaches the caller's */
	struct ctr *ctr;           /* as mocker's commands see it */
	int status_fd;             /* -d: the foreground's pipe, until started */
	int exec;                  /* mocker exec: into the container of */
	pid_t exec_pid;            /* this init (its host pid), through */
	int exec_pidfd;            /* this pidfd */
	int exec_cgroup;           /* it has a cgroup of mocker's to join */
	struct ctrlog log;         /* -d: its log */
	struct sock_fprog seccomp; /* the filter, made on the host */
	int idmap;                 /* --userns as root: idmapped root and :idmap */
	struct idmaps maps;        /* the user namespace's, when there is one */
	int init_memfd;            /* the init PID 1 execs: a sealed copy of the */
	int init_memfd_ours;       /* host's mocker-init (or of --init PATH) */
	int netns_fd;              /* --net ns:PATH, opened on the host; -1 */
	pid_t pasta;               /* --net private: its network's pasta; 0 */
	int bridge;                /* --net private as root: on mocker0 (bridge.h) */
	struct bridge_lease lease;

	/* filled in by the plan, in the child */
	int sync_fd;               /* our end of the socket to the launcher */
	int root_idmapped;         /* from the launcher with "go": the image */
	int volume_idmapped[MAX_VOLUMES]; /* and :idmap volumes, idmapped; -1 */
	int rootfd;                /* the new root, before pivot_root */
	int procfd;                /* the roots of the /proc, /sys and /dev we */
	int sysfd;                 /* mounted: what goes inside them is found */
	int devfd;                 /* from these, never by path again */
	enum init_mode init_mode;  /* what PID 1 runs, and how */
	const char *init_argv0;
	int image_init_ours;       /* INIT_IMAGE: it is a mocker-init too */
	struct creds creds;
	char **envp;
	int start_fd;              /* OCI create: the exec FIFO, read-write; -1 */
	/* OCI create: the host's part once the process is in its cgroup and
	 * namespaces (oomScoreAdj, prestart hooks); 0 or -1 with errno (0:
	 * *why says it all) */
	int (*before_go)(struct container *ct, pid_t pid, const char **why);
	int handed_off;            /* OCI create: the launcher has gone */
	int join_fds[8];           /* OCI: the namespaces joined by path, in the
	                            * order of c->oci->join; -1 once joined */
	int hand_off;              /* OCI exec --detach: the launcher goes once
	                            * the process is set up, as after create */
};

/* What the container's first process tells the launcher just before it
 * execs: whether the program that stays PID 1 takes the signal handshake. */
#define REPORT_HANDSHAKE 'h'
#define REPORT_PROBE     'p'
#define REPORT_PROBE_AFTER_INIT 'x' /* once our init has exec'd it */
#define REPORT_MOCKER_INIT_NO_HOLD 'm' /* MOCKER_TEST_NO_SIGNAL_HOLD */

/* Runs the setup plan in the new namespaces and execs; never returns. */
__attribute__((noreturn)) void plan_run(struct container *ct);

#endif
