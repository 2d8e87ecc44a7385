/*
 * The setup steps that build the container's file system, inside its own
 * mount namespace: nothing here needs undoing, every mount goes away with
 * the namespace. The image is untrusted: every path in it is resolved once,
 * inside it (resolve.c); what goes inside /proc, /sys and /dev is found
 * from the mounts we made there (ct->procfd, sysfd, devfd).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev.h"
#include "file.h"
#include "mocker.h"
#include "mountapi.h"
#include "mounts.h"
#include "overlay.h"
#include "resolve.h"
#include "steps.h"

int
step_mount_tree_slave(struct container *ct, const char **why)
{
	/* Before anything is mounted: nothing made here may reach the host. */
	return mount_tree_slave();
}

int
step_mount_root(struct container *ct, const char **why)
{
	*why = ct->rootfs;
	if (ct->c->overlay)
		ct->rootfd = overlay_mount(ct->rootfs, ct->c->overlay_upper, why);
	else
		ct->rootfd = mount_image(ct->rootfs);
	return ct->rootfd < 0 ? -1 : 0;
}

int
step_mount_proc(struct container *ct, const char **why)
{
	/* From inside the new PID namespace, and before the old root goes: in a
	 * user namespace the kernel wants a visible procfs already there. */
	ct->procfd = mount_fs_in_root(ct->rootfd, "/proc", "proc", NULL,
	                              MA_NOSUID | MA_NODEV | MA_NOEXEC);
	return ct->procfd < 0 ? -1 : 0;
}

int
step_mount_sys(struct container *ct, const char **why)
{
	ct->sysfd = mount_sysfs(ct->rootfd);
	return ct->sysfd < 0 ? -1 : 0;
}

int
step_mount_masks(struct container *ct, const char **why)
{
	return mount_masks(ct->procfd, ct->sysfd, why);
}

int
step_make_dev(struct container *ct, const char **why)
{
	ct->devfd = dev_make(ct->rootfd, ct->userns, why);
	return ct->devfd < 0 ? -1 : 0;
}

int
step_mount_volumes(struct container *ct, const char **why)
{
	int i;

	for (i = 0; i < ct->c->nvolumes; i++) {
		const struct volume *v = &ct->c->volumes[i];
		if (mount_bind(ct->rootfd, v->host, v->dest, v->readonly ? MA_RDONLY : 0, why) < 0)
			return -1;
	}
	return 0;
}

int
step_mount_tmpfs(struct container *ct, const char **why)
{
	static const char *const opts[] = { "mode=1777", NULL };
	int i, fd;

	for (i = 0; i < ct->c->ntmpfs; i++) {
		*why = ct->c->tmpfs[i];
		fd = mount_fs_in_root(ct->rootfd, ct->c->tmpfs[i], "tmpfs", opts,
		                      MA_NOSUID | MA_NODEV);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* Is the file at fd a mocker-init that takes the signal handshake? Its
 * marker is looked for in the first 64 KiB (it is 24 KiB): a false "yes"
 * costs nothing but a foreign init's complaint about an option. */
static int
is_mocker_init(int fd)
{
	static char buf[65536];
	char path[32];
	ssize_t n;
	int rd;

	if ((rd = open(fd_path(fd, path), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return 0;
	n = read(rd, buf, sizeof buf);
	close(rd);
	return n > 0 && memmem(buf, (size_t)n, INIT_MARKER, sizeof INIT_MARKER - 1) != NULL;
}

/*
 * The image's /sbin/init when it is an executable file, else the host's
 * mocker-init bound read-only at /dev/init (what docker run --init does,
 * without touching the image). The descriptor is kept and executed through:
 * what was checked is what runs, even if the image changes meanwhile.
 */
int
step_provide_init(struct container *ct, const char **why)
{
	const char *host = ct->c->init_path;
	struct stat st;
	int fd;

	if (ct->c->no_init)
		return 0;
	if (!host) {
		fd = open_in_root(ct->rootfd, IMAGE_INIT, WANT_FILE, 0);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			ct->init_fd = fd;
			ct->init_exec = IMAGE_INIT;
			ct->init_is_ours = !ct->no_signal_hold && is_mocker_init(fd);
			return 0;
		}
		if (fd >= 0)
			close(fd);
		host = ct->init_host;
		if (!*host) {
			*why = "the image has no " IMAGE_INIT " and mocker-init was not "
			       "found next to mocker (use --init PATH or --no-init)";
			errno = ENOENT;
			return -1;
		}
	}
	*why = host;
	if ((ct->init_fd = mount_host_init(ct->devfd, host)) < 0)
		return -1;
	ct->init_exec = BOUND_INIT;
	ct->init_is_ours = !ct->no_signal_hold && is_mocker_init(ct->init_fd);
	return 0;
}

/* As Docker does, a missing working directory is made, inside the root,
 * before the root may become read-only. */
int
step_make_workdir(struct container *ct, const char **why)
{
	int fd;

	if (!ct->c->workdir)
		return 0;
	*why = ct->c->workdir;
	if ((fd = open_in_root(ct->rootfd, ct->c->workdir, WANT_DIR, 1)) < 0)
		return -1;
	return close(fd);
}

int
step_root_readonly(struct container *ct, const char **why)
{
	return ct->c->read_only ? mount_readonly(ct->rootfd) : 0;
}

int
step_pivot(struct container *ct, const char **why)
{
	*why = ct->rootfs;
	if (mount_pivot(ct->rootfd) < 0)
		return -1;
	/* None of our descriptors may be found as /proc/self/fd/N later. */
	close(ct->rootfd);
	close(ct->procfd);
	close(ct->sysfd);
	close(ct->devfd);
	ct->rootfd = ct->procfd = ct->sysfd = ct->devfd = -1;
	return 0;
}
