#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "mocker.h"
#include "num.h"
#include "passwd.h"
#include "sys.h"

#define FIELDS 7
#define PASSWD_MAX_BYTES (4 << 20)

int
creds_open(const char *path)
{
	/* The file comes from an image: a FIFO must not block us. */
	return sys_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

/* Calls fn on every line of the file fd (split into at most FIELDS ':'
 * fields); stops when fn returns non-zero and returns that. Lines longer
 * than the buffer are skipped. -1 with errno when the file cannot be read. */
static int
each_line(int fd, int (*fn)(char **f, int n, void *ctx), void *ctx)
{
	char buf[4096];
	size_t have = 0, total = 0;
	struct stat st;
	int skipping = 0, ret = 0;

	/* Only a regular file: not /dev/zero to keep us reading. */
	if (fd < 0)
		return -1;
	if (sys_fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		ssize_t r = total > PASSWD_MAX_BYTES ? 0 :
			read(fd, buf + have, sizeof buf - 1 - have);
		char *line, *nl;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -1;
			break;
		}
		have += (size_t)r;
		total += (size_t)r;
		if (r == 0 && have > 0 && buf[have - 1] != '\n')
			buf[have++] = '\n'; /* a last line without newline */
		line = buf;
		buf[have] = 0; /* a NUL in the file ends its line early: harmless */
		while ((nl = strchr(line, '\n'))) {
			char *f[FIELDS];
			int n = 0;
			*nl = 0;
			if (!skipping) {
				char *p = line;
				f[n++] = p;
				while (n < FIELDS && (p = strchr(p, ':'))) {
					*p++ = 0;
					f[n++] = p;
				}
				if ((ret = fn(f, n, ctx)))
					goto out;
			}
			skipping = 0;
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof buf - 1) { /* a line too long: drop it */
			have = 0;
			skipping = 1;
		}
		if (r == 0)
			break;
	}
out:
	return ret;
}

struct lookup {
	const char *name; /* match by name, or */
	unsigned long id; /* by id when name is NULL */
	struct creds *c;
	const char *user; /* for supplementary groups */
	char *name_out;   /* the entry's name, 256 bytes, or NULL */
	int found;
};

static int
passwd_line(char **f, int n, void *ctx)
{
	struct lookup *l = ctx;
	unsigned long uid, gid;

	if (n < 7 || parse_ulong(f[2], 0xfffffffe, &uid) < 0 ||
	    parse_ulong(f[3], 0xfffffffe, &gid) < 0)
		return 0;
	if (l->name ? strcmp(f[0], l->name) != 0 : uid != l->id)
		return 0;
	l->c->uid = (uid_t)uid;
	l->c->gid = (gid_t)gid;
	if (strlen(f[5]) < sizeof l->c->home)
		strcpy(l->c->home, f[5]);
	if (l->name_out && strlen(f[0]) < 256)
		strcpy(l->name_out, f[0]);
	l->found = 1;
	return 1;
}

static int
group_line(char **f, int n, void *ctx)
{
	struct lookup *l = ctx;
	unsigned long gid;

	if (n < 3 || parse_ulong(f[2], 0xfffffffe, &gid) < 0)
		return 0;
	if (l->name) { /* the GROUP of USER:GROUP, by name */
		if (strcmp(f[0], l->name) != 0)
			return 0;
		l->c->gid = (gid_t)gid;
		l->found = 1;
		return 1;
	}
	if (n >= 4 && l->user) { /* supplementary groups of user */
		char *m = f[3], *comma;
		for (; m && *m; m = comma ? comma + 1 : NULL) {
			comma = strchr(m, ',');
			if (comma)
				*comma = 0;
			if (strcmp(m, l->user) == 0 && l->c->ngroups < CREDS_MAX_GROUPS &&
			    (gid_t)gid != l->c->groups[0]) {
				l->c->groups[l->c->ngroups++] = (gid_t)gid;
				break;
			}
		}
	}
	return 0;
}

int
creds_lookup(const char *spec, int passwd, int group, struct creds *c, const char **why)
{
	char user[256], uname[256] = "";
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct lookup l = { .c = c, .name_out = uname };
	unsigned long id;

	memset(c, 0, sizeof *c);
	strcpy(c->home, "/");
	*why = "bad user";
	if (ulen == 0 || ulen >= sizeof user || (colon && !colon[1]))
		return -1;
	memcpy(user, spec, ulen);
	user[ulen] = 0;

	if (parse_ulong(user, 0xfffffffe, &id) == 0) {
		l.id = id;
		c->uid = (uid_t)id;
		each_line(passwd, passwd_line, &l); /* optional for numbers */
	} else {
		l.name = user;
		if (each_line(passwd, passwd_line, &l) < 0 || !l.found) {
			*why = "unknown user";
			return -1;
		}
	}
	c->groups[0] = c->gid;
	c->ngroups = 1;

	if (colon) {
		struct lookup g = { .c = c };
		if (parse_ulong(colon + 1, 0xfffffffe, &id) == 0) {
			c->gid = (gid_t)id;
		} else {
			g.name = colon + 1;
			if (each_line(group, group_line, &g) < 0 || !g.found) {
				*why = "unknown group";
				return -1;
			}
		}
		c->groups[0] = c->gid; /* an explicit group is the only one */
	} else if (uname[0]) {
		struct lookup g = { .c = c, .user = uname };
		each_line(group, group_line, &g); /* no group file: no extras */
	}
	return 0;
}

int
creds_add_group(struct creds *c, const char *spec, int group)
{
	struct creds found;
	struct lookup g = { .c = &found, .name = spec };
	unsigned long id;

	found.gid = 0;
	if (parse_ulong(spec, 0xfffffffe, &id) < 0) {
		if (each_line(group, group_line, &g) < 0 || !g.found)
			return -1;
		id = found.gid;
	}
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == (gid_t)id)
			return 0;
	if (c->ngroups == CREDS_MAX_GROUPS)
		return -1;
	c->groups[c->ngroups++] = (gid_t)id;
	return 0;
}

int
creds_apply(const struct creds *c)
{
	if (sys_setgroups((size_t)c->ngroups, c->groups) < 0 ||
	    sys_setresgid(c->gid) < 0 || sys_setresuid(c->uid) < 0)
		return -1;
	return 0;
}
