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

#include "mountapi.h"
#include "mounts.h"
#include "overlay.h"
#include "resolve.h"

/* <sys/mount.h> and <linux/mount.h> do not mix: what we need of the first. */
#include <sys/mount.h>

int
mount_tree_private(struct container *ct)
{
	/* Before anything is mounted: nothing made here may reach the host.
	 * Slave, not private, so that the host's unmounts still reach us and
	 * the container never pins a host mount. */
	ct->why = "/";
	return mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
}

int
mount_root(struct container *ct)
{
	int at, ret;

	ct->why = ct->rootfs;
	if (ct->c->overlay)
		return overlay_mount(ct);
	/* A recursive copy of the image, nodev (a device node the image
	 * brings is inert), attached over the image's own path: pivot_root
	 * needs a mount point. */
	if ((at = open(ct->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* the copy from the descriptor: the path is looked up once */
	ct->rootfd = bind_new_at(at, "", at, MA_NODEV, 1);
	ret = ct->rootfd < 0 ? -1 : 0;
	close(at);
	return ret;
}

/* A filesystem on path inside the root (made if missing); returns the
 * mount's root. */
static int
new_fs_in_root(struct container *ct, const char *path, const char *fstype,
               const char *const *options, unsigned attr)
{
	int target, fd;

	ct->why = path;
	if ((target = open_in_root(ct->rootfd, path, WANT_DIR, 1)) < 0)
		return -1;
	fd = mount_new_at(fstype, options, attr, target);
	close(target);
	return fd;
}

int
mount_proc(struct container *ct)
{
	/* From inside the new PID namespace, and before the old root goes: in a
	 * user namespace the kernel wants a visible procfs already there. */
	ct->procfd = new_fs_in_root(ct, "/proc", "proc", NULL, MA_NOSUID | MA_NODEV | MA_NOEXEC);
	return ct->procfd < 0 ? -1 : 0;
}

int
mount_sys(struct container *ct)
{
	unsigned ro = MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC;
	int target;

	/* A sysfs of our own shows our network namespace's devices. Without
	 * one (--net host in a user namespace) the host's, read-only all
	 * the way down. */
	ct->sysfd = new_fs_in_root(ct, "/sys", "sysfs", NULL, ro);
	if (ct->sysfd >= 0 || (errno != EPERM && errno != EACCES))
		return ct->sysfd < 0 ? -1 : 0;
	if ((target = open_in_root(ct->rootfd, "/sys", WANT_DIR, 0)) < 0)
		return -1;
	ct->sysfd = bind_new_at(AT_FDCWD, "/sys", target, ro, 1);
	close(target);
	return ct->sysfd < 0 ? -1 : 0;
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

/* The host's /dev/null, checked to be the null device (1:3) and not
 * whatever the host's /dev may hold. */
static int
open_null(struct container *ct)
{
	struct stat st;
	int fd;

	ct->why = "/dev/null";
	if ((fd = open("/dev/null", O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	    minor(st.st_rdev) == 3)
		return fd;
	close(fd);
	errno = ENODEV;
	return -1;
}

/* Calls fn on name below dirfd, a filesystem we mounted; a name this
 * kernel does not have is skipped. */
static int
below(struct container *ct, int dirfd, const char *name, int dir,
      int (*fn)(struct container *, int target, int arg, const char *), int arg)
{
	int target, ret;

	ct->why = name;
	target = open_beneath(dirfd, name, dir ? O_DIRECTORY : 0);
	if (target < 0)
		return errno == ENOENT ? 0 : -1;
	ret = fn(ct, target, arg, name);
	close(target);
	return ret;
}

static int
mask_with_null(struct container *ct, int target, int null, const char *name)
{
	int fd = bind_new_at(null, "", target, 0, 0);

	(void)ct, (void)name;
	return fd < 0 ? -1 : close(fd);
}

static int
mask_with_tmpfs(struct container *ct, int target, int unused, const char *name)
{
	static const char *const opts[] = { "size=0", "mode=555", NULL };
	int fd = mount_new_at("tmpfs", opts, MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC, target);

	(void)ct, (void)unused, (void)name;
	return fd < 0 ? -1 : close(fd);
}

static int
make_readonly(struct container *ct, int target, int procfd, const char *name)
{
	int fd = bind_new_at(procfd, name, target, MA_RDONLY | MA_NOSUID | MA_NODEV | MA_NOEXEC, 1);

	(void)ct;
	return fd < 0 ? -1 : close(fd);
}

int
mount_masks(struct container *ct)
{
	size_t i;
	int null, ret = -1;

	if ((null = open_null(ct)) < 0)
		return -1;
	for (i = 0; i < sizeof masked_proc_files / sizeof masked_proc_files[0]; i++)
		if (below(ct, ct->procfd, masked_proc_files[i], 0, mask_with_null, null) < 0)
			goto out;
	for (i = 0; i < sizeof masked_dirs / sizeof masked_dirs[0]; i++)
		if (below(ct, masked_dirs[i].sys ? ct->sysfd : ct->procfd, masked_dirs[i].name,
		          1, mask_with_tmpfs, 0) < 0)
			goto out;
	for (i = 0; i < sizeof readonly_proc / sizeof readonly_proc[0]; i++)
		if (below(ct, ct->procfd, readonly_proc[i], 0, make_readonly, ct->procfd) < 0)
			goto out;
	ret = 0;
out:
	close(null);
	return ret;
}

/* Binds host path src onto path inside the root, nodev (there is no device
 * cgroup: no device node may work inside but the ones we put in /dev),
 * read-only if asked, all the way down. */
int
mount_bind(struct container *ct, const char *src, const char *path, unsigned attr)
{
	struct stat st;
	int source, target, fd = -1;

	/* Looked up once: what is checked is what is bound. */
	ct->why = src;
	if ((source = open(src, O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(source, &st) < 0)
		goto out;
	ct->why = path;
	target = open_in_root(ct->rootfd, path, S_ISDIR(st.st_mode) ? WANT_DIR : WANT_FILE, 1);
	if (target < 0)
		goto out;
	fd = bind_new_at(source, "", target, attr | MA_NODEV, 1);
	close(target);
out:
	close(source);
	return fd < 0 ? -1 : close(fd);
}

int
mount_volumes(struct container *ct)
{
	int i;

	for (i = 0; i < ct->c->nvolumes; i++) {
		const struct volume *v = &ct->c->volumes[i];
		if (mount_bind(ct, v->host, v->dest, v->readonly ? MA_RDONLY : 0) < 0)
			return -1;
	}
	return 0;
}

int
mount_tmpfs(struct container *ct)
{
	static const char *const opts[] = { "mode=1777", NULL };
	int i, fd;

	for (i = 0; i < ct->c->ntmpfs; i++) {
		if ((fd = new_fs_in_root(ct, ct->c->tmpfs[i], "tmpfs", opts, MA_NOSUID | MA_NODEV)) < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* The image's /sbin/init when it is an executable file, else the host's
 * mocker-init bound read-only at /dev/init (what docker run --init does,
 * without touching the image). */
int
mount_init(struct container *ct)
{
	const char *host = ct->c->init_path;
	struct stat st;
	int fd, target;

	if (ct->c->no_init)
		return 0;
	if (!host) {
		fd = open_in_root(ct->rootfd, IMAGE_INIT, WANT_FILE, 0);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			/* kept, and executed through: what was checked is what
			 * runs, even if the image changes meanwhile */
			ct->init_fd = fd;
			ct->init_exec = IMAGE_INIT;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		host = ct->init_host;
		if (!*host) {
			ct->why = "the image has no " IMAGE_INIT " and mocker-init was not "
			          "found next to mocker (use --init PATH or --no-init)";
			errno = ENOENT;
			return -1;
		}
	}
	/* in our /dev, through its descriptor */
	ct->why = BOUND_INIT;
	if ((fd = openat(ct->devfd, "init", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755)) < 0)
		return -1;
	close(fd);
	if ((target = open_beneath(ct->devfd, "init", 0)) < 0)
		return -1;
	ct->why = host;
	fd = bind_new_at(AT_FDCWD, host, target, MA_RDONLY | MA_NOSUID | MA_NODEV, 0);
	close(target);
	if (fd < 0)
		return -1;
	close(fd);
	if ((ct->init_fd = open_beneath(ct->devfd, "init", 0)) < 0)
		return -1;
	ct->init_exec = BOUND_INIT;
	return 0;
}

int
mount_root_readonly(struct container *ct)
{
	ct->why = "/";
	return ct->c->read_only ? tree_set(ct->rootfd, MA_RDONLY, 0) : 0;
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
mount_pivot(struct container *ct)
{
	ct->why = ct->rootfs;
	if (fchdir(ct->rootfd) < 0)
		return -1;
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * it leaves nothing of the host reachable, not even by chroot games. */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) < 0)
			return -1;
	} else if (errno == EINVAL && root_is_initramfs()) {
		/* The host runs from an initramfs, which cannot be pivoted away:
		 * move the root over it, as switch_root does. (Anywhere else,
		 * a chroot would be escapable: no fallback.) */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			return -1;
	} else {
		return -1;
	}
	/* None of our descriptors may be found as /proc/self/fd/N later. */
	close(ct->rootfd);
	close(ct->procfd);
	close(ct->sysfd);
	close(ct->devfd);
	ct->rootfd = ct->procfd = ct->sysfd = ct->devfd = -1;
	return chdir("/");
}
