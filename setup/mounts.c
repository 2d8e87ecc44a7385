/*
 * The container's mounts, made inside its own mount namespace with the
 * descriptor mount API (mountapi.c): every target in the image is resolved
 * once, inside the image (resolve.c), and every mount is attached through
 * that descriptor. What goes inside /proc, /sys and /dev is found from the
 * mounts we made there, never through the image again: an image shared
 * with a running container can be changed under our feet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file.h"
#include "mountapi.h"
#include "mounts.h"
#include "resolve.h"

/* <sys/mount.h> and <linux/mount.h> do not mix: what we need of the first. */
#include <sys/mount.h>

int
mount_tree_slave(void)
{
	/* Slave, not private, so that the host's unmounts still reach us and
	 * the container never pins a host mount. */
	return mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
}

int
mount_image(const char *image)
{
	int at, fd;

	/* The device nodes an image brings are inert (nodev); the copy is
	 * made from the descriptor: the path is looked up once. */
	if ((at = open(image, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	fd = bind_new_at(at, "", at, MA_NODEV, 1);
	close_keep_errno(at);
	return fd;
}

int
mount_fs_in_root(int rootfd, const char *path, const char *fstype,
                 const char *const *options, unsigned attr)
{
	int target, fd;

	if ((target = open_in_root(rootfd, path, WANT_DIR, 1)) < 0)
		return -1;
	fd = mount_new_at(fstype, options, attr, target);
	close_keep_errno(target);
	return fd;
}

int
mount_kernel_fs(int rootfd, const char *path, const char *fstype,
                const char *const *options, unsigned attr)
{
	int target, fd;

	if ((target = open_mountpoint(rootfd, path)) < 0)
		return -1;
	fd = mount_new_at(fstype, options, attr, target);
	close_keep_errno(target);
	return fd;
}

int
mount_sysfs(int rootfd)
{
	unsigned ro = MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC;
	int target, fd;

	/* A sysfs of our own shows our network namespace's devices. */
	fd = mount_kernel_fs(rootfd, "/sys", "sysfs", NULL, ro);
	if (fd >= 0 || (errno != EPERM && errno != EACCES))
		return fd;
	if ((target = open_mountpoint(rootfd, "/sys")) < 0)
		return -1;
	fd = bind_new_at(AT_FDCWD, "/sys", target, ro, 1);
	close_keep_errno(target);
	return fd;
}

/* What runc hides of /proc and /sys by default. */
static const char *const masked_proc_files[] = {
	"kcore", "keys", "latency_stats", "timer_list", "timer_stats", "sched_debug",
};
static const struct { int sys; const char *name; } masked_dirs[] = {
	{ 0, "acpi" }, { 0, "asound" }, { 0, "scsi" },
	{ 1, "firmware" }, { 1, "devices/virtual/powercap" },
};
static const char *const readonly_proc[] = { "bus", "fs", "irq", "sys", "sysrq-trigger" };

enum cover { COVER_NULL, COVER_TMPFS, COVER_READONLY };

/* Covers name below dirfd, a filesystem we mounted; a name this kernel does
 * not have is skipped. */
static int
cover(int dirfd, const char *name, enum cover how, int null)
{
	static const char *const empty[] = { "size=0", "mode=555", NULL };
	unsigned ro = MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC;
	int target, fd;

	target = open_beneath(dirfd, name, how == COVER_TMPFS ? O_DIRECTORY : 0);
	if (target < 0)
		return errno == ENOENT ? 0 : -1;
	switch (how) {
	/* read-only: the null node's owner and mode cannot be changed through
	 * the mask (in a user namespace it is the host's) */
	case COVER_NULL:  fd = bind_new_at(null, "", target, MA_RDONLY, 0); break;
	case COVER_TMPFS: fd = mount_new_at("tmpfs", empty, ro, target); break;
	default:          fd = bind_new_at(dirfd, name, target, ro, 1); break;
	}
	close_keep_errno(target);
	return fd < 0 ? -1 : close(fd);
}

int
mount_masks(int procfd, int sysfd, int devfd, const char **why)
{
	size_t i;
	int null, ret = -1;

	*why = "/dev/null";
	if ((null = open_beneath(devfd, "null", 0)) < 0)
		return -1;
	for (i = 0; i < sizeof masked_proc_files / sizeof masked_proc_files[0]; i++) {
		*why = masked_proc_files[i];
		if (cover(procfd, masked_proc_files[i], COVER_NULL, null) < 0)
			goto out;
	}
	for (i = 0; i < sizeof masked_dirs / sizeof masked_dirs[0]; i++) {
		*why = masked_dirs[i].name;
		if (cover(masked_dirs[i].sys ? sysfd : procfd, masked_dirs[i].name,
		          COVER_TMPFS, null) < 0)
			goto out;
	}
	for (i = 0; i < sizeof readonly_proc / sizeof readonly_proc[0]; i++) {
		*why = readonly_proc[i];
		if (cover(procfd, readonly_proc[i], COVER_READONLY, null) < 0)
			goto out;
	}
	ret = 0;
out:
	close_keep_errno(null);
	return ret;
}

/* nodev: there is no device cgroup, so no device node may work inside but
 * the ones we put in /dev. */
int
mount_bind(int rootfd, const char *src, const char *path, unsigned attr, const char **why)
{
	struct stat st;
	int source, target, fd = -1;

	/* Looked up once: what is checked is what is bound. */
	*why = src;
	if ((source = open(src, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(source, &st) < 0)
		goto out;
	*why = path;
	target = open_in_root(rootfd, path, S_ISDIR(st.st_mode) ? WANT_DIR : WANT_FILE, 1);
	if (target < 0)
		goto out;
	fd = bind_new_at(source, "", target, attr | MA_NODEV, 1);
	close_keep_errno(target);
out:
	close_keep_errno(source);
	return fd < 0 ? -1 : close(fd);
}

int
mount_tree_in_root(int rootfd, int tree, const char *path, unsigned attr, const char **why)
{
	struct stat st;
	int target, ret;

	*why = path;
	if (fstat(tree, &st) < 0)
		return -1;
	target = open_in_root(rootfd, path, S_ISDIR(st.st_mode) ? WANT_DIR : WANT_FILE, 1);
	if (target < 0)
		return -1;
	ret = tree_set(tree, attr | MA_NODEV, 0) < 0 ? -1 : tree_attach(tree, target);
	close_keep_errno(target);
	return ret;
}

int
mount_host_init(int devfd, const char *host)
{
	int fd, target;

	if ((fd = openat(devfd, "init", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755)) < 0)
		return -1;
	close(fd);
	if ((target = open_beneath(devfd, "init", 0)) < 0)
		return -1;
	fd = bind_new_at(AT_FDCWD, host, target, MA_RDONLY | MA_NOSUID | MA_NODEV, 0);
	close_keep_errno(target);
	if (fd < 0)
		return -1;
	close(fd);
	return open_beneath(devfd, "init", 0);
}

int
mount_readonly(int rootfd)
{
	return tree_set(rootfd, MA_RDONLY, 0);
}

/* Is our root the initramfs ("rootfs"), which pivot_root cannot leave? */
static int
root_is_initramfs(void)
{
	char buf[8192];
	ssize_t n;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char *line, *next;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (line = buf; line && *line; line = next) {
		char *sep, mnt[256];
		if ((next = strchr(line, '\n')))
			*next++ = 0;
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 || strcmp(mnt, "/") != 0)
			continue;
		if ((sep = strstr(line, " - ")))
			return strncmp(sep + 3, "rootfs ", 7) == 0;
	}
	return 0;
}

int
mount_pivot(int rootfd)
{
	if (fchdir(rootfd) < 0)
		return -1;
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * it leaves nothing of the host reachable, not even by chroot games. */
	if (syscall(SYS_pivot_root, ".", ".") == 0)
		return umount2(".", MNT_DETACH) < 0 ? -1 : chdir("/");
	if (errno != EINVAL || !root_is_initramfs())
		return -1;
	/* The host runs from an initramfs, which cannot be pivoted away: move
	 * the root over it, as switch_root does. (Anywhere else, a chroot
	 * would be escapable: no fallback.) */
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
		return -1;
	return chdir("/");
}
