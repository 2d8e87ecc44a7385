/* Only <linux/mount.h> here: glibc's <sys/mount.h> clashes with it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "mountapi.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static int
fs_new(const char *fstype, const char *const *options, unsigned attr)
{
	const char *const *o;
	const char *source = fstype;
	int fs, mnt;

	if ((fs = (int)syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC)) < 0)
		return -1;
	/* the source /proc/self/mountinfo and df show, as mount(8) sets it:
	 * the type, unless a "source=" option names one (given once only) */
	for (o = options; o && *o; o++)
		if (strncmp(*o, "source=", 7) == 0)
			source = NULL;
	if (source && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		goto fail;
	for (; options && *options; options++) {
		char key[64];
		const char *eq = strchr(*options, '=');
		size_t n = eq ? (size_t)(eq - *options) : strlen(*options);
		if (n >= sizeof key) {
			errno = EINVAL;
			goto fail;
		}
		memcpy(key, *options, n);
		key[n] = 0;
		if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG,
		            key, eq ? eq + 1 : NULL, 0) < 0)
			goto fail;
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
	if (mnt < 0)
		goto fail;
	close(fs);
	return mnt;
fail:
	close_keep_errno(fs);
	return -1;
}

static int
tree_clone(int dirfd, const char *path, int rec)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;

	if (!*path)
		flags |= AT_EMPTY_PATH;
	if (rec)
		flags |= AT_RECURSIVE;
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

int
tree_set(int fd, unsigned attr, int rec)
{
	/* Private: a copy of a host mount is otherwise a slave of it, and
	 * what the host mounts below it later would come in with its own
	 * flags (read-write under a read-only volume, with devices). */
	struct mount_attr a = { .attr_set = attr, .propagation = MS_PRIVATE };

	if (attr & MOUNT_ATTR__ATIME)
		a.attr_clr = MOUNT_ATTR__ATIME;
	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0),
	                    &a, sizeof a);
}

int
tree_attach(int fd, int target)
{
	return (int)syscall(SYS_move_mount, fd, "", target, "",
	                    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int
mount_new_at(const char *fstype, const char *const *options, unsigned attr, int target)
{
	int fd = fs_new(fstype, options, attr);

	if (fd >= 0 && tree_attach(fd, target) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
device_bind_at(int node, int target)
{
	/* a private copy of the node's mount without its nodev */
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_NODEV, .propagation = MS_PRIVATE };
	int fd = tree_clone(node, "", 0);

	if (fd < 0)
		return -1;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof a) < 0 ||
	    tree_attach(fd, target) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
bind_new_at(int dirfd, const char *path, int target, unsigned attr, int rec)
{
	int fd = tree_clone(dirfd, path, rec);

	if (fd < 0)
		return -1;
	if (tree_set(fd, attr, rec) < 0 || tree_attach(fd, target) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

_Static_assert(MA_RDONLY == MOUNT_ATTR_RDONLY && MA_NOSUID == MOUNT_ATTR_NOSUID &&
               MA_NODEV == MOUNT_ATTR_NODEV && MA_NOEXEC == MOUNT_ATTR_NOEXEC &&
               MA_STRICTATIME == MOUNT_ATTR_STRICTATIME, "mount attributes");
