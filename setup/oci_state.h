/*
 * An OCI container's state, kept by mocker-runc between its commands: a
 * directory per container under --root (/run/mocker-runc), holding
 * state.json (written whole, then renamed) and, from create until start,
 * the exec FIFO its process waits on. What the spec calls the state
 * (runtime.md) is derived from it: created while the FIFO is there,
 * running once it is gone, stopped when the process is.
 */
#ifndef MOCKER_OCI_STATE_H
#define MOCKER_OCI_STATE_H

#include <limits.h>
#include <sys/types.h>

#include "cgroup.h"
#include "oci.h"

#define OCI_ROOT_DEFAULT "/run/mocker-runc"
#define OCI_FIFO "exec.fifo"

struct oci_state {
	char id[256];
	char dir[PATH_MAX];        /* ROOT/ID */
	pid_t pid;                 /* as the host sees it; 0 before create ends */
	unsigned long long pid_start;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];     /* root.path, absolute */
	char *seccomp;             /* linux.seccomp, JSON, or NULL: for exec */
	long long created;         /* ns since the epoch */
	char *annotations;         /* JSON object, or NULL */
	char *hooks;               /* the config's hooks, JSON, or NULL */
	struct cgroup cg;          /* the directories it made */
	int inject_init;           /* run.mocker.init: our init stays PID 1 */
	unsigned long long caller_mnt_ns; /* no mount namespace: the caller's
	                            * (its inode), where delete unmounts the
	                            * rootfs; 0 */
	const char *status;        /* "created", "running", "paused", "stopped" */
};

extern const char *oci_root;

/* Whether id is a name mocker-runc takes (and can be a directory). */
int oci_id_valid(const char *id);

/* Makes ROOT/ID for a new container; -1 with errno (EEXIST: id in use). */
int oci_state_make(struct oci_state *s, const char *id);

/* Writes s's state.json. 0, or -1 with errno. */
int oci_state_save(const struct oci_state *s);

/* Reads ROOT/ID's state and works out its status; -1 with errno (ENOENT:
 * no such container). */
int oci_state_load(struct oci_state *s, const char *id);

/* Removes ROOT/ID. */
void oci_state_remove(const struct oci_state *s);

/* The state as the spec gives it (for `state` and hooks' stdin), with
 * status as given; malloc'd. */
char *oci_state_json(const struct oci_state *s, const char *status);

/* Runs the hooks of one kind with the state on their stdin. Stops at the
 * first that fails and returns -1 with *why naming it; 0 when all ran. */
int oci_hooks_run(const struct oci_hook *hooks, int n, const char *state, char *why,
                  size_t size);

/* Runs every hook of one kind (poststart, poststop: those only warn, as
 * the spec says), a warning for each that fails. */
void oci_hooks_warn(const struct oci_hook *hooks, int n, const char *kind,
                    const char *state);

/* The config's hooks, as kept in the state, into o (for start and delete). */
void oci_hooks_from(const char *json, struct oci *o);

#endif
