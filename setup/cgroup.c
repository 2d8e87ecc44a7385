#include <errno.h>
#include <fcntl.h>
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
		if (mkdir(dir, 0755) == 0) {
			cg->ndirs++;
			return dir;
		}
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
		{ "memory", "memory" }, { "pids", "pids" },
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

int
cgroup_create(struct cgroup *cg, const struct config *c, const char **why)
{
	int ret, err;

	memset(cg, 0, sizeof *cg);
	if (!c->memory && !c->pids_limit && !c->cpu_quota_us)
		return 0;
	if (is_cgroup2(CGROUP_ROOT)) {
		ret = create_v2(cg, c, CGROUP_ROOT, why);
	} else {
		/* Hybrid or v1: each controller where it is mounted; a hybrid
		 * host's unified tree only when it holds them all. */
		const char *unified = CGROUP_ROOT "/unified";
		if (is_cgroup2(unified) &&
		    (!c->memory || v2_has(unified, "memory")) &&
		    (!c->pids_limit || v2_has(unified, "pids")) &&
		    (!c->cpu_quota_us || v2_has(unified, "cpu")))
			ret = create_v2(cg, c, unified, why);
		else
			ret = create_v1(cg, c, why);
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
cgroup_attach(struct cgroup *cg, pid_t pid, const char **why)
{
	char buf[32];
	int i;

	snprintf(buf, sizeof buf, "%d", (int)pid);
	*why = "move the container into its cgroup";
	for (i = 0; i < cg->ndirs; i++)
		if (file_write(cg->dirs[i], "cgroup.procs", buf) < 0)
			return -1;
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

void
cgroup_remove(struct cgroup *cg)
{
	struct timespec pause = { 0, 1000000 };
	int i, tries;

	/* The container's processes are gone when its init is reaped, but
	 * the kernel may take a moment to let go of the cgroup. */
	for (i = cg->ndirs - 1; i >= 0; i--) {
		for (tries = 0; tries < 1000; tries++) {
			if (rmdir(cg->dirs[i]) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY)
				break;
			nanosleep(&pause, NULL);
		}
	}
	cg->ndirs = 0;
}

int
cgroup_guard(struct cgroup *cg)
{
	int p[2], null, i;
	char c;
	pid_t pid;

	if (cg->ndirs == 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		/* The middle process exits at once: the watcher is nobody's
		 * child of ours, so killing our process tree leaves it be. */
		close(p[0]);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return 0; /* p[1] stays open in us until we exit, however */
	}
	if (fork() != 0)
		_exit(0);
	/* The watcher: a session of its own (a kill of our process group
	 * does not reach it), and none of our caller's descriptors (a pipe
	 * reading our output sees its end when we end). */
	close(p[1]);
	setsid();
	if (chdir("/") < 0) {
		/* it pins nothing else */
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (p[0] > 3)
		syscall(SYS_close_range, 3U, (unsigned)p[0] - 1, 0);
	syscall(SYS_close_range, (unsigned)p[0] + 1, ~0U, 0);
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	/* Our launcher is gone; its container dies with it (parent-death
	 * signal): give the kernel time to empty the cgroup, then remove. */
	for (i = cg->ndirs - 1; i >= 0; i--) {
		int tries;
		for (tries = 0; tries < 200; tries++) {
			struct timespec t = { 0, 25000000 };
			if (rmdir(cg->dirs[i]) == 0 || errno == ENOENT)
				break;
			nanosleep(&t, NULL);
		}
	}
	_exit(0);
}
