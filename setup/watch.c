/*
 * The cgroup watcher: started before the container's cgroup is made, it
 * outlives a launcher (or a monitor) killed with SIGKILL and then kills
 * the cgroup and removes it, and forgets a foreground run's state. It is
 * the monitor program's part, or, when that cannot start, runs in the
 * copy of mocker that would have run it. On the pipe it is told of each directory before it is made ("+DIR\n", "-DIR\n"
 * when it was not), then 'd' (done: nothing to do) or 'r' (the cgroup's
 * last processes are still exiting: remove the directories only, kill
 * nothing, as their names could be a new container's by then).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "watch.h"

static struct cgroup cg;

/* Reads the pipe to its end: the last of 'd' and 'r', or 0 (the launcher
 * was killed). The lifetime cgroup's directory is known by its files. */
static char
listen_to_launcher(int fd)
{
	static char line[PATH_MAX];
	char buf[512], c = 0;
	size_t len = 0;
	ssize_t n, i;
	int j;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (len == 0 && buf[i] != '+' && buf[i] != '-') {
				c = buf[i];
				continue;
			}
			if (buf[i] != '\n') {
				if (len < sizeof line - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = 0;
			len = 0;
			for (j = 0; j < cg.ndirs && strcmp(cg.dirs[j], line + 1) != 0; j++)
				;
			if (line[0] == '+' && j == cg.ndirs && cg.ndirs < CGROUP_MAX_DIRS)
				strcpy(cg.dirs[cg.ndirs++], line + 1); /* shorter */
			else if (line[0] == '-' && j < cg.ndirs)
				memmove(cg.dirs[j], cg.dirs[j + 1],
				        (size_t)(--cg.ndirs - j) * sizeof cg.dirs[0]);
		}
	}
	for (j = 0; j < cg.ndirs; j++) {
		char file[PATH_MAX + 32];
		strcpy(file, cg.dirs[j]);
		strcat(file, "/cgroup.controllers");
		if (!cg.kill_dir[0] && access(file, F_OK) == 0)
			strcpy(cg.kill_dir, cg.dirs[j]);
		strcpy(file, cg.dirs[j]);
		strcat(file, "/freezer.state");
		if (!cg.freezer_dir[0] && access(file, F_OK) == 0)
			strcpy(cg.freezer_dir, cg.dirs[j]);
	}
	return c;
}

/* A foreground run's state, as ctr_remove() leaves it: its file, and its
 * name's link if that still names it. */
static void
forget(const char *file, const char *link, const char *id)
{
	char target[128];
	ssize_t n;

	if (link && id && (n = readlink(link, target, sizeof target - 1)) > 0) {
		target[n] = 0;
		if (strcmp(target, id) == 0)
			unlink(link);
	}
	if (file)
		unlink(file);
}

void
watch_cgroup(int fd, const char *forget_file, const char *forget_link, const char *forget_id)
{
	char c = listen_to_launcher(fd);

	if (c == 'r') {
		cgroup_remove_dirs(&cg, 10000);
	} else if (c != 'd') {
		cgroup_kill_all(&cg);
		cgroup_remove_dirs(&cg, 5000);
		forget(forget_file, forget_link, forget_id);
	}
}
