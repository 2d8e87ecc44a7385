/*
 * A cgroup for every container, made before it starts and removed after
 * it, however it ends: its lifetime cgroup, and where --memory, --pids-limit
 * and --cpus are applied (cgroup v2; or v1 controllers, as on hybrid hosts).
 *
 * The lifetime cgroup is a v2 one wherever a v2 tree is mounted (the
 * unified tree of a hybrid host, controllers or not): the container's first
 * process is cloned into it (CLONE_INTO_CGROUP), and cgroup.kill ends every
 * process in it. Without any v2 tree it is a v1 freezer cgroup. If mocker
 * dies, a watcher process outside the container kills the cgroup and
 * removes it: the container cannot stay behind by clearing its
 * parent-death signal.
 */
#ifndef MOCKER_CGROUP_H
#define MOCKER_CGROUP_H

#include <limits.h>
#include <sys/types.h>

#include "config.h"

#define CGROUP_MAX_DIRS 6

struct cgroup {
	int ndirs;
	char dirs[CGROUP_MAX_DIRS][PATH_MAX]; /* created directories */
	char memory_dir[PATH_MAX];            /* where the memory limit is, "" */
	int memory_v2;
	char kill_dir[PATH_MAX];   /* the lifetime cgroup: v2 (cgroup.kill) */
	char freezer_dir[PATH_MAX]; /* or, without v2, a v1 freezer */
	int v2fd;                  /* kill_dir, for CLONE_INTO_CGROUP, or -1 */
	int guard_fd;              /* our end of the watcher's pipe, or -1 */
	const char *path;          /* OCI cgroupsPath: the directories' name
	                            * below each hierarchy; NULL: mocker-PID */
	/* for each of dirs, the components of its path below the hierarchy
	 * we made (from made_from to leaf: removed with it) */
	int made_from[CGROUP_MAX_DIRS], leaf[CGROUP_MAX_DIRS];
	/* what else the watcher undoes when mocker dies: a foreground run's
	 * state file, and its name's link if it still names forget_id (NULL:
	 * nothing) */
	const char *forget_file, *forget_link, *forget_id;
};

/* Creates the container's cgroup and configures c's limits in it.
 * Returns 0, or -1 with errno and *why; 1 when cgroups cannot be used (not
 * root, no delegation): nothing was made, and limits cannot be applied. */
int cgroup_create(struct cgroup *cg, const struct config *c, const char **why);

/* Moves pid into the directories it was not cloned into (v1). */
int cgroup_attach(struct cgroup *cg, pid_t pid, int cloned_in, const char **why);

/* Kills every process of the cgroup; -1 when there is none to kill through. */
int cgroup_kill(const struct cgroup *cg);

/* Kills every process of the cgroup (cgroup.kill, or the freezer). */
void cgroup_kill_all(const struct cgroup *cg);

/* Removes its directories, waiting up to wait_ms for each busy one; how
 * many are left. */
int cgroup_remove_dirs(const struct cgroup *cg, long wait_ms);

/* 1 if the memory limit killed something. */
int cgroup_oom_killed(const struct cgroup *cg);

/* Kills whatever is left in the cgroup and removes its directories; tells
 * the watcher it is done. */
void cgroup_remove(struct cgroup *cg);

/* Starts the watcher (double-forked, in a session of its own, none of our
 * descriptors but its pipe; the monitor program, setup/monitor/watch.c),
 * before cgroup_create, which tells it of each directory before making
 * it: when the pipe ends without our word that the cgroup is gone (mocker
 * was killed), it kills the cgroup and removes it. */
int cgroup_guard(struct cgroup *cg);

/* What else the watcher undoes should mocker die: a file removed (if it
 * still holds the text holding: not one made anew by another), nft
 * commands run (a script of lines). */
void cgroup_guard_unlink(const struct cgroup *cg, const char *path, const char *holding);
void cgroup_guard_nft(const struct cgroup *cg, const char *script);
/* A tree the watcher removes when the container is gone, whatever ended
 * it (a foreground run's upper layer). */
void cgroup_guard_tree(const struct cgroup *cg, const char *path);

#endif
