/*
 * The setup steps that build the container's file system, inside its own
 * mount namespace: nothing here needs undoing, every mount goes away with
 * the namespace. The image is untrusted: every path in it is resolved once,
 * inside it (resolve.c); what goes inside /proc, /sys and /dev is found
 * from the mounts we made there (ct->procfd, sysfd, devfd).
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chown.h"
#include "dev.h"
#include "etcfiles.h"
#include "file.h"
#include "initfd.h"
#include "mocker.h"
#include "mountapi.h"
#include "mounts.h"
#include "oci.h"
#include "overlay.h"
#include "resolve.h"
#include "steps.h"

int
step_mount_tree_slave(struct container *ct, const char **why)
{
	/* Before anything is mounted: nothing made here may reach the host.
	 * (An OCI container without a mount namespace mounts in its caller's,
	 * as the config asks: that one is not ours to change.) */
	if (ct->c->oci && ct->c->oci->caller_mounts)
		return 0;
	return mount_tree_slave();
}

int
step_mount_root(struct container *ct, const char **why)
{
	*why = ct->rootfs;
	if (ct->image) {
		/* its layers, bottom last, under the container's own upper */
		const char *layers[IMAGE_MAX_LAYERS];
		static char paths[IMAGE_MAX_LAYERS][PATH_MAX + 96];
		int i, n = ct->image->nlayers;
		for (i = 0; i < n; i++) {
			snprintf(paths[i], sizeof paths[i], "%s/layers/%s/diff", ct->store_root,
			         ct->image->layers[n - 1 - i]);
			layers[i] = paths[i];
		}
		ct->rootfd = overlay_mount_layers(ct->store_dir, layers, n, ct->rootless, why);
		return ct->rootfd < 0 ? -1 : 0;
	}
	if (ct->root_idmapped >= 0) {
		/* the image as container root's, over its own path: what
		 * follows (the overlay's lower layer) finds it there */
		int at = open(ct->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), r;
		if (at < 0)
			return -1;
		r = tree_attach(ct->root_idmapped, at);
		close_keep_errno(at);
		if (r < 0)
			return -1;
		if (!ct->c->overlay) {
			ct->rootfd = ct->root_idmapped;
			return 0;
		}
	}
	if (ct->c->overlay)
		ct->rootfd = overlay_mount(ct->rootfs, ct->c->overlay_upper, why);
	else
		ct->rootfd = mount_image(ct->rootfs);
	return ct->rootfd < 0 ? -1 : 0;
}

/* Why a kernel filesystem could not be mounted, said plainly when the
 * image made its mount point a symbolic link. */
static int
kernel_fs_failed(const char *path, const char **why)
{
	if (errno != ELOOP)
		return -1;
	*why = path[1] == 'p' ? "the image's /proc is a symbolic link: refused" :
	       path[1] == 's' ? "the image's /sys is a symbolic link: refused" :
	                        "the image's /dev is a symbolic link: refused";
	return -1;
}

int
step_mount_proc(struct container *ct, const char **why)
{
	/* From inside the new PID namespace, and before the old root goes: in a
	 * user namespace the kernel wants a visible procfs already there. */
	ct->procfd = mount_kernel_fs(ct->rootfd, "/proc", "proc", NULL,
	                             MA_NOSUID | MA_NODEV | MA_NOEXEC);
	return ct->procfd < 0 ? kernel_fs_failed("/proc", why) : 0;
}

int
step_mount_sys(struct container *ct, const char **why)
{
	ct->sysfd = mount_sysfs(ct->rootfd);
	return ct->sysfd < 0 ? kernel_fs_failed("/sys", why) : 0;
}

int
step_mount_masks(struct container *ct, const char **why)
{
	if (ct->c->oci) /* its own lists: step_oci_masks */
		return 0;
	return mount_masks(ct->procfd, ct->sysfd, ct->devfd, why);
}

