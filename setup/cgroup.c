#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "file.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP2_SUPER_MAGIC 0x63677270

static int
is_cgroup2(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* "+DIR" (about to be made) or "-DIR" (not made) to the watcher. */
static void
tell_watcher(const struct cgroup *cg, char op, const char *dir)
{
	char line[PATH_MAX + 2];
	int n, err = errno;

	if (cg->guard_fd < 0)
		return;
	n = snprintf(line, sizeof line, "%c%s\n", op, dir);
	if (n > 0 && n < (int)sizeof line && write(cg->guard_fd, line, (size_t)n) != n) {
		/* it is gone: it would have nothing to do */
	}
	errno = err;
}

/* A new directory for this container in a hierarchy. */
static const char *
make_dir(struct cgroup *cg, const char *hierarchy)
{
	char *dir = cg->dirs[cg->ndirs];

	int i, n;

	/* Controllers mounted together (cpu,cpuacct and memory,pids alike)
	 * share our directory. */
	for (i = 0; i < cg->ndirs; i++)
		if (strncmp(cg->dirs[i], hierarchy, strlen(hierarchy)) == 0 &&
		    cg->dirs[i][strlen(hierarchy)] == '/')
			return cg->dirs[i];
	/* mocker-PID, or mocker-PID-N when that is taken (a launcher with our
	 * pid in another PID namespace, a dead run's leftover): never joined,
	 * never removed, not ours. */
	for (n = 0; n < 100; n++) {
		if (n == 0)
			snprintf(dir, PATH_MAX, "%s/mocker-%d", hierarchy, (int)getpid());
		else
			snprintf(dir, PATH_MAX, "%s/mocker-%d-%d", hierarchy, (int)getpid(), n);
		/* told to the watcher first: killed after the mkdir, we leave
		 * nothing it does not know of */
		tell_watcher(cg, '+', dir);
		if (mkdir(dir, 0755) == 0) {
			cg->ndirs++;
			return dir;
		}
		tell_watcher(cg, '-', dir); /* not ours */
		if (errno != EEXIST)
			return NULL;
	}
	return NULL;
}

static int
enable(const char *root, const char *controller, const char **why)
{
	*why = controller[1] == 'm' ? "enable the memory controller" :
	       controller[1] == 'p' ? "enable the pids controller" : "enable the cpu controller";
	return file_write(root, "cgroup.subtree_control", controller);
}

/* cgroup v2: everything in one directory under the root. */
static int
create_v2(struct cgroup *cg, const struct config *c, const char *root, const char **why)
{
	char buf[64];
	const char *dir;

	/* Exactly the controllers asked for, one by one: a write naming one
	 * the kernel lacks fails whole. */
	if (c->memory && enable(root, "+memory", why) < 0)
		return -1;
	if (c->pids_limit && enable(root, "+pids", why) < 0)
		return -1;
	if (c->cpu_quota_us && enable(root, "+cpu", why) < 0)
		return -1;
	*why = "create the cgroup";
	if (!(dir = make_dir(cg, root)))
		return -1;
	if (c->memory) {
		*why = "set memory.max";
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->memory);
		if (file_write(dir, "memory.max", buf) < 0)
			return -1;
		/* No swap beyond the limit: the limit is what the container has. */
		file_write(dir, "memory.swap.max", "0");
		strcpy(cg->memory_dir, dir);
		cg->memory_v2 = 1;
	}
	if (c->pids_limit) {
		*why = "set pids.max";
		snprintf(buf, sizeof buf, "%ld", c->pids_limit);
		if (file_write(dir, "pids.max", buf) < 0)
			return -1;
	}
	if (c->cpu_quota_us) {
		*why = "set cpu.max";
		snprintf(buf, sizeof buf, "%llu 100000", (unsigned long long)c->cpu_quota_us);
		if (file_write(dir, "cpu.max", buf) < 0)
			return -1;
	}
	return 0;
}

