#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "overlay.h"
#include "resolve.h"

static int
mkdir_p(const char *dir)
{
	return mkdir(dir, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int
overlay_mount(struct container *ct, const char **root)
{
	static char merged[PATH_MAX + 16];
	char upper[PATH_MAX + 16], work[PATH_MAX + 16], opts[3 * PATH_MAX + 128], lower[32];
	const char *keep = ct->c->overlay_upper;
	int lowerfd, ret = -1;

	/* Held open: the tmpfs below covers the image's path in our namespace. */
	ct->why = ct->rootfs;
	if ((lowerfd = open(ct->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	/* A scratch tmpfs, seen only in our mount namespace, over the image's
	 * own path: it holds the merged mount point and, without DIR, the
	 * upper layer. It goes away with the namespace. */
	if (mount("tmpfs", ct->rootfs, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0)
		goto out;
	snprintf(merged, sizeof merged, "%s/merged", ct->rootfs);
	if (keep) {
		ct->why = keep;
		snprintf(upper, sizeof upper, "%s/upper", keep);
		snprintf(work, sizeof work, "%s/work", keep);
		if (mkdir_p(keep) < 0)
			goto out;
	} else {
		snprintf(upper, sizeof upper, "%s/upper", ct->rootfs);
		snprintf(work, sizeof work, "%s/work", ct->rootfs);
	}
	if (mkdir_p(upper) < 0 || mkdir_p(work) < 0 || mkdir_p(merged) < 0)
		goto out;
	if ((size_t)snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s",
	                     fd_path(lowerfd, lower), upper, work) >= sizeof opts) {
		errno = ENAMETOOLONG;
		goto out;
	}
	ct->why = "overlay";
	if ((ret = mount("overlay", merged, "overlay", MS_NODEV, opts)) == 0)
		*root = merged;
out:
	close(lowerfd);
	return ret;
}
