/* Removing a tree a container wrote: its upper layer in the image store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "tree_remove.h"

int
tree_remove(int dir, const char *name)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, r = 0;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dir, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	/* a directory made without permissions for its owner (overlayfs'
	 * work/work is 000, a container's 0500) is still ours to empty
	 * (the container has ended: nothing swaps it for a symlink now) */
	if ((st.st_mode & S_IRWXU) != S_IRWXU && st.st_uid == geteuid())
		fchmodat(dir, name, (st.st_mode & 07777) | S_IRWXU, 0);
	if ((fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (!(d = fdopendir(fd))) {
		close_keep_errno(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    tree_remove(dirfd(d), e->d_name) < 0)
			r = -1;
	closedir(d);
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
