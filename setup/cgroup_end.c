/* The end of a container's cgroup: whatever is left in it killed, its
 * directories removed. Shared by the launcher and its monitor program
 * (setup/monitor/), which does it when the launcher cannot. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "file.h"

int
cgroup_oom_killed(const struct cgroup *cg)
{
	char buf[1024], *p;

	if (!cg->memory_dir[0])
		return 0;
	if (file_read(cg->memory_dir, cg->memory_v2 ? "memory.events" : "memory.oom_control",
	              buf, sizeof buf) < 0 || !(p = strstr(buf, "oom_kill ")))
		return 0;
	return atol(p + 9) > 0;
}

/* SIGKILL to every process listed in dir/cgroup.procs; how many. */
static int
kill_listed(const char *dir)
{
	char buf[8192], *p, *end;
	int n = 0;

	if (file_read(dir, "cgroup.procs", buf, sizeof buf) <= 0)
		return 0;
	for (p = buf; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
			n++;
		while (*end == '\n')
			end++;
	}
	return n;
}

/* Ends every process of the cgroup: cgroup.kill (v2, Linux 5.14), else
 * frozen (so that nothing forks meanwhile) and killed, until empty. */
void
cgroup_kill_all(const struct cgroup *cg)
{
	struct timespec ms = { 0, 1000000 };
	int round;

	if (cg->kill_dir[0]) {
		if (file_write(cg->kill_dir, "cgroup.kill", "1") == 0 || errno == ENOENT)
			return;
		for (round = 0; round < 1000 && kill_listed(cg->kill_dir); round++)
			nanosleep(&ms, NULL);
		return;
	}
	if (!cg->freezer_dir[0])
		return;
	for (round = 0; round < 1000; round++) {
		char state[32] = "";
		int n;
		file_write(cg->freezer_dir, "freezer.state", "FROZEN");
		while (file_read(cg->freezer_dir, "freezer.state", state, sizeof state) > 0 &&
		       strncmp(state, "FREEZING", 8) == 0)
			nanosleep(&ms, NULL);
		n = kill_listed(cg->freezer_dir);
		file_write(cg->freezer_dir, "freezer.state", "THAWED");
		if (n == 0)
			break;
	}
}

/* Removes dir and the cgroups a container made below it (with
 * CAP_SYS_ADMIN it can): deepest first. */
static int
rmdir_tree(const char *dir, int depth)
{
	char sub[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY || depth > 32 || !(d = opendir(dir)))
		return -1;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
		    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) < (int)sizeof sub)
			rmdir_tree(sub, depth + 1);
	closedir(d);
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -1;
}

/* Removes the directories, deepest last made first; a cgroup whose last
 * process is still exiting is busy for a moment. How many are left. */
int
cgroup_remove_dirs(const struct cgroup *cg, long wait_ms)
{
	struct timespec ms = { 0, 1000000 };
	int i, left = 0, r;
	long waited;

	for (i = cg->ndirs - 1; i >= 0; i--) {
		char parent[PATH_MAX], *slash;
		int level;
		for (waited = 0; (r = rmdir_tree(cg->dirs[i], 0)) < 0 && errno == EBUSY &&
		                 waited < wait_ms; waited++)
			nanosleep(&ms, NULL);
		left += r < 0;
		/* the parents an OCI cgroupsPath made, deepest first, if empty */
		snprintf(parent, sizeof parent, "%s", cg->dirs[i]);
		for (level = cg->leaf[i] - 1; r == 0 && level >= cg->made_from[i]; level--) {
			if (!(slash = strrchr(parent, '/')))
				break;
			*slash = 0;
			if (rmdir(parent) < 0)
				break;
		}
	}
	return left;
}

int
cgroup_kill(const struct cgroup *cg)
{
	if (cg->ndirs == 0 || (!cg->kill_dir[0] && !cg->freezer_dir[0]))
		return -1;
	cgroup_kill_all(cg);
	return 0;
}


void
cgroup_remove(struct cgroup *cg)
{
	int left = 0;

	if (cg->ndirs > 0) {
		cgroup_kill_all(cg); /* nothing should be left: the init was reaped */
		left = cgroup_remove_dirs(cg, 1000);
	}
	if (cg->v2fd >= 0)
		close(cg->v2fd);
	if (cg->guard_fd >= 0) {
		/* the watcher's cue: all is done ('d'), or the directories are
		 * still busy with exiting processes ('r'): it removes them, a
		 * while longer, and kills nothing (their names could be a new
		 * container's by then, and rmdir takes only an empty one) */
		if (write(cg->guard_fd, left ? "r" : "d", 1) != 1) {
			/* it is gone: nothing to tell */
		}
		close(cg->guard_fd);
	}
	cg->ndirs = 0;
	cg->v2fd = cg->guard_fd = -1;
}
