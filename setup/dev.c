#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "resolve.h"

static const struct { const char *name; unsigned major, minor; } nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct { const char *name, *target; } links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* Mounts type on dir, a directory we make in our fresh /dev. */
static int
mount_in_dev(struct container *ct, const char *dir, const char *type,
             unsigned long flags, const char *data)
{
	char path[64], buf[32];

	ct->why = dir;
	if (mkdirat(ct->devfd, dir, 0755) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", fd_path(ct->devfd, buf), dir);
	return mount(type, path, type, flags, data);
}

/* A device node: made with mknod as root; in a user namespace, where mknod
 * is not allowed, the host's node is bound onto an empty file. */
static int
make_node(struct container *ct, size_t i)
{
	char src[32], path[64], buf[32];
	int fd;

	ct->why = nodes[i].name;
	if (!ct->userns) {
		/* chmod after: mknod's mode goes through our umask */
		if (mknodat(ct->devfd, nodes[i].name, S_IFCHR | 0666,
		            makedev(nodes[i].major, nodes[i].minor)) < 0)
			return -1;
		return fchmodat(ct->devfd, nodes[i].name, 0666, 0);
	}
	fd = openat(ct->devfd, nodes[i].name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(src, sizeof src, "/dev/%s", nodes[i].name);
	snprintf(path, sizeof path, "%s/%s", fd_path(ct->devfd, buf), nodes[i].name);
	return mount(src, path, NULL, MS_BIND, NULL);
}

int
dev_make(struct container *ct)
{
	char buf[32];
	size_t i;
	int fd, ret;

	ct->why = "/dev";
	if ((fd = open_in_root(ct->rootfd, "/dev", WANT_DIR, 1)) < 0)
		return -1;
	ret = mount("tmpfs", fd_path(fd, buf), "tmpfs", MS_NOSUID | MS_STRICTATIME,
	            "mode=755,size=65536k");
	close(fd);
	if (ret < 0)
		return -1;
	/* Ours now, and empty: everything below is made at known names. */
	if ((ct->devfd = open_in_root(ct->rootfd, "/dev", WANT_DIR, 0)) < 0)
		return -1;
	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
		if (make_node(ct, i) < 0)
			return -1;
	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		ct->why = links[i].name;
		if (symlinkat(links[i].target, ct->devfd, links[i].name) < 0)
			return -1;
	}
	/* gid 5 is the tty group of most images; not mapped in a user
	 * namespace, where the caller's own group owns the terminals. */
	if (mount_in_dev(ct, "pts", "devpts", MS_NOSUID | MS_NOEXEC,
	                 ct->userns ? "newinstance,ptmxmode=0666,mode=0620"
	                            : "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 ||
	    mount_in_dev(ct, "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	                 "mode=1777,size=65536k") < 0 ||
	    mount_in_dev(ct, "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;
	return 0;
}
