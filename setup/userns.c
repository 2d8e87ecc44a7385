#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "state.h"
#include "userns.h"

#define SUB_MAX 65536

static int
write_proc(pid_t pid, const char *file, const char *text)
{
	char dir[32];

	snprintf(dir, sizeof dir, "/proc/%d", (int)pid);
	return file_write(dir, file, text);
}

/* The caller's first range in /etc/subuid or /etc/subgid (by name or
 * number): 0 and its start and count, or -1. */
static int
sub_range(const char *file, const char *name, unsigned long id, uid_t *start, uid_t *count)
{
	char line[512], num[24];
	FILE *f = fopen(file, "re");
	int ret = -1;

	if (!f)
		return -1;
	snprintf(num, sizeof num, "%lu", id);
	while (ret < 0 && fgets(line, sizeof line, f)) {
		char *who = strtok(line, ":\n"), *s = strtok(NULL, ":\n"), *n = strtok(NULL, ":\n");
		unsigned long a, b;
		if (!who || !s || !n || (strcmp(who, name) != 0 && strcmp(who, num) != 0))
			continue;
		a = strtoul(s, NULL, 10);
		b = strtoul(n, NULL, 10);
		if (b == 0)
			continue;
		*start = (uid_t)a;
		*count = (uid_t)(b > SUB_MAX ? SUB_MAX : b);
		ret = 0;
	}
	fclose(f);
	return ret;
}

static int
have(const char *prog)
{
	return access(prog, X_OK) == 0;
}

/* The lowest 65536-aligned range from 100000 on that no process's
 * uid_map uses (--userns=auto). */
static uid_t
free_range(void)
{
	static unsigned char used[4096]; /* 65536-blocks from 100000 on */
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], buf[4096];
	unsigned i;

	while (d && (e = readdir(d))) {
		char *line;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/uid_map", e->d_name);
		if (file_read(NULL, path, buf, sizeof buf) <= 0)
			continue;
		for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			unsigned long in, out, n, b;
			if (sscanf(line, "%lu %lu %lu", &in, &out, &n) != 3 || out < 100000)
				continue;
			for (b = (out - 100000) / 65536; b <= (out + n - 1 - 100000) / 65536 &&
			     b < sizeof used; b++)
				used[b] = 1;
		}
	}
	if (d)
		closedir(d);
	for (i = 0; i < sizeof used && used[i]; i++)
		;
	return (uid_t)(100000 + (unsigned long)i * 65536);
}

void
userns_plan(struct idmaps *m, int rootless, int keep_id, uid_t base, uid_t size)
{
	struct passwd *pw;
	uid_t gcount = 0;

	memset(m, 0, sizeof *m);
	m->uid = getuid();
	m->gid = getgid();
	m->keep_id = keep_id;
	if (!rootless) {
		m->base = size ? base : free_range();
		m->size = size ? size : 65536;
		return;
	}
	pw = getpwuid(m->uid);
	if (have("/usr/bin/newuidmap") && have("/usr/bin/newgidmap") &&
	    sub_range("/etc/subuid", pw ? pw->pw_name : "", m->uid, &m->sub_uid, &m->count) == 0 &&
	    sub_range("/etc/subgid", pw ? pw->pw_name : "", m->uid, &m->sub_gid, &gcount) == 0) {
		if (gcount < m->count)
			m->count = gcount;
		m->ranges = 1;
	} else {
		/* said once for this user (mocker's state directory keeps it) */
		if (!state_once("said-no-subuid"))
			warnx_("rootless: no range for %s in /etc/subuid and /etc/subgid (or no "
			       "newuidmap): only your own id is mapped, as root (see ROOTLESS in "
			       "mocker(1))", pw ? pw->pw_name : "this user");
		m->keep_id = 0;
	}
	if (m->keep_id && m->count <= m->uid) {
		warnx_("--userns=keep-id: your subordinate range is too small to map uid %u "
		       "under it: keeping root inside", (unsigned)m->uid);
		m->keep_id = 0;
	}
}