/* The v1 hierarchy of a controller ("cpu" may be "cpu,cpuacct"). */
static int
v1_hierarchy(const char *controller, char *out)
{
	static const char *const names[][2] = {
		{ "memory", "memory" }, { "pids", "pids" }, { "freezer", "freezer" },
		{ "cpu", "cpu" }, { "cpu", "cpu,cpuacct" }, { "cpu", "cpuacct,cpu" },
	};
	struct statfs s;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(names[i][0], controller) != 0)
			continue;
		snprintf(out, PATH_MAX, CGROUP_ROOT "/%s", names[i][1]);
		if (statfs(out, &s) == 0 && s.f_type != CGROUP2_SUPER_MAGIC &&
		    access(out, F_OK) == 0 && s.f_type == 0x27e0eb /* CGROUP_SUPER_MAGIC */)
			return 0;
	}
	return -1;
}

/* The unified hierarchy of a hybrid host, when it has the controller. */
static int
v2_has(const char *root, const char *controller)
{
	char buf[512], *p;

	if (file_read(root, "cgroup.controllers", buf, sizeof buf) < 0)
		return 0;
	for (p = strtok(buf, " \n"); p; p = strtok(NULL, " \n"))
		if (strcmp(p, controller) == 0)
			return 1;
	return 0;
}

/* Our directory in the v1 hierarchy of controller; NULL with *why set. */
static const char *
v1_dir(struct cgroup *cg, const char *controller, const char **why)
{
	char hier[PATH_MAX];
	const char *dir;

	*why = controller[0] == 'm' ? "find the memory cgroup controller" :
	       controller[0] == 'p' ? "find the pids cgroup controller" :
	       controller[0] == 'f' ? "find the freezer cgroup controller" :
	                              "find the cpu cgroup controller";
	if (v1_hierarchy(controller, hier) < 0) {
		errno = ENOENT;
		return NULL;
	}
	*why = "create the cgroup";
	if (!(dir = make_dir(cg, hier)))
		return NULL;
	return dir;
}

static int
create_v1(struct cgroup *cg, const struct config *c, const char **why)
{
	char buf[64];
	const char *dir;

	if (c->memory) {
		if (!(dir = v1_dir(cg, "memory", why)))
			return -1;
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->memory);
		*why = "set memory.limit_in_bytes";
		if (file_write(dir, "memory.limit_in_bytes", buf) < 0)
			return -1;
		/* memory+swap = memory: no swap beyond the limit (absent when
		 * the kernel does not account swap). */
		*why = "set memory.memsw.limit_in_bytes";
		if (file_write(dir, "memory.memsw.limit_in_bytes", buf) < 0 && errno != ENOENT)
			return -1;
		strcpy(cg->memory_dir, dir);
	}
	if (c->pids_limit) {
		if (!(dir = v1_dir(cg, "pids", why)))
			return -1;
		snprintf(buf, sizeof buf, "%ld", c->pids_limit);
		*why = "set pids.max";
		if (file_write(dir, "pids.max", buf) < 0)
			return -1;
	}
	if (c->cpu_quota_us) {
		if (!(dir = v1_dir(cg, "cpu", why)))
			return -1;
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->cpu_quota_us);
		*why = "set cpu.cfs_quota_us";
		if (file_write(dir, "cpu.cfs_period_us", "100000") < 0 ||
		    file_write(dir, "cpu.cfs_quota_us", buf) < 0)
			return -1;
	}
	return 0;
}

/* The lifetime cgroup, in a v2 tree without limits. */
static int
create_v2_plain(struct cgroup *cg, const char *root, const char **why)
{
	const char *dir;

	*why = "create the cgroup";
	if (!(dir = make_dir(cg, root)))
		return -1;
	return 0;
}

/* The v2 tree to use: the whole of /sys/fs/cgroup, or a hybrid host's
 * unified tree. NULL when there is none. */