int
step_make_dev(struct container *ct, const char **why)
{
	ct->devfd = dev_make(ct->rootfd, ct->userns, ct->c->shm_size, why);
	if (ct->devfd < 0 && *why && strcmp(*why, "/dev") == 0)
		return kernel_fs_failed("/dev", why);
	return ct->devfd < 0 ? -1 : 0;
}

int
step_mount_volumes(struct container *ct, const char **why)
{
	int i;

	for (i = 0; i < ct->c->nvolumes; i++) {
		const struct volume *v = &ct->c->volumes[i];
		unsigned ro = v->readonly ? MA_RDONLY : 0;
		if (ct->volume_idmapped[i] >= 0 ?
		    mount_tree_in_root(ct->rootfd, ct->volume_idmapped[i], v->dest, ro, why) == 0 :
		    mount_bind(ct->rootfd, v->host, v->dest, ro, why) == 0)
			continue;
		if ((errno == EACCES || errno == EPERM) && *why == v->dest && ct->userns) {
			/* the mount point is missing and cannot be made: the
			 * image's directory belongs to a user not mapped here */
			static char msg[PATH_MAX + 160];
			snprintf(msg, sizeof msg, "%s: the mount point cannot be made in the image "
			         "(not writable in this user namespace): make it in the image, or "
			         "use --overlay", v->dest);
			*why = msg;
			errno = 0;
		}
		return -1;
	}
	return 0;
}