/* newuidmap PID IN OUT COUNT...; its status. */
static int
run_map(const char *prog, pid_t pid, char *const *args)
{
	char *argv[16], pidbuf[24];
	int i = 0, status;
	pid_t child;

	snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);
	argv[i++] = (char *)prog;
	argv[i++] = pidbuf;
	while (*args && i < 15)
		argv[i++] = *args++;
	argv[i] = NULL;
	if ((child = fork()) < 0)
		return -1;
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, 1);
		execv(prog, argv);
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	errno = EPERM;
	return -1;
}

/* The map args: 0 -> own id, 1.. -> the range; keep-id: own id -> itself,
 * the range around it. */
static void
map_args(const struct idmaps *m, unsigned long own, unsigned long sub, char (*s)[24], char **a)
{
	int i = 0;

	if (!m->keep_id) {
		snprintf(s[0], 24, "0");   snprintf(s[1], 24, "%lu", own); snprintf(s[2], 24, "1");
		snprintf(s[3], 24, "1");   snprintf(s[4], 24, "%lu", sub);
		snprintf(s[5], 24, "%lu", (unsigned long)m->count);
		i = 6;
	} else {
		snprintf(s[0], 24, "0");   snprintf(s[1], 24, "%lu", sub);
		snprintf(s[2], 24, "%lu", own);
		snprintf(s[3], 24, "%lu", own); snprintf(s[4], 24, "%lu", own); snprintf(s[5], 24, "1");
		snprintf(s[6], 24, "%lu", own + 1); snprintf(s[7], 24, "%lu", sub + own);
		snprintf(s[8], 24, "%lu", (unsigned long)m->count - own);
		i = 9;
	}
	for (int k = 0; k < i; k++)
		a[k] = s[k];
	a[i] = NULL;
}

int
userns_map(const struct idmaps *m, pid_t pid, int rootless, const char **why)
{
	char map[64], s[9][24], *args[10];

	if (rootless && m->ranges) {
		*why = "map the user namespace with newuidmap";
		map_args(m, m->uid, m->sub_uid, s, args);
		if (run_map("/usr/bin/newuidmap", pid, args) < 0)
			return -1;
		*why = "map the user namespace with newgidmap";
		map_args(m, m->gid, m->sub_gid, s, args);
		return run_map("/usr/bin/newgidmap", pid, args);
	}
	if (rootless) {
		/* Unprivileged: only our own ids, and no setgroups (which could
		 * drop a group that denies access). */
		*why = "deny setgroups in the user namespace";
		if (write_proc(pid, "setgroups", "deny") < 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", (unsigned)m->uid);
		*why = "write the uid map";
		if (write_proc(pid, "uid_map", map) < 0)
			return -1;
		snprintf(map, sizeof map, "0 %u 1\n", (unsigned)m->gid);
		*why = "write the gid map";
		return write_proc(pid, "gid_map", map);
	}
	snprintf(map, sizeof map, "0 %u %u\n", (unsigned)m->base, (unsigned)m->size);
	*why = "write the uid map";
	if (write_proc(pid, "uid_map", map) < 0)
		return -1;
	*why = "write the gid map";
	return write_proc(pid, "gid_map", map);
}

/* The host id of container id under a rootless map of own (the caller's)
 * and its range from sub; -1 when it is not mapped. */
static long
host_id(const struct idmaps *m, unsigned long id, unsigned long own, unsigned long sub)
{
	if (m->keep_id) {
		if (id == own)
			return (long)own;
		if (id < own)
			return (long)(sub + id);
		return id <= m->count ? (long)(sub + id - 1) : -1;
	}
	if (id == 0)
		return (long)own;
	return m->ranges && id <= m->count ? (long)(sub + id - 1) : -1;
}

int
userns_host_ids(const struct idmaps *m, int rootless, uid_t uid, gid_t gid,
                uid_t *huid, gid_t *hgid)
{
	long u, g;

	if (!rootless) {
		if (uid >= m->size || gid >= m->size)
			return -1;
		*huid = m->base + uid;
		*hgid = m->base + gid;
		return 0;
	}
	u = host_id(m, uid, m->uid, m->sub_uid);
	g = host_id(m, gid, m->gid, m->sub_gid);
	if (u < 0 || g < 0)
		return -1;
	*huid = (uid_t)u;
	*hgid = (gid_t)g;
	return 0;
}
