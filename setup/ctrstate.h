/*
 * Containers that mocker's commands find: a directory per container under
 * the state root (/run/mocker for root, the rootless state directory for
 * others, or --root DIR), with its state written atomically (a file
 * written whole, then renamed) and its log; names are
 * symbolic links to ids, made with symlink(2) so that of two containers
 * asking for one name exactly one gets it.
 */
#ifndef MOCKER_CTRSTATE_H
#define MOCKER_CTRSTATE_H

#include <limits.h>
#include <sys/types.h>

#define CTR_ID_LEN 64

enum ctr_status { CTR_CREATED, CTR_RUNNING, CTR_EXITED };

struct ctr {
	char id[CTR_ID_LEN + 1];
	char name[128];
	char dir[PATH_MAX];        /* ROOT/containers/ID */
	int status;                /* enum ctr_status */
	int detached;              /* run -d: kept after it exits, until rm */
	int named;                 /* --name given: a link in ROOT/names */
	int file_only;             /* a foreground run: its state is the file
	                            * ROOT/containers/ID, no directory (each
	                            * file operation costs on a disk's /run) */
	int auto_remove;           /* --rm */
	pid_t pid;                 /* the container's init, as the host sees it */
	pid_t monitor;             /* the mocker process that watches it */
	unsigned long long pid_start; /* the init's start time (clock ticks) */
	unsigned long long mon_start;
	int exit_code;             /* N, 128+signal */
	int oom;
	char reason[64];           /* "", "oom", "monitor killed" */
	long long created, started, finished; /* ns since the epoch */
	char command[1024];
	char rootfs[PATH_MAX];
	char cgroup[PATH_MAX];
	char ports[1024];          /* -p, as ps shows them: "0.0.0.0:8080->80/tcp" */
	char ip[16];               /* its address on mocker0, "" */
	char store[PATH_MAX];      /* run IMAGE: its directory in the image
	                            * store (upper layer), removed with it */
	int store_watched;         /* (not kept) the cgroup's watcher removes it */
	int stop_signal, stop_timeout;
};

/* The state root (made, 0700): --root, MOCKER_ROOT, or the default. NULL
 * with errno. */
const char *ctr_root(void);
/* The state directory's path as given or defaulted, for messages. */
const char *ctr_root_name(void);
void ctr_set_root(const char *dir);

/* A new container: a fresh id, the name (NULL: one is made), its
 * directory (detached), or only its state file (a foreground run). -1 with
 * errno (EEXIST: the name is in use). */
int ctr_create(struct ctr *c, const char *name, int detached);

/* Writes c's state (atomically). */
int ctr_save(const struct ctr *c);

/* Finds a container by name, id or unique id prefix; fills c. -1 with
 * errno: ENOENT none, EEXIST an ambiguous prefix. */
int ctr_find(const char *what, struct ctr *c);

/* Calls fn for every container (its state read); stops when fn returns
 * non-zero. */
int ctr_each(int (*fn)(struct ctr *c, void *ctx), void *ctx);

/* Loads the container whose whole id is id (nothing else matches). */
int ctr_load_id(const char *id, struct ctr *c);

/* Records that a detached container ended (code: N, 128+signal; oom: its
 * memory limit killed something): saved, or removed with --rm. */
int ctr_ended(struct ctr *c, int code, int oom);

/* Removes the container's directory and its name. */
int ctr_remove(const struct ctr *c);

/* Is process pid still the one started at start (clock ticks)? */
int ctr_alive(pid_t pid, unsigned long long start);

/* A process's start time (clock ticks since boot), 0 if gone. */
unsigned long long proc_start_time(pid_t pid);

/* Nanoseconds since the epoch. */
long long ctr_now(void);

#endif
