#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etcfiles.h"
#include "pasta.h"
#include "file.h"
#include "log.h"
#include "mountapi.h"
#include "resolve.h"

#define FILE_MAX 65536

struct text {
	char buf[FILE_MAX];
	size_t len;
};

static __attribute__((format(printf, 2, 3))) void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < sizeof t->buf ? t->len + (size_t)n : sizeof t->buf - 1;
}

/* The host's file (for --net host), empty when it has none. */
static void
host_file(const char *path, struct text *t)
{
	ssize_t n = file_read(NULL, path, t->buf, sizeof t->buf);

	t->len = n > 0 ? (size_t)n : 0;
	if (t->len && t->buf[t->len - 1] != '\n')
		add(t, "\n");
}

static void
make_hosts(const struct config *c, const char *hostname, struct text *t)
{
	int i;

	t->len = 0;
	if (c->net == NET_HOST)
		host_file("/etc/hosts", t);
	else
		add(t, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	add(t, "127.0.1.1\t%s\n", hostname);
	for (i = 0; i < c->nhosts; i++)
		add(t, "%s\t%s\n", c->hosts[i].ip, c->hosts[i].name);
}

/* --net host: the host's, with --dns and --dns-search in place of its
 * nameservers and search list; --net private: pasta's forwarder; no
 * network: one that resolves nothing. */
static void
make_resolv(const struct config *c, const char *nameserver, struct text *t)
{
	struct text host;
	char *line, *next;
	int i;

	t->len = 0;
	if (c->net == NET_HOST) {
		host_file("/etc/resolv.conf", &host);
		host.buf[host.len] = 0;
		for (line = host.buf; *line; line = next) {
			next = strchrnul(line, '\n');
			if (*next)
				*next++ = 0;
			if ((c->ndns && strncmp(line, "nameserver", 10) == 0) ||
			    (c->ndns_search && (strncmp(line, "search", 6) == 0 ||
			                        strncmp(line, "domain", 6) == 0)))
				continue;
			add(t, "%s\n", line);
		}
	} else if (c->net == NET_PRIVATE) {
		/* the host's resolver, as its network reaches it: through pasta's
		 * forwarder, the NAT of mocker0, or DNAT'd there (bridge.h) */
		if (!c->ndns)
			add(t, "# mocker: the host's resolver, as this container reaches it\n"
			       "nameserver %s\n", nameserver ? nameserver : PASTA_DNS);
	} else if (c->net == NET_NS) {
		add(t, "# mocker: a joined network namespace (--net ns:); give --dns for\n"
		       "# a resolver it reaches.\n");
	} else {
		add(t, "# mocker: this container has no network (--net none): names not in\n"
		       "# /etc/hosts do not resolve.\n");
	}
	for (i = 0; i < c->ndns; i++)
		add(t, "nameserver %s\n", c->dns[i]);
	if (c->ndns_search) {
		add(t, "search");
		for (i = 0; i < c->ndns_search; i++)
			add(t, " %s", c->dns_search[i]);
		add(t, "\n");
	}
	if (c->ndns_options) {
		add(t, "options");
		for (i = 0; i < c->ndns_options; i++)
			add(t, " %s", c->dns_options[i]);
		add(t, "\n");
	}
}

static int
write_file(int dirfd, const char *name, const struct text *t)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (write_all(fd, t->buf, t->len) < 0 || fchmod(fd, 0644) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return close(fd);
}

/* Binds priv/name over path in the root; a path the image made a dangling
 * link is left as it is (said with --verbose). */
static int
bind_over(int rootfd, int priv, const char *name, const char *path)
{
	int target = open_in_root(rootfd, path, WANT_FILE, 1), fd;

	if (target < 0) {
		if (errno != ELOOP)
			return -1;
		note("%s: a link to nothing in the image: left as it is", path);
		return 0;
	}
	fd = bind_new_at(priv, name, target, 0, 0);
	close_keep_errno(target);
	return fd < 0 ? -1 : close(fd);
}

int
etc_files(int rootfd, int devfd, const struct config *c, const char *hostname,
          const char *nameserver,
          const char **why)
{
	static const char *const names[] = { ".hosts", ".hostname", ".resolv.conf" };
	static const char *const paths[] = { "/etc/hosts", "/etc/hostname", "/etc/resolv.conf" };
	static struct text t;
	int i, ret = 0;

	/* written on our /dev (a tmpfs of the container's own), bound, and
	 * unlinked there: the bind keeps each file */
	for (i = 0; i < 3 && ret == 0; i++) {
		if (i == 0) {
			make_hosts(c, hostname, &t);
		} else if (i == 1) {
			t.len = 0;
			add(&t, "%s\n", hostname);
		} else {
			make_resolv(c, nameserver, &t);
		}
		*why = paths[i];
		ret = write_file(devfd, names[i], &t);
		if (ret == 0)
			ret = bind_over(rootfd, devfd, names[i], paths[i]);
		if (unlinkat(devfd, names[i], 0) < 0 && ret == 0)
			ret = -1;
	}
	return ret;
}
