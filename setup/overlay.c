#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "image.h"
#include "mountapi.h"
#include "overlay.h"
#include "resolve.h"

static int
mkdir_p(const char *dir)
{
	return mkdir(dir, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int
overlay_mount(const char *image_path, const char *keep, const char **why)
{
	static const char *const scratch_opts[] = { "mode=755", NULL };
	char lower[PATH_MAX + 32], upper[PATH_MAX + 32], work[PATH_MAX + 32], buf[32];
	const char *opts[4];
	int image = -1, scratch = -1, merged = -1, ret = -1;

	/* The image, held open: the scratch tmpfs below covers its path. */
	*why = image_path;
	if ((image = open(image_path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* A scratch tmpfs over the image's path, seen only in our mount
	 * namespace and gone with it: the merged mount point, and without
	 * DIR the upper layer. */
	if ((scratch = mount_new_at("tmpfs", scratch_opts, MA_NOSUID | MA_NODEV, image)) < 0)
		goto out;
	if (mkdirat(scratch, "merged", 0755) < 0 ||
	    (merged = open_beneath(scratch, "merged", O_DIRECTORY)) < 0)
		goto out;
	snprintf(lower, sizeof lower, "lowerdir=%s", fd_path(image, buf));
	if (keep) {
		*why = keep;
		if (mkdir_p(keep) < 0)
			goto out;
		snprintf(upper, sizeof upper, "upperdir=%s/upper", keep);
		snprintf(work, sizeof work, "workdir=%s/work", keep);
		if (mkdir_p(upper + 9) < 0 || mkdir_p(work + 8) < 0)
			goto out;
	} else {
		if (mkdirat(scratch, "upper", 0755) < 0 || mkdirat(scratch, "work", 0755) < 0)
			goto out;
		snprintf(upper, sizeof upper, "upperdir=%s/upper", fd_path(scratch, buf));
		snprintf(work, sizeof work, "workdir=%s/work", fd_path(scratch, buf));
	}
	opts[0] = lower;
	opts[1] = upper;
	opts[2] = work;
	opts[3] = NULL;
	*why = "overlay";
	ret = mount_new_at("overlay", opts, MA_NODEV, merged);
out:
	if (image >= 0)
		close_keep_errno(image);
	if (scratch >= 0)
		close_keep_errno(scratch);
	if (merged >= 0)
		close_keep_errno(merged);
	return ret;
}

/* Each layer held open and named /proc/self/fd/N: lowerdir=A:B:C when
 * that fits in fsconfig's 256 bytes, else one lowerdir+ each (Linux 6.8). */
int
overlay_mount_layers(const char *dir, const char *const *layers, int n, int userxattr,
                     const char **why)
{
	static char lower[IMAGE_MAX_LAYERS][48], joined[256];
	char upper[64], work[64], buf[32];
	const char *opts[IMAGE_MAX_LAYERS + 6];
	int fds[IMAGE_MAX_LAYERS], i, k = 0, own = -1, target = -1, ret = -1, opened = 0;
	size_t len;

	*why = "overlay";
	if (n < 1 || n > IMAGE_MAX_LAYERS) {
		errno = EINVAL;
		return -1;
	}
	for (; opened < n; opened++) {
		*why = layers[opened];
		if ((fds[opened] = open(layers[opened], O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			goto out;
	}
	len = (size_t)snprintf(joined, sizeof joined, "lowerdir=");
	for (i = 0; i < n && len < sizeof joined; i++)
		len += (size_t)snprintf(joined + len, sizeof joined - len, "%s%s", i ? ":" : "",
		                        fd_path(fds[i], buf));
	if (len < sizeof joined) {
		opts[k++] = joined;
	} else {
		for (i = 0; i < n; i++) {
			snprintf(lower[i], sizeof lower[i], "lowerdir+=%s", fd_path(fds[i], buf));
			opts[k++] = lower[i];
		}
	}
	*why = dir;
	if ((own = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (target = openat(own, "merged", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto out;
	snprintf(upper, sizeof upper, "upperdir=%s/upper", fd_path(own, buf));
	snprintf(work, sizeof work, "workdir=%s/work", fd_path(own, buf));
	opts[k++] = upper;
	opts[k++] = work;
	/* no sync of the store's filesystem when the container's mount
	 * namespace goes (ms on a journaled disk): the upper layer does not
	 * outlive the machine's uptime (its state is in /run). (In a user
	 * namespace, Linux 6.18 refuses it: ENOENT.) */
	if (userxattr)
		opts[k++] = "userxattr";
	else
		opts[k++] = "volatile";
	opts[k] = NULL;
	*why = "overlay (the image's layers)";
	ret = mount_new_at("overlay", opts, MA_NODEV, target);
out:
	if (target >= 0)
		close_keep_errno(target);
	if (own >= 0)
		close_keep_errno(own);
	for (i = 0; i < opened; i++)
		close_keep_errno(fds[i]);
	return ret;
}
