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
#include <unistd.h>

#include "cgroup.h"
#include "file.h"
#include "monitor_exec.h"
#include "nft.h"
#include "oci.h"
#include "watch.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP2_SUPER_MAGIC 0x63677270

static int
is_cgroup2(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* "+DIR" (about to be made) or "-DIR" (not made) to the watcher; or
 * "FPATH" (a file to remove) and "NLINE" (an nft command to run) should
 * mocker die. */
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

void
cgroup_guard_unlink(const struct cgroup *cg, const char *path, const char *holding)
{
	char line[PATH_MAX + 100];

	snprintf(line, sizeof line, "%s\t%s", path, holding);
	tell_watcher(cg, 'F', line);
}

void
cgroup_guard_tree(const struct cgroup *cg, const char *path)
{
	tell_watcher(cg, 'T', path);
}

void
cgroup_guard_nft(const struct cgroup *cg, const char *script)
{
	const char *line, *end;
	char one[512];

	for (line = script; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (end > line && (size_t)(end - line) < sizeof one) {
			memcpy(one, line, (size_t)(end - line));
			one[end - line] = 0;
			tell_watcher(cg, 'N', one);
		}
	}
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
	if (cg->path) { /* OCI: the caller's name, made with its parents */
		char *slash, procs[16];
		int level = 0, made = -1;
		snprintf(dir, PATH_MAX, "%s/%s", hierarchy, cg->path + (cg->path[0] == '/'));
		for (slash = strchr(dir + strlen(hierarchy) + 1, '/'); slash;
		     slash = strchr(slash + 1, '/'), level++) {
			*slash = 0;
			if (mkdir(dir, 0755) == 0) {
				if (made < 0)
					made = level;
			} else if (errno != EEXIST) {
				return NULL;
			} else if (made < 0 && file_read(dir, "cgroup.procs", procs, sizeof procs) != 0) {
				/* never below a cgroup with processes: another
				 * container's, which this one's delete would kill
				 * with it, and whose limits it would share */
				errno = EBUSY;
				return NULL;
			}
			*slash = '/';
		}
		cg->made_from[cg->ndirs] = made < 0 ? level : made;
		cg->leaf[cg->ndirs] = level;
		if (mkdir(dir, 0755) < 0) {
			/* an existing one, empty (as runc): never one with
			 * processes of others, which delete would kill */
			char procs[16];
			if (errno != EEXIST)
				return NULL;
			if (file_read(dir, "cgroup.procs", procs, sizeof procs) != 0) {
				errno = EBUSY;
				return NULL;
			}
		}
		cg->ndirs++;
		return dir;
	}
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
			cg->made_from[cg->ndirs] = cg->leaf[cg->ndirs] = 0; /* no parents */
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

/* Enables controller in every directory from root down to dir's parent
 * (an OCI cgroupsPath may be several levels deep). */
static int
enable_down(const char *root, const char *dir, const char *controller, const char **why)
{
	char path[PATH_MAX], *slash;

	snprintf(path, sizeof path, "%s", dir);
	for (slash = path + strlen(root); slash; slash = strchr(slash + 1, '/')) {
		char keep = *slash;
		if (slash != path + strlen(root) && !strchr(slash + 1, '/'))
			break; /* dir itself: its own children are none of ours */
		*slash = 0;
		if (enable(path, controller, why) < 0 && errno != EBUSY)
			return -1;
		*slash = keep;
		if (!keep)
			break;
	}
	return 0;
}

/* OCI memory beyond the limit and blockIO on v2: reservation as
 * memory.low, swap beyond the limit as memory.swap.max, weight and
 * throttles in io.weight and io.max; v2 has no swappiness nor OOM switch. */
static int
create_v2_oci_memory_io(const struct oci *o, const char *root, const char *dir,
                        const char **why)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	char buf[96], max[32];
	int i;

	if (o->swappiness >= 0 || o->disable_oom_killer) {
		*why = "set linux.resources.memory.swappiness or disableOOMKiller: cgroup v2 has "
		       "no such files";
		errno = EINVAL;
		return -1;
	}
	if ((o->mem_reservation || o->mem_swap) && enable_down(root, dir, "+memory", why) < 0)
		return -1;
	snprintf(buf, sizeof buf, "%lld", (long long)o->mem_reservation);
	*why = "set memory.low";
	if (o->mem_reservation && file_write(dir, "memory.low", buf) < 0)
		return -1;
	if (o->mem_swap < 0)
		strcpy(buf, "max");
	else
		snprintf(buf, sizeof buf, "%lld", (long long)o->mem_swap - (long long)
		         (file_read(dir, "memory.max", max, sizeof max) > 0 ? atoll(max) : 0));
	*why = "set memory.swap.max";
	if (o->mem_swap && file_write(dir, "memory.swap.max", buf) < 0)
		return -1;
	if ((o->blkio_weight || o->nthrottle) && enable_down(root, dir, "+io", why) < 0)
		return -1;
	snprintf(buf, sizeof buf, "default %u", o->blkio_weight);
	*why = "set io.weight";
	if (o->blkio_weight && file_write(dir, "io.weight", buf) < 0)
		return -1;
	for (i = 0; i < o->nthrottle; i++) {
		snprintf(buf, sizeof buf, "%u:%u %s=%llu", o->throttle[i].major, o->throttle[i].minor,
		         keys[o->throttle[i].which], (unsigned long long)o->throttle[i].rate);
		*why = "set io.max";
		if (file_write(dir, "io.max", buf) < 0)
			return -1;
	}
	return 0;
}

/* OCI linux.resources.cpu on v2: shares as cpu.weight (runc's formula),
 * cpus and mems in cpuset; real-time has no v2 file. */
static int
create_v2_oci(const struct oci *o, const char *root, const char *dir, const char **why)
{
	char buf[64];

	if (o->rt_runtime || o->rt_period) {
		*why = "set linux.resources.cpu.realtimeRuntime and realtimePeriod: cgroup v2 has "
		       "no such files";
		errno = EINVAL;
		return -1;
	}
	if (o->cpu_shares || o->cpu_quota || o->cpu_period) {
		if (enable_down(root, dir, "+cpu", why) < 0)
			return -1;
		if (o->cpu_quota)
			snprintf(buf, sizeof buf, "%lld %llu", (long long)o->cpu_quota,
			         (unsigned long long)(o->cpu_period ? o->cpu_period : 100000));
		else
			snprintf(buf, sizeof buf, "max %llu",
			         (unsigned long long)(o->cpu_period ? o->cpu_period : 100000));
		*why = "set cpu.max";
		if ((o->cpu_quota || o->cpu_period) && file_write(dir, "cpu.max", buf) < 0)
			return -1;
	}
	if (o->cpu_shares) {
		snprintf(buf, sizeof buf, "%llu",
		         1 + ((unsigned long long)o->cpu_shares - 2) * 9999 / 262142);
		*why = "set cpu.weight";
		if (file_write(dir, "cpu.weight", buf) < 0)
			return -1;
	}
	if ((o->cpus || o->mems) && enable_down(root, dir, "+cpuset", why) < 0)
		return -1;
	*why = "set cpuset.cpus";
	if (o->cpus && file_write(dir, "cpuset.cpus", o->cpus) < 0)
		return -1;
	*why = "set cpuset.mems";
	if (o->mems && file_write(dir, "cpuset.mems", o->mems) < 0)
		return -1;
	return create_v2_oci_memory_io(o, root, dir, why);
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
	return c->oci ? create_v2_oci(c->oci, root, dir, why) : 0;
}

/* The v1 hierarchy of a controller ("cpu" may be "cpu,cpuacct"). */
static int
v1_hierarchy(const char *controller, char *out)
{
	static const char *const names[][2] = {
		{ "memory", "memory" }, { "pids", "pids" }, { "freezer", "freezer" },
		{ "cpu", "cpu" }, { "cpu", "cpu,cpuacct" }, { "cpu", "cpuacct,cpu" },
		{ "devices", "devices" }, { "cpuset", "cpuset" }, { "blkio", "blkio" },
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

	*why = controller[0] == 'd' ? "find the devices cgroup controller" :
	       controller[0] == 'b' ? "find the blkio cgroup controller" :
	       controller[0] == 'm' ? "find the memory cgroup controller" :
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

/* OCI linux.resources.devices, in order, where there is a v1 devices
 * controller. Without one (cgroup v2 needs an eBPF program, not written
 * yet) the container's devices are only those of its /dev: every other
 * mount of it is nodev (docs/oci.md). */
static int
create_v1_devices(struct cgroup *cg, const struct config *c, const char **why)
{
	static const char *const always[] = {
		"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm",
		"c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
	};
	char hier[PATH_MAX];
	const char *dir;
	int i;

	if (!c->oci || !c->oci->nrules || v1_hierarchy("devices", hier) < 0)
		return 0;
	if (!(dir = v1_dir(cg, "devices", why)))
		return -1;
	for (i = 0; i < c->oci->nrules; i++) {
		const struct oci_device_rule *r = &c->oci->rules[i];
		*why = r->allow ? "set devices.allow" : "set devices.deny";
		if (file_write(dir, r->allow ? "devices.allow" : "devices.deny", r->line) < 0)
			return -1;
	}
	/* then, as runc, the nodes every container's /dev has (dev.c) and
	 * those of linux.devices */
	*why = "set devices.allow";
	for (i = 0; i < (int)(sizeof always / sizeof always[0]); i++)
		if (file_write(dir, "devices.allow", always[i]) < 0)
			return -1;
	for (i = 0; i < c->oci->ndevices; i++) {
		const struct oci_device *d = &c->oci->devices[i];
		char line[64];
		if (d->type == 'p')
			continue;
		snprintf(line, sizeof line, "%c %u:%u rwm", d->type, d->major, d->minor);
		if (file_write(dir, "devices.allow", line) < 0)
			return -1;
	}
	return 0;
}

/* A v1 cpuset directory and each made parent get their parent's cpus and
 * mems when they have none: a process cannot join a cpuset without. */
static void
cpuset_inherit(const char *hier, const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char path[PATH_MAX], parent[PATH_MAX], buf[1024];
	size_t i, n = strlen(hier);
	char *slash;

	snprintf(path, sizeof path, "%s", dir);
	for (slash = strchr(path + n + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = 0;
		snprintf(parent, sizeof parent, "%s", path);
		*strrchr(parent, '/') = 0;
		for (i = 0; i < 2; i++)
			if (file_read(path, files[i], buf, sizeof buf) >= 0 && buf[0] == '\n' &&
			    file_read(parent, files[i], buf, sizeof buf) > 0)
				file_write(path, files[i], buf);
		if (!slash)
			break;
		*slash = '/';
	}
}

/* Writes n to dir/file unless it is 0 (not given); 0, or -1 with *why
 * "set FILE". */
static int
set_num(const char *dir, const char *file, long long n, const char **why)
{
	static char what[64];
	char buf[32];

	if (!n)
		return 0;
	snprintf(what, sizeof what, "set %s", file);
	*why = what;
	snprintf(buf, sizeof buf, "%lld", n);
	return file_write(dir, file, buf);
}

/* OCI linux.resources.cpu: shares, real-time runtime and period (cpu
 * controller), cpus and mems (cpuset). */
static int
create_v1_oci_cpu(struct cgroup *cg, const struct config *c, const char **why)
{
	const struct oci *o = c->oci;
	char hier[PATH_MAX];
	const char *dir;

	if (!o)
		return 0;
	if (o->cpu_shares || o->rt_runtime || o->rt_period || o->cpu_quota || o->cpu_period) {
		if (!(dir = v1_dir(cg, "cpu", why)) ||
		    set_num(dir, "cpu.cfs_period_us", (long long)o->cpu_period, why) < 0 ||
		    set_num(dir, "cpu.cfs_quota_us", o->cpu_quota, why) < 0 ||
		    set_num(dir, "cpu.shares", (long long)o->cpu_shares, why) < 0 ||
		    set_num(dir, "cpu.rt_period_us", (long long)o->rt_period, why) < 0 ||
		    set_num(dir, "cpu.rt_runtime_us", o->rt_runtime, why) < 0)
			return -1;
	}
	if (o->cpus || o->mems) {
		if (!(dir = v1_dir(cg, "cpuset", why)) || v1_hierarchy("cpuset", hier) < 0)
			return -1;
		cpuset_inherit(hier, dir);
		*why = "set cpuset.cpus";
		if (o->cpus && file_write(dir, "cpuset.cpus", o->cpus) < 0)
			return -1;
		*why = "set cpuset.mems";
		if (o->mems && file_write(dir, "cpuset.mems", o->mems) < 0)
			return -1;
	}
	return 0;
}

static const char *const throttle_v1[] = { "blkio.throttle.read_bps_device",
	"blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
	"blkio.throttle.write_iops_device" };
static const char *const throttle_why[] = { "set blkio.throttle.read_bps_device",
	"set blkio.throttle.write_bps_device", "set blkio.throttle.read_iops_device",
	"set blkio.throttle.write_iops_device" };

/* OCI linux.resources.memory beyond the limit, and blockIO (v1). */
static int
create_v1_oci_memory_io(struct cgroup *cg, const struct config *c, const char **why)
{
	const struct oci *o = c->oci;
	char buf[64];
	const char *dir;
	int i;

	if (!o)
		return 0;
	if (o->mem_reservation || o->mem_swap || o->swappiness >= 0 || o->disable_oom_killer) {
		if (!(dir = v1_dir(cg, "memory", why)) ||
		    set_num(dir, "memory.soft_limit_in_bytes", o->mem_reservation, why) < 0 ||
		    set_num(dir, "memory.memsw.limit_in_bytes", o->mem_swap, why) < 0)
			return -1;
		snprintf(buf, sizeof buf, "%d", o->swappiness);
		*why = "set memory.swappiness";
		if (o->swappiness >= 0 && file_write(dir, "memory.swappiness", buf) < 0)
			return -1;
		*why = "set memory.oom_control";
		if (o->disable_oom_killer && file_write(dir, "memory.oom_control", "1") < 0)
			return -1;
	}
	if (o->blkio_weight || o->nthrottle) {
		if (!(dir = v1_dir(cg, "blkio", why)) ||
		    set_num(dir, "blkio.weight", o->blkio_weight, why) < 0)
			return -1;
		for (i = 0; i < o->nthrottle; i++) {
			snprintf(buf, sizeof buf, "%u:%u %llu", o->throttle[i].major, o->throttle[i].minor,
			         (unsigned long long)o->throttle[i].rate);
			*why = throttle_why[o->throttle[i].which];
			if (file_write(dir, throttle_v1[o->throttle[i].which], buf) < 0)
				return -1;
		}
	}
	return 0;
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
	if (create_v1_oci_cpu(cg, c, why) < 0 || create_v1_oci_memory_io(cg, c, why) < 0)
		return -1;
	return create_v1_devices(cg, c, why);
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
	/* v1 only (create_v1_devices), and OCI's cpu settings, v1 here */
	int devices = c->oci && (c->oci->nrules || c->oci->cpu_shares || c->oci->rt_runtime ||
	                         c->oci->rt_period || c->oci->cpus || c->oci->mems ||
	                         c->oci->cpu_quota || c->oci->cpu_period ||
	                         c->oci->mem_reservation || c->oci->mem_swap ||
	                         c->oci->swappiness >= 0 || c->oci->disable_oom_killer ||
	                         c->oci->blkio_weight || c->oci->nthrottle);

	int guard = cg->guard_fd;

	cg->ndirs = 0;
	cg->memory_dir[0] = cg->kill_dir[0] = cg->freezer_dir[0] = 0;
	cg->memory_v2 = 0;
	cg->v2fd = -1;
	cg->guard_fd = guard; /* the watcher, started before */
	if (root && ((!limits && !devices) || strcmp(root, CGROUP_ROOT) == 0 ||
	             (!devices && (!c->memory || v2_has(root, "memory")) &&
	              (!c->pids_limit || v2_has(root, "pids")) &&
	              (!c->cpu_quota_us || v2_has(root, "cpu"))))) {
		/* everything in one v2 directory */
		ret = limits || devices ? create_v2(cg, c, root, why) :
		      create_v2_plain(cg, root, why);
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

static struct watching {
	int fd;
	char *env[8];
	const struct cgroup *cg;
} watching;
static char middle_stack[65536] __attribute__((aligned(16)));

/* The watcher, a copy of us: the monitor program in its place, which
 * holds less of the host (nobody waits for its exec); if that cannot
 * start, this copy watches. */
static __attribute__((noreturn)) void
watch(struct watching *w)
{
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
	if (w->fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)w->fd - 1, 0);
	syscall(SYS_close_range, (unsigned)w->fd + 1, ~0U, 0);
	fcntl(w->fd, F_SETFD, 0);
	monitor_exec(w->env);
	watch_cgroup(w->fd, w->cg->forget_file, w->cg->forget_link, w->cg->forget_id, nft_path());
	_exit(0);
}

/* Shares our memory: raw system calls only. The watcher, a copy, runs on
 * its copy of this stack. */
static int
middle(void *arg)
{
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		watch(arg);
	syscall(SYS_exit, pid < 0 ? 1 : 0);
	return 0;
}

int
cgroup_guard(struct cgroup *cg)
{
	static char nft_env[32], fd_env[32], file_env[PATH_MAX + 16], link_env[PATH_MAX + 24], id_env[96];
	int p[2], err = 0, n = 0;
	pid_t pid;

	cg->guard_fd = -1;
	if (getenv("MOCKER_TEST_NO_WATCHER")) /* a test's control */
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	watching.fd = p[0];
	watching.cg = cg;
	watching.env[n++] = "MOCKER_MONITOR=watch";
	snprintf(nft_env, sizeof nft_env, "MOCKER_NFT=%s", nft_path());
	watching.env[n++] = nft_env;
	snprintf(fd_env, sizeof fd_env, "MOCKER_WATCH_FD=%d", p[0]);
	watching.env[n++] = fd_env;
	if (cg->forget_file) {
		snprintf(file_env, sizeof file_env, "MOCKER_FORGET=%s", cg->forget_file);
		watching.env[n++] = file_env;
	}
	if (cg->forget_link && cg->forget_id) {
		snprintf(link_env, sizeof link_env, "MOCKER_FORGET_LINK=%s", cg->forget_link);
		snprintf(id_env, sizeof id_env, "MOCKER_FORGET_ID=%s", cg->forget_id);
		watching.env[n++] = link_env;
		watching.env[n++] = id_env;
	}
	watching.env[n] = NULL;
	/*
	 * The watcher is nobody's child of ours, so that killing our process
	 * tree leaves it be: a middle process forks it and exits. The middle
	 * one shares our memory, on a stack of its own, and we wait while it
	 * runs (CLONE_VFORK): cheaper than a fork of all of us, twice.
	 */
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
