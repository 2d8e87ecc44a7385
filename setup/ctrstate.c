#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctrstate.h"
#include "file.h"
#include "state.h"
#include "store.h"

static char root_given[PATH_MAX];

void
ctr_set_root(const char *dir)
{
	snprintf(root_given, sizeof root_given, "%s", dir);
}

const char *
ctr_root_name(void)
{
	const char *env = getenv("MOCKER_ROOT"), *base;

	if (root_given[0])
		return root_given;
	if (env && *env)
		return env;
	base = state_dir();
	return base ? base : "the state directory";
}

const char *
ctr_root(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("MOCKER_ROOT"), *base;
	char sub[PATH_MAX + 32];

	if (dir[0])
		return dir;
	if (root_given[0])
		base = root_given;
	else if (env && *env)
		base = env;
	else if (!(base = state_dir()))
		return NULL;
	snprintf(dir, sizeof dir, "%s", base);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		goto fail;
	snprintf(sub, sizeof sub, "%s/containers", dir);
	if (mkdir(sub, 0700) < 0 && errno != EEXIST)
		goto fail;
	snprintf(sub, sizeof sub, "%s/names", dir);
	if (mkdir(sub, 0700) < 0 && errno != EEXIST)
		goto fail;
	return dir;
fail:
	dir[0] = 0;
	return NULL;
}

long long
ctr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

unsigned long long
proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	int field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (file_read(NULL, path, buf, sizeof buf) <= 0 || !(p = strrchr(buf, ')')))
		return 0;
	/* field 22 is starttime; p is at the end of field 2 */
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

int
ctr_alive(pid_t pid, unsigned long long start)
{
	char path[64], buf[1024], *p;

	if (pid <= 0 || !start || proc_start_time(pid) != start)
		return 0;
	/* a zombie is not alive: its parent has not reaped it yet */
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	return file_read(NULL, path, buf, sizeof buf) > 0 && (p = strrchr(buf, ')')) &&
	       p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static void
make_id(char *id)
{
	unsigned char r[CTR_ID_LEN / 2];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		for (i = 0; i < sizeof r; i++) /* no entropy: time and pid */
			r[i] = (unsigned char)((unsigned long long)ctr_now() >> (i % 8 * 8) ^ (unsigned)getpid() ^ i * 131);
	for (i = 0; i < sizeof r; i++)
		sprintf(id + 2 * i, "%02x", r[i]);
	id[CTR_ID_LEN] = 0;
}

/* The name's link, made with symlink(2): of two, exactly one gets it. */
static int
claim_name(const char *root, const struct ctr *c)
{
	char link[PATH_MAX + 160];

	snprintf(link, sizeof link, "%s/names/%s", root, c->name);
	return symlink(c->id, link);
}

int
ctr_create(struct ctr *c, const char *name, int detached)
{
	const char *root = ctr_root();
	if (!root)
		return -1;
	make_id(c->id);
	if (name)
		snprintf(c->name, sizeof c->name, "%s", name);
	else /* made from the id: unique with it, and found by it */
		snprintf(c->name, sizeof c->name, "mocker-%.12s", c->id);
	snprintf(c->dir, sizeof c->dir, "%s/containers/%s", root, c->id);
	c->detached = detached;
	c->file_only = !detached;
	c->created = ctr_now();
	if (name && claim_name(root, c) < 0)
		return -1;
	c->named = name != NULL;
	if (c->file_only) /* written once it runs: nothing to show before */
		return 0;
	if (mkdir(c->dir, 0700) < 0)
		goto fail;
	return ctr_save(c);
fail:
	ctr_remove(c);
	return -1;
}

int
ctr_save(const struct ctr *c)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 32];
	FILE *f;
	int fd;

	if (c->file_only) {
		/* in place: a reader that finds it half written skips it */
		snprintf(path, sizeof path, "%s", c->dir);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
		    !(f = fdopen(fd, "w"))) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
	} else {
		snprintf(tmp, sizeof tmp, "%s/state.tmp.%d", c->dir, (int)getpid());
		snprintf(path, sizeof path, "%s/state", c->dir);
		if (!(f = fopen(tmp, "we")))
			return -1;
	}
	fprintf(f, "id=%s\nname=%s\nstatus=%d\ndetached=%d\nrm=%d\npid=%d\nmonitor=%d\n"
	        "pid_start=%llu\nmon_start=%llu\nexit_code=%d\noom=%d\nreason=%s\n"
	        "created=%lld\nstarted=%lld\nfinished=%lld\nstop_signal=%d\nstop_timeout=%d\n"
	        "rootfs=%s\ncgroup=%s\nports=%s\nip=%s\nstore=%s\ncommand=%s\nend=1\n",
	        c->id, c->name, c->status, c->detached, c->auto_remove, (int)c->pid,
	        (int)c->monitor, c->pid_start, c->mon_start, c->exit_code, c->oom, c->reason,
	        c->created, c->started, c->finished, c->stop_signal, c->stop_timeout,
	        c->rootfs, c->cgroup, c->ports, c->ip, c->store, c->command);
	if (c->file_only) {
		long end = ftell(f);
		if (fflush(f) != 0 || ftruncate(fileno(f), end) < 0) {
			fclose(f);
			return -1;
		}
		return fclose(f) == 0 ? 0 : -1;
	}
	if (fflush(f) != 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	return rename(tmp, path);
}

