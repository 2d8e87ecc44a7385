#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"
#include "overlay.h"
#include "resolve.h"

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
	const char *root = ct->rootfs;

	ct->why = root;
	if (ct->c->overlay) {
		if (overlay_mount(ct, &root) < 0)
			return -1;
	} else if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return -1;
	}
	if ((ct->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* nodev: a device node the image brings (a /dev/mem in /tmp, say) is
	 * inert; only the /dev we make works. */
	return remount_flags(ct->rootfd, MS_NODEV);
}

/* Mounts a filesystem at path inside the root; the target is created when
 * missing. */
static int
mount_fs_at(struct container *ct, const char *path, const char *type,
            unsigned long flags, const char *data)
{
	char buf[32];
	int fd, ret;

	ct->why = path;
	if ((fd = open_in_root(ct->rootfd, path, WANT_DIR, 1)) < 0)
		return -1;
	ret = mount(type, fd_path(fd, buf), type, flags, data);
	close(fd);
	return ret;
}

int
mount_proc(struct container *ct)
{
	/* From inside the new PID namespace, and before the old root goes: in a
	 * user namespace the kernel wants a visible procfs already there. */
	return mount_fs_at(ct, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int
remount_readonly(int fd)
{
	return remount_flags(fd, MS_RDONLY);
}

int
remount_flags(int fd, unsigned long add)
{
	static const struct { unsigned long st, ms; } keep[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	static const struct { unsigned long st, ms; } keep_too[] = {
		{ ST_RDONLY, MS_RDONLY }, { ST_NODEV, MS_NODEV },
	};
	unsigned long flags = MS_REMOUNT | MS_BIND | add;
	struct statvfs sv;
	char buf[32];
	size_t i;

	if (fstatvfs(fd, &sv) < 0)
		return -1;
	for (i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (sv.f_flag & keep[i].st)
			flags |= keep[i].ms;
	for (i = 0; i < sizeof keep_too / sizeof keep_too[0]; i++)
		if (sv.f_flag & keep_too[i].st)
			flags |= keep_too[i].ms;
	return mount(NULL, fd_path(fd, buf), NULL, flags, NULL);
}

/* Binds src onto path inside the root; read-only if asked. */
static int
bind_at(struct container *ct, const char *src, const char *path, int readonly,
        unsigned long extra)
{
	struct stat st;
	char buf[32];
	int fd, ret;

	ct->why = src;
	if (stat(src, &st) < 0)
		return -1;
	ct->why = path;
	fd = open_in_root(ct->rootfd, path, S_ISDIR(st.st_mode) ? WANT_DIR : WANT_FILE, 1);
	if (fd < 0)
		return -1;
	ret = mount(src, fd_path(fd, buf), NULL, MS_BIND | MS_REC | extra, NULL);
	close(fd);
	if (ret < 0 || !readonly)
		return ret;
	/* The descriptor names what is under the new mount: look again. */
	if ((fd = open_in_root(ct->rootfd, path, S_ISDIR(st.st_mode) ? WANT_DIR : WANT_FILE, 0)) < 0)
		return -1;
	ret = remount_readonly(fd);
	close(fd);
	return ret;
}

/* What runc hides of /proc and /sys by default. */
static const char *const masked_files[] = {
	"/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug",
};
static const char *const masked_dirs[] = { "/proc/acpi", "/proc/scsi", "/sys/firmware" };
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* /proc files masked by the null device. */
static int
mask_files(struct container *ct)
{
	struct stat st;
	char buf[32], src[32];
	size_t i;
	int fd, null, ret = -1;

	/* The mask must be the real null device, not something the image put
	 * there: checked by its device number. */
	ct->why = "/dev/null";
	if ((null = open("/dev/null", O_PATH | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(null, &st) < 0)
		goto out;
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) {
		errno = ENODEV;
		goto out;
	}
	for (i = 0; i < sizeof masked_files / sizeof masked_files[0]; i++) {
		ct->why = masked_files[i];
		if ((fd = open_in_root(ct->rootfd, masked_files[i], WANT_FILE, 0)) < 0) {
			if (errno == ENOENT)
				continue;
			goto out;
		}
		ret = mount(fd_path(null, src), fd_path(fd, buf), NULL, MS_BIND, NULL);
		close(fd);
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	close(null);
	return ret;
}

/* Binds path (a file or a directory) onto itself, read-only. */
static int
readonly_in_root(struct container *ct, const char *path)
{
	char buf[32];
	int fd, ret;

	ct->why = path;
	if ((fd = open_in_root(ct->rootfd, path, WANT_FILE, 0)) < 0 && errno == EISDIR)
		fd = open_in_root(ct->rootfd, path, WANT_DIR, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ret = mount(fd_path(fd, buf), buf, NULL, MS_BIND | MS_REC, NULL);
	close(fd);
	if (ret < 0)
		return -1;
	/* the descriptor names what is under the new mount: look again */
	if ((fd = open_in_root(ct->rootfd, path, WANT_FILE, 0)) < 0 && errno == EISDIR)
		fd = open_in_root(ct->rootfd, path, WANT_DIR, 0);
	if (fd < 0)
		return -1;
	ret = remount_readonly(fd);
	close(fd);
	return ret;
}

int
mount_masks(struct container *ct)
{
	char buf[32];
	size_t i;
	int fd;

	if (mask_files(ct) < 0)
		return -1;
	for (i = 0; i < sizeof masked_dirs / sizeof masked_dirs[0]; i++) {
		ct->why = masked_dirs[i];
		if ((fd = open_in_root(ct->rootfd, masked_dirs[i], WANT_DIR, 0)) < 0) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		if (mount("tmpfs", fd_path(fd, buf), "tmpfs", MS_RDONLY | MS_NOSUID |
		          MS_NODEV | MS_NOEXEC, "size=0,mode=555") < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	for (i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0]; i++)
		if (readonly_in_root(ct, readonly_paths[i]) < 0)
			return -1;
	return 0;
}

int
mount_sys(struct container *ct)
{
	unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char buf[32];
	int fd, ret;

	ct->why = "/sys";
	if ((fd = open_in_root(ct->rootfd, "/sys", WANT_DIR, 1)) < 0)
		return -1;
	/* A sysfs of our own shows our network namespace's devices. Without
	 * one (--net host in a user namespace) bind the host's, read-only. */
	ret = mount("sysfs", fd_path(fd, buf), "sysfs", ro, NULL);
	if (ret < 0 && (errno == EPERM || errno == EACCES)) {
		ret = mount("/sys", buf, NULL, MS_BIND | MS_REC, NULL);
		close(fd);
		if (ret < 0)
			return -1;
		if ((fd = open_in_root(ct->rootfd, "/sys", WANT_DIR, 0)) < 0)
			return -1;
		ret = remount_readonly(fd);
	}
	close(fd);
	return ret;
}

int
mount_volumes(struct container *ct)
{
	int i;

	for (i = 0; i < ct->c->nvolumes; i++) {
		const struct volume *v = &ct->c->volumes[i];
		if (bind_at(ct, v->host, v->dest, v->readonly, 0) < 0)
			return -1;
	}
	return 0;
}

int
mount_tmpfs(struct container *ct)
{
	int i;

	for (i = 0; i < ct->c->ntmpfs; i++)
		if (mount_fs_at(ct, ct->c->tmpfs[i], "tmpfs", MS_NOSUID | MS_NODEV,
		                "mode=1777") < 0)
			return -1;
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
	int fd;

	if (ct->c->no_init)
		return 0;
	if (!host) {
		fd = open_in_root(ct->rootfd, IMAGE_INIT, WANT_FILE, 0);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			close(fd);
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
	if (bind_at(ct, host, BOUND_INIT, 1, MS_NOSUID | MS_NODEV) < 0)
		return -1;
	ct->init_exec = BOUND_INIT;
	return 0;
}

int
mount_root_readonly(struct container *ct)
{
	ct->why = "/";
	return ct->c->read_only ? remount_readonly(ct->rootfd) : 0;
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
	} else if (errno == EINVAL) {
		/* The host runs from an initramfs, which cannot be pivoted away:
		 * move the root over it, as switch_root does. */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			return -1;
	} else {
		return -1;
	}
	close(ct->rootfd);
	ct->rootfd = -1;
	return chdir("/");
}