int
step_mount_tmpfs(struct container *ct, const char **why)
{
	int i, fd;

	for (i = 0; i < ct->c->ntmpfs; i++) {
		const struct tmpfs *t = &ct->c->tmpfs[i];
		*why = t->path;
		fd = mount_fs_in_root(ct->rootfd, t->path, "tmpfs", t->options, t->attr);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

int
step_etc_files(struct container *ct, const char **why)
{
	if (ct->c->oci) /* the caller's, as mounts if it wants them */
		return 0;
	return etc_files(ct->rootfd, ct->devfd, ct->c, ct->hostname,
	                 ct->lease.ip ? ct->lease.nameserver : NULL, why);
}

/*
 * Chooses what PID 1 runs. The image's /sbin/init when it is an executable
 * file, run by our sealed copy of mocker-init (-x), which is skipped when
 * the image's is the very same program; else our copy itself (what docker
 * run --init does, without touching the image); --init PATH's copy; or,
 * with --no-init, COMMAND, run by our copy. The copy of our init is what
 * /proc/1/exe shows, whichever runs.
 */
int
step_provide_init(struct container *ct, const char **why)
{
	struct stat st;
	int fd;

	ct->init_mode = INIT_DIRECT;
	ct->init_argv0 = BOUND_INIT;
	if (ct->c->no_init) {
		ct->init_mode = INIT_COMMAND;
		return 0;
	}
	/* OCI, run.mocker.init: ours in front of process.args, whatever the
	 * bundle's /sbin/init is */
	if (ct->c->init_path || ct->image || ct->c->oci)
		return 0; /* an image's: ours, with its entrypoint (docker run --init) */
	fd = open_in_root(ct->rootfd, IMAGE_INIT, WANT_FILE, 0);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		if (fd >= 0)
			close(fd);
		return 0; /* none: ours */
	}
	ct->init_argv0 = IMAGE_INIT;
	if (!initfd_same(ct->init_memfd, fd)) {
		ct->init_mode = INIT_IMAGE;
		ct->image_init_ours = initfd_is_mocker_init(fd);
	}
	close(fd);
	return 0;
}

static int
image_file_failed(const char *path, const char **why)
{
	if (errno == EXDEV)
		*why = path[5] == 'p' ? "the image's " PASSWD_FILE " is not a file of its own "
		                        "(a link into /proc, /sys or a device): refused" :
		                        "the image's " GROUP_FILE " is not a file of its own "
		                        "(a link into /proc, /sys or a device): refused";
	return -1;
}

/* The user, in the image's own /etc (volumes included), read through
 * descriptors opened inside the root: a link from the image's /etc/passwd
 * to /proc or /sys is refused, not followed. */
int
step_user_lookup(struct container *ct, const char **why)
{
	const char *spec = ct->c->user ? ct->c->user : "0";
	const struct oci *o = ct->c->oci;
	int pw, gr = -1, ret = -1;

	if (o) { /* numbers, and exactly the groups given, as the spec says */
		memset(&ct->creds, 0, sizeof ct->creds);
		strcpy(ct->creds.home, "/");
		ct->creds.uid = o->uid;
		ct->creds.gid = o->gid;
		memcpy(ct->creds.groups, o->gids, (size_t)o->ngids * sizeof *o->gids);
		ct->creds.ngroups = o->ngids;
		return 0;
	}
	*why = "the image's " PASSWD_FILE;
	if ((pw = open_image_file(ct->rootfd, PASSWD_FILE)) < 0 && errno != ENOENT)
		return image_file_failed(PASSWD_FILE, why);
	*why = "the image's " GROUP_FILE;
	if ((gr = open_image_file(ct->rootfd, GROUP_FILE)) < 0 && errno != ENOENT) {
		image_file_failed(GROUP_FILE, why);
		goto out;
	}
	if ((ret = creds_lookup(spec, pw, gr, &ct->creds, why)) < 0) {
		/* the reason, not an errno: "unknown user" of "nosuch" */
		static char msg[512];
		snprintf(msg, sizeof msg, "--user '%s': %s in the image's %s", spec,
		         strcmp(*why, "unknown group") == 0 ? "no such group" :
		         strcmp(*why, "unknown user") == 0 ? "no such user" : "not USER[:GROUP]",
		         strcmp(*why, "unknown group") == 0 ? GROUP_FILE : PASSWD_FILE);
		*why = msg;
		errno = 0;
		goto out;
	}
	for (int i = 0; i < ct->c->ngroups; i++) {
		if ((gr >= 0 && lseek(gr, 0, SEEK_SET) < 0) ||
		    creds_add_group(&ct->creds, ct->c->groups[i], gr) < 0) {
			static char msg[512];
			snprintf(msg, sizeof msg, "--group-add '%s': no such group in the image's "
			         GROUP_FILE, ct->c->groups[i]);
			*why = msg;
			errno = 0;
			ret = -1;
			goto out;
		}
	}
out:
	if (pw >= 0)
		close_keep_errno(pw);
	if (gr >= 0)
		close_keep_errno(gr);
	return ret;
}

/* :U volumes: the host paths given to the container's user, from inside
 * its user namespace (ids as the container sees them) or as root. */
int
step_chown_volumes(struct container *ct, const char **why)
{
	int i;

	for (i = 0; i < ct->c->nvolumes; i++) {
		const struct volume *v = &ct->c->volumes[i];
		if (!v->chown)
			continue;
		*why = v->host;
		if (chown_tree(v->host, ct->creds.uid, ct->creds.gid) < 0) {
			static char msg[PATH_MAX + 128];
			if (errno != EPERM && errno != EINVAL)
				return -1;
			snprintf(msg, sizeof msg, "--volume %s:%s:U: cannot give it to uid %u: "
			         "its files belong to ids not mapped in the container",
			         v->host, v->dest, (unsigned)ct->creds.uid);
			*why = msg;
			errno = 0;
			return -1;
		}
	}
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
	if (ct->c->oci && ct->c->oci->caller_mounts) {
		/* the caller's mount namespace: pivot_root would move its root */
		if (fchdir(ct->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
			return -1;
	} else if (mount_pivot(ct->rootfd) < 0) {
		return -1;
	}
	/* None of our descriptors may be found as /proc/self/fd/N later. */
	close(ct->rootfd);
	close(ct->procfd);
	close(ct->sysfd);
	close(ct->devfd);
	ct->rootfd = ct->procfd = ct->sysfd = ct->devfd = -1;
	return 0;
}
