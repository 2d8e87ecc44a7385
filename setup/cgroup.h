/* Resource limits: a cgroup per container, on cgroup v2 or v1 (or both, on
 * hybrid hosts), created before the container starts and removed after. */
#ifndef MOCKER_CGROUP_H
#define MOCKER_CGROUP_H

#include <limits.h>
#include <sys/types.h>

#include "config.h"

#define CGROUP_MAX_DIRS 4

struct cgroup {
	int ndirs;
	char dirs[CGROUP_MAX_DIRS][PATH_MAX]; /* created directories */
	char memory_dir[PATH_MAX];            /* where the memory limit is, "" */
	int memory_v2;
};

/* Creates and configures the cgroup for c's limits (none: nothing made).
 * Returns 0, or -1 with errno and *why; 1 when cgroups cannot be used
 * (not root, no delegation) and the limits are skipped. */
int cgroup_create(struct cgroup *cg, const struct config *c, const char **why);

/* Moves pid into it. */
int cgroup_attach(struct cgroup *cg, pid_t pid, const char **why);

/* 1 if the memory limit killed something. */
int cgroup_oom_killed(const struct cgroup *cg);

/* Removes the directories, waiting briefly for exiting tasks. */
void cgroup_remove(struct cgroup *cg);

/* Forks a watcher that removes the directories if we die first (SIGKILL):
 * it waits for EOF on a pipe whose write end we hold. */
int cgroup_guard(struct cgroup *cg);

#endif
