/* Removing a tree a container wrote: its upper layer in the image store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "tree_remove.h"

/* Deeper than this, a directory is moved up to the top of the tree being
 * removed, and removed from there: one open descriptor a level, whatever
 * depth the container made (a chain deeper than the open-file limit). */
#define DEEPEST 64

static unsigned moved;

/* Makes a directory without permissions for its owner (overlayfs' work/work
 * is 000, a container's may be 0500) ours to empty; root needs none. Only
 * 0700 is added, on a directory (AT_SYMLINK_NOFOLLOW: fchmodat follows). */
static void
open_up(int dir, const char *name, const struct stat *st)
{
	int fd;

	if (geteuid() == 0 || (st->st_mode & S_IRWXU) == S_IRWXU || st->st_uid != geteuid())
		return;
	if ((fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	{
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		chmod(path, (st->st_mode & 0777) | S_IRWXU); /* the directory itself */
	}
	close(fd);
}

/* Empties the directory fd (depth levels below top). */
static int
empty_dir(int top, int fd, unsigned depth)
{
	struct dirent *e;
	struct stat st;
	int r = 0, dfd = dup(fd), again = 1;
	DIR *d;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while (again) {
		unsigned before = moved;
		again = 0;
		if (depth == 0)
			r = 0; /* (each pass says again what is left) */
		while ((e = readdir(d))) {
			int sub;
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				if (errno != ENOENT)
					r = -1;
				continue;
			}
			if (!S_ISDIR(st.st_mode)) {
				if (unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT)
					r = -1;
				continue;
			}
			if (depth >= DEEPEST) {
				/* up to the top, where a later pass takes it */
				char up[32];
				do
					snprintf(up, sizeof up, ".deep-%u", moved++);
				while (renameat(fd, e->d_name, top, up) < 0 && errno == EEXIST);
				continue;
			}
			open_up(fd, e->d_name, &st);
			if ((sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                  O_CLOEXEC)) < 0) {
				r = -1;
				continue;
			}
			if (empty_dir(top, sub, depth + 1) < 0)
				r = -1;
			close(sub);
			if (unlinkat(fd, e->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
				r = -1;
		}
		if (depth == 0 && moved != before) {
			/* what was moved up is at the top now: another pass */
			rewinddir(d);
			again = 1;
		}
	}
	closedir(d);
	return r;
}

int
tree_remove(int dir, const char *name)
{
	struct stat st;
	int fd, r;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	open_up(dir, name, &st);
	if ((fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	r = empty_dir(fd, fd, 0);
	close_keep_errno(fd);
	if (unlinkat(dir, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -1;
	return r;
}

int
tree_remove_path(const char *path)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof parent) {
		errno = EINVAL;
		return -1;
	}
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash > path ? slash - path : 1] = 0;
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	r = tree_remove(fd, slash + 1);
	close_keep_errno(fd);
	return r;
}