static void
field(const char *line, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) == 0 && line[k] == '=')
		snprintf(out, size, "%s", line + k + 1);
}

/* Reads the state of the container at dir (whose name is its id): its
 * directory, or a foreground run's state file. */
static int
load(const char *dir, struct ctr *c)
{
	char path[PATH_MAX + 32], line[PATH_MAX + 64], v[PATH_MAX];
	struct stat st;
	int whole = 0;
	FILE *f;

	memset(c, 0, sizeof *c);
	snprintf(c->dir, sizeof c->dir, "%s", dir);
	if (stat(dir, &st) < 0)
		return -1;
	c->file_only = S_ISREG(st.st_mode);
	snprintf(path, sizeof path, c->file_only ? "%s" : "%s/state", dir);
	if (!(f = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		v[0] = 0;
		field(line, "id", c->id, sizeof c->id);
		field(line, "name", c->name, sizeof c->name);
		field(line, "reason", c->reason, sizeof c->reason);
		field(line, "rootfs", c->rootfs, sizeof c->rootfs);
		field(line, "cgroup", c->cgroup, sizeof c->cgroup);
		field(line, "ports", c->ports, sizeof c->ports);
		field(line, "ip", c->ip, sizeof c->ip);
		field(line, "store", c->store, sizeof c->store);
		field(line, "command", c->command, sizeof c->command);
#define NUM(k, dst, conv) v[0] = 0; field(line, k, v, sizeof v); if (v[0]) dst = conv;
		NUM("status", c->status, atoi(v))
		NUM("detached", c->detached, atoi(v))
		NUM("rm", c->auto_remove, atoi(v))
		NUM("pid", c->pid, (pid_t)atoi(v))
		NUM("monitor", c->monitor, (pid_t)atoi(v))
		NUM("pid_start", c->pid_start, strtoull(v, NULL, 10))
		NUM("mon_start", c->mon_start, strtoull(v, NULL, 10))
		NUM("exit_code", c->exit_code, atoi(v))
		NUM("oom", c->oom, atoi(v))
		NUM("created", c->created, atoll(v))
		NUM("started", c->started, atoll(v))
		NUM("finished", c->finished, atoll(v))
		NUM("stop_signal", c->stop_signal, atoi(v))
		NUM("stop_timeout", c->stop_timeout, atoi(v))
		NUM("end", whole, atoi(v))
#undef NUM
	}
	fclose(f);
	if (strlen(c->id) != CTR_ID_LEN || !whole) {
		errno = EINVAL;
		return -1;
	}
	/* running, but its monitor is gone (killed): the watcher killed the
	 * container with it */
	if (c->status == CTR_RUNNING && !ctr_alive(c->monitor, c->mon_start)) {
		c->status = CTR_EXITED;
		c->exit_code = 137;
		snprintf(c->reason, sizeof c->reason, "monitor killed");
		if (!c->finished)
			c->finished = ctr_now();
	}
	return 0;
}

struct finding {
	const char *what;
	struct ctr *c;
	int matches;
	char id[CTR_ID_LEN + 1];
};

static int
match_prefix(struct ctr *c, void *ctx)
{
	struct finding *f = ctx;

	if (strncmp(c->id, f->what, strlen(f->what)) == 0) {
		f->matches++;
		memcpy(f->id, c->id, sizeof f->id);
	}
	return 0;
}

int
ctr_find(const char *what, struct ctr *c)
{
	const char *root = ctr_root();
	char path[PATH_MAX + 160], id[CTR_ID_LEN + 2];
	struct finding f = { .what = what, .c = c };
	ssize_t n;

	if (!root)
		return -1;
	if (!*what || strchr(what, '/')) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof path, "%s/names/%s", root, what);
	if ((n = readlink(path, id, sizeof id - 1)) == CTR_ID_LEN) {
		id[n] = 0;
		snprintf(path, sizeof path, "%s/containers/%s", root, id);
		return load(path, c);
	}
	/* a made-up name is "mocker-" and the start of the id */
	if (strncmp(what, "mocker-", 7) == 0 && strlen(what) == 19)
		what += 7;
	f.what = what;
	/* an id, or a unique prefix of one */
	if (strspn(what, "0123456789abcdef") != strlen(what)) {
		errno = ENOENT;
		return -1;
	}
	if (ctr_each(match_prefix, &f) < 0)
		return -1;
	if (f.matches != 1) {
		errno = f.matches ? EEXIST : ENOENT;
		return -1;
	}
	snprintf(path, sizeof path, "%s/containers/%s", root, f.id);
	return load(path, c);
}

