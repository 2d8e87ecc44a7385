#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
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
 * /dev itself is nodev, so a node the container makes there (it has
 * CAP_MKNOD) does not work: without a device cgroup, only ours do, each a
 * mount of its own without nodev.
 *
 * As root in the host's user namespace they are nodes of our own, made with
 * mknod: the container's root owns them, and a chmod of its /dev/full
 * changes nothing on the host. In a user namespace mknod is not allowed,
 * and the host's nodes are bound, checked to be the devices they should
 * be: the container's root is not their owner there.
 */
static int
bind_node(int devfd, int from, const char *name, unsigned attr)
{
	int target = -1, fd;

	if ((fd = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
		return -1;
	close(fd);
	if ((target = open_beneath(devfd, name, 0)) < 0)
		return -1;
	fd = bind_new_at(from, "", target, attr, 0);
	close_keep_errno(target);
	return fd < 0 ? -1 : close(fd);
}

static int
host_node(size_t i)
{
	char src[32];
	struct stat st;
	int fd;

	snprintf(src, sizeof src, "/dev/%s", nodes[i].name);
	if ((fd = open(src, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != nodes[i].major || minor(st.st_rdev) != nodes[i].minor) {
		close(fd);
		errno = ENODEV;
		return -1;
	}
	return fd;
}

/* The nodes: made with mknod on our /dev (nodev) and each bound onto
 * itself without nodev; in a user namespace, the host's, bound read-only
 * (their times cannot be touched either; device I/O goes on on a
 * read-only mount). */
static int
make_nodes(int devfd, int userns, const char **why)
{
	size_t i;
	int src, node, fd, ret;

	for (i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		*why = nodes[i].name;
		if (userns) {
			if ((src = host_node(i)) < 0)
				return -1;
			ret = bind_node(devfd, src, nodes[i].name, MA_RDONLY);
			close_keep_errno(src);
			if (ret < 0)
				return -1;
			continue;
		}
		if (mknodat(devfd, nodes[i].name, S_IFCHR | 0666,
		            makedev(nodes[i].major, nodes[i].minor)) < 0 ||
		    fchmodat(devfd, nodes[i].name, 0666, 0) < 0 || /* past the umask */
		    (node = open_beneath(devfd, nodes[i].name, 0)) < 0)
			return -1;
		fd = device_bind_at(node, node);
		close_keep_errno(node);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

int
dev_make(int rootfd, int userns, uint64_t shm_size, const char **why)
{
	static const char *const dev_opts[] = { "mode=755", "size=65536k", NULL };
	static char shm_size_opt[32] = "size=65536k";
	/* "shm" as Docker and runc name it (mountinfo's source) */
	static const char *const shm_opts[] = { "source=shm", "mode=1777", shm_size_opt, NULL };
	static const char *const pts_opts[] = { "ptmxmode=0666", "mode=0620", "gid=5", NULL };
	static const char *const pts_opts_userns[] = { "ptmxmode=0666", "mode=0620", NULL };
	unsigned inert = MA_NOSUID | MA_NODEV | MA_NOEXEC;
	size_t i;
	int devfd, target;

	if (shm_size)
		snprintf(shm_size_opt, sizeof shm_size_opt, "size=%llu", (unsigned long long)shm_size);
	*why = "/dev";
	if ((target = open_mountpoint(rootfd, "/dev")) < 0)
		return -1;
	devfd = mount_new_at("tmpfs", dev_opts, MA_NOSUID | MA_NODEV | MA_STRICTATIME, target);
	close_keep_errno(target);
	if (devfd < 0)
		return -1;
	if (make_nodes(devfd, userns, why) < 0)
		goto fail;
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
