#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chown.h"
#include "file.h"

#define DEPTH_MAX 256

static int
walk(int dirfd, dev_t dev, uid_t uid, gid_t gid, int depth)
{
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (depth > DEPTH_MAX || !(d = fdopendir(dirfd))) {
		close(dirfd);
		errno = depth > DEPTH_MAX ? ELOOP : errno;
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int sub;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue; /* another filesystem mounted here: not ours */
		if (fchownat(dirfd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -1;
		if (!S_ISDIR(st.st_mode))
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || walk(sub, dev, uid, gid, depth + 1) < 0)
			ret = -1;
	}
	closedir(d);
	return ret;
}

int
chown_tree(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || fchown(fd, uid, gid) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return close(fd);
	return walk(fd, st.st_dev, uid, gid, 0);
}