/* A foreground run's state file left empty or half written by a mocker
 * killed while writing it: removed once it is a minute old (a younger one
 * may be being written now). */
static void
forget_broken(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    ctr_now() / 1000000000LL - st.st_mtime > 60)
		unlink(path);
}

int
ctr_each(int (*fn)(struct ctr *c, void *ctx), void *ctx)
{
	const char *root = ctr_root();
	char path[PATH_MAX + 160];
	struct dirent *e;
	struct ctr c;
	DIR *d;
	int r = 0;

	if (!root)
		return -1;
	snprintf(path, sizeof path, "%s/containers", root);
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : -1; /* none yet */
	while (r == 0 && (e = readdir(d))) {
		char dir[PATH_MAX + 512];
		if (strlen(e->d_name) != CTR_ID_LEN)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", path, e->d_name);
		if (load(dir, &c) < 0) {
			forget_broken(dir);
			continue;
		}
		if (!c.detached && !ctr_alive(c.monitor, c.mon_start)) {
			/* a foreground run whose mocker was killed: nothing of
			 * it stays (its watcher removes this too, if it had one) */
			ctr_remove(&c);
			continue;
		}
		r = fn(&c, ctx);
	}
	closedir(d);
	return r;
}

int
ctr_load_id(const char *id, struct ctr *c)
{
	const char *root = ctr_root();
	char dir[PATH_MAX];

	if (!root)
		return -1;
	if (strlen(id) != CTR_ID_LEN || strspn(id, "0123456789abcdef") != CTR_ID_LEN) {
		errno = EINVAL;
		return -1;
	}
	snprintf(dir, sizeof dir, "%s/containers/%s", root, id);
	return load(dir, c);
}

int
ctr_ended(struct ctr *c, int code, int oom)
{
	c->status = CTR_EXITED;
	c->exit_code = code;
	c->oom = oom;
	if (oom)
		snprintf(c->reason, sizeof c->reason, "out of memory");
	c->finished = ctr_now();
	return c->auto_remove ? ctr_remove(c) : ctr_save(c);
}

int
ctr_remove(const struct ctr *c)
{
	const char *root = ctr_root();
	char path[PATH_MAX + 160], id[CTR_ID_LEN + 2];
	static const char *const files[] = { "state", "log", "log.1" };
	size_t i;
	ssize_t n;

	if (!root)
		return -1;
	/* (a foreground run's: its cgroup's watcher, once the container
	 * is gone, so that mocker run returns at once) */
	if (c->store[0] && !c->store_watched)
		store_remove_path(c->store, c->id);
	snprintf(path, sizeof path, "%s/names/%s", root, c->name);
	/* (a name made from the id has no link; one loaded from a state
	 * file is not known to be either: looked for) */
	if ((n = readlink(path, id, sizeof id - 1)) == CTR_ID_LEN) {
		id[n] = 0;
		if (strcmp(id, c->id) == 0)
			unlink(path);
	}
	if (c->file_only)
		return unlink(c->dir) < 0 && errno != ENOENT ? -1 : 0;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", c->dir, files[i]);
		unlink(path);
	}
	return rmdir(c->dir);
}