static const char *
v2_root(void)
{
	if (getenv("MOCKER_TEST_NO_CGROUP2")) /* test hook: the v1-only path */
		return NULL;
	if (is_cgroup2(CGROUP_ROOT))
		return CGROUP_ROOT;
	if (is_cgroup2(CGROUP_ROOT "/unified"))
		return CGROUP_ROOT "/unified";
	return NULL;
}

int
cgroup_create(struct cgroup *cg, const struct config *c, const char **why)
{
	const char *root = v2_root();
	int ret, err, limits = c->memory || c->pids_limit || c->cpu_quota_us;

	int guard = cg->guard_fd;
	void (*on_death)(void *) = cg->on_death;
	void *on_death_arg = cg->on_death_arg;

	memset(cg, 0, sizeof *cg);
	cg->v2fd = -1;
	cg->guard_fd = guard; /* the watcher, started before */
	cg->on_death = on_death;
	cg->on_death_arg = on_death_arg;
	if (root && (!limits || strcmp(root, CGROUP_ROOT) == 0 ||
	             ((!c->memory || v2_has(root, "memory")) &&
	              (!c->pids_limit || v2_has(root, "pids")) &&
	              (!c->cpu_quota_us || v2_has(root, "cpu"))))) {
		/* everything in one v2 directory */
		ret = limits ? create_v2(cg, c, root, why) : create_v2_plain(cg, root, why);
	} else if (root) {
		/* a hybrid host: lifetime in the unified tree, limits in v1 */
		ret = create_v2_plain(cg, root, why);
		if (ret == 0)
			ret = create_v1(cg, c, why);
	} else {
		/* v1 only: a freezer cgroup stands for cgroup.kill */
		const char *dir = v1_dir(cg, "freezer", why);
		ret = dir ? 0 : -1;
		if (dir)
			strcpy(cg->freezer_dir, dir);
		if (ret == 0)
			ret = create_v1(cg, c, why);
	}
	if (ret == 0 && root) {
		strcpy(cg->kill_dir, cg->dirs[0]);
		*why = "open the cgroup";
		if ((cg->v2fd = open(cg->kill_dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			ret = -1;
	}
	if (ret == 0)
		return 0;
	err = errno;
	cgroup_remove(cg);
	errno = err;
	if (getuid() != 0 && (err == EACCES || err == EPERM || err == EROFS || err == ENOENT))
		return 1;
	return -1;
}

int
cgroup_attach(struct cgroup *cg, pid_t pid, int cloned_in, const char **why)
{
	char buf[32];
	int i;

	snprintf(buf, sizeof buf, "%d", (int)pid);
	*why = "move the container into its cgroup";
	for (i = 0; i < cg->ndirs; i++) {
		if (cloned_in && strcmp(cg->dirs[i], cg->kill_dir) == 0)
			continue;
		if (file_write(cg->dirs[i], "cgroup.procs", buf) < 0)
			return -1;
	}
	return 0;
}

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
static void
kill_all(const struct cgroup *cg)
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
static int
remove_dirs(const struct cgroup *cg, long wait_ms)
{
	struct timespec ms = { 0, 1000000 };
	int i, left = 0, r;
	long waited;

	for (i = cg->ndirs - 1; i >= 0; i--) {
		for (waited = 0; (r = rmdir_tree(cg->dirs[i], 0)) < 0 && errno == EBUSY &&
		                 waited < wait_ms; waited++)
			nanosleep(&ms, NULL);
		left += r < 0;
	}
	return left;
}

int
cgroup_kill(const struct cgroup *cg)
{
	if (cg->ndirs == 0 || (!cg->kill_dir[0] && !cg->freezer_dir[0]))
		return -1;
	kill_all(cg);
	return 0;
}

void
cgroup_remove(struct cgroup *cg)
{
	int left = 0;

	if (cg->ndirs > 0) {
		kill_all(cg); /* nothing should be left: the init was reaped */
		left = remove_dirs(cg, 1000);
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

/* What mocker tells its watcher until it ends: the directories it makes
 * ("+DIR\n", "-DIR\n" when it did not), then 'd' (done) or 'r' (remove
 * them only); kill_dir and freezer_dir are known by their files. Returns
 * the last of 'd' and 'r', or 0: mocker was killed. */
static char
listen_to_mocker(struct cgroup *cg, int fd)
{
	static char line[PATH_MAX];
	char buf[512], c = 0;
	size_t len = 0;
	ssize_t n, i;
	int j;

	cg->ndirs = 0;
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
			for (j = 0; j < cg->ndirs && strcmp(cg->dirs[j], line + 1) != 0; j++)
				;
			if (line[0] == '+' && j == cg->ndirs && cg->ndirs < CGROUP_MAX_DIRS)
				strcpy(cg->dirs[cg->ndirs++], line + 1); /* shorter */
			else if (line[0] == '-' && j < cg->ndirs)
				memmove(cg->dirs[j], cg->dirs[j + 1],
				        (size_t)(--cg->ndirs - j) * sizeof cg->dirs[0]);
		}
	}
	cg->kill_dir[0] = cg->freezer_dir[0] = 0;
	for (j = 0; j < cg->ndirs; j++) {
		char file[PATH_MAX + 32];
		snprintf(file, sizeof file, "%s/cgroup.controllers", cg->dirs[j]);
		if (!cg->kill_dir[0] && access(file, F_OK) == 0)
			strcpy(cg->kill_dir, cg->dirs[j]); /* of one size */
		snprintf(file, sizeof file, "%s/freezer.state", cg->dirs[j]);
		if (!cg->freezer_dir[0] && access(file, F_OK) == 0)
			strcpy(cg->freezer_dir, cg->dirs[j]);
	}
	return c;
}

/* The watcher's life: wait for our end of the pipe; EOF without "done"
 * (or "remove") means mocker was killed. */
static __attribute__((noreturn)) void
watch(struct cgroup *cg, int fd)
{
	char c = 0;
	int null;

	setsid();
	if (chdir("/") < 0) {
		/* it pins nothing else */
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)fd - 1, 0);
	syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0);
	c = listen_to_mocker(cg, fd);
	if (c == 'r') {
		remove_dirs(cg, 10000);
	} else if (c != 'd') {
		kill_all(cg);
		remove_dirs(cg, 5000);
		if (cg->on_death)
			cg->on_death(cg->on_death_arg);
	}
	_exit(0);
}

static struct watching {
	struct cgroup *cg;
	int fd;
} watching;
static char middle_stack[65536] __attribute__((aligned(16)));

/* Shares our memory: raw system calls only. The watcher, a copy, runs on
 * its copy of this stack. */
static int
middle(void *arg)
{
	struct watching *w = arg;
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		watch(w->cg, w->fd);
	syscall(SYS_exit, pid < 0 ? 1 : 0);
	return 0;
}

int
cgroup_guard(struct cgroup *cg)
{
	int p[2], err = 0;
	pid_t pid;

	cg->guard_fd = -1;
	if (getenv("MOCKER_TEST_NO_WATCHER")) /* a test's control */
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	/*
	 * The watcher is nobody's child of ours, so that killing our process
	 * tree leaves it be: a middle process forks it and exits. The middle
	 * one shares our memory, on a stack of its own, and we wait while it
	 * runs (CLONE_VFORK): cheaper than a fork of all of us, twice.
	 */
	watching.cg = cg;
	watching.fd = p[0];
	pid = clone(middle, middle_stack + sizeof middle_stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
	            &watching);
	if (pid < 0)
		err = errno;
	else
		while (waitpid(pid, &err, 0) < 0 && errno == EINTR)
			;
	close(p[0]);
	if (pid < 0 || err != 0) {
		close(p[1]);
		errno = pid < 0 ? err : EAGAIN;
		return -1;
	}
	cg->guard_fd = p[1];
	return 0;
}
