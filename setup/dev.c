#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev.h"
#include "file.h"
#include "mountapi.h"
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

/* A filesystem on dir, a directory we make in our /dev. */
static int
mount_in_dev(int devfd, const char *dir, const char *fstype,
             const char *const *options, unsigned attr)
{
	int target, fd;

	if (mkdirat(devfd, dir, 0755) < 0 || (target = open_beneath(devfd, dir, O_DIRECTORY)) < 0)
		return -1;
	fd = mount_new_at(fstype, options, attr, target);
	close_keep_errno(target);
	return fd < 0 ? -1 : close(fd);
}

/*
 * A device node: the host's, bound onto an empty file, as root and in a
 * user namespace alike. /dev itself is nodev, so a node the container makes
 * there (it has CAP_MKNOD) does not work: without a device cgroup, only
 * these bound nodes do. Each is checked to be the device it should be.
 */
static int
bind_node(int devfd, size_t i)
{
	char src[32];
	struct stat st;
	int host, target = -1, fd, ret = -1;

	snprintf(src, sizeof src, "/dev/%s", nodes[i].name);
	if ((host = open(src, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(host, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != nodes[i].major || minor(st.st_rdev) != nodes[i].minor) {
		errno = ENODEV;
		goto out;
	}
	if ((fd = openat(devfd, nodes[i].name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
		goto out;
	close(fd);
	if ((target = open_beneath(devfd, nodes[i].name, 0)) < 0 ||
	    (fd = bind_new_at(host, "", target, 0, 0)) < 0)
		goto out;
	close(fd);
	ret = 0;
out:
	close_keep_errno(host);
	if (target >= 0)
		close_keep_errno(target);
	return ret;
}

int
dev_make(int rootfd, int userns, const char **why)
{
	static const char *const dev_opts[] = { "mode=755", "size=65536k", NULL };
	static const char *const shm_opts[] = { "mode=1777", "size=65536k", NULL };
	static const char *const pts_opts[] = { "ptmxmode=0666", "mode=0620", "gid=5", NULL };
	static const char *const pts_opts_userns[] = { "ptmxmode=0666", "mode=0620", NULL };
	unsigned inert = MA_NOSUID | MA_NODEV | MA_NOEXEC;
	size_t i;
	int devfd, target;

	*why = "/dev";
	if ((target = open_in_root(rootfd, "/dev", WANT_DIR, 1)) < 0)
		return -1;
	devfd = mount_new_at("tmpfs", dev_opts, MA_NOSUID | MA_NODEV | MA_STRICTATIME, target);
	close_keep_errno(target);
	if (devfd < 0)
		return -1;
	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		*why = nodes[i].name;
		if (bind_node(devfd, i) < 0)
			goto fail;
	}
	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		*why = links[i].name;
		if (symlinkat(links[i].target, devfd, links[i].name) < 0)
			goto fail;
	}
	/* gid 5 is the tty group of most images; in a user namespace it is
	 * not mapped, and the caller's own group owns the terminals. */
	*why = "pts";
	if (mount_in_dev(devfd, "pts", "devpts", userns ? pts_opts_userns : pts_opts,
	                 MA_NOSUID | MA_NOEXEC) < 0)
		goto fail;
	*why = "shm";
	if (mount_in_dev(devfd, "shm", "tmpfs", shm_opts, inert) < 0)
		goto fail;
	*why = "mqueue";
	if (mount_in_dev(devfd, "mqueue", "mqueue", NULL, inert) < 0)
		goto fail;
	return devfd;
fail:
	close_keep_errno(devfd);
	return -1;
}
