#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "resolve.h"

static int
openat2_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

int
open_mountpoint(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);

	if (fd < 0 && errno == ENOENT && path[0] == '/' && !strchr(path + 1, '/')) {
		if (mkdirat(rootfd, path + 1, 0755) < 0 && errno != EEXIST)
			return -1;
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	}
	return fd;
}

int
open_image_file(int rootfd, const char *path)
{
	struct statfs sfs;
	struct stat st;
	int fd = openat2_in_root(rootfd, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		goto fail;
	/* the pseudo filesystems: proc, sysfs, debugfs, securityfs, cgroup */
	if (!S_ISREG(st.st_mode) || sfs.f_type == 0x9fa0 || sfs.f_type == 0x62656572 ||
	    sfs.f_type == 0x64626720 || sfs.f_type == 0x73636673 ||
	    sfs.f_type == 0x27e0eb || sfs.f_type == 0x63677270) {
		errno = EXDEV;
		goto fail;
	}
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

int
open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_PATH | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
}

const char *
fd_path(int fd, char *buf)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* Makes the last component of path in its parent (resolved inside root). */
static int
create_in_root(int rootfd, const char *path, enum want want)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name;
	int pfd, fd, ret = -1;

	if (!slash || !slash[1] || strlen(path) >= sizeof parent) {
		errno = EINVAL;
		return -1;
	}
	name = slash + 1;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = 0;
	if (!parent[0])
		strcpy(parent, "/");
	pfd = openat2_in_root(rootfd, parent, O_PATH | O_DIRECTORY);
	if (pfd < 0 && errno == ENOENT) {
		if (create_in_root(rootfd, parent, WANT_DIR) < 0)
			return -1;
		pfd = openat2_in_root(rootfd, parent, O_PATH | O_DIRECTORY);
	}
	if (pfd < 0)
		return -1;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		errno = EINVAL;
		goto out;
	}
	/* pfd is resolved inside the root, and mkdirat/openat with O_EXCL
	 * never follow a final symlink: the new entry lands in the image. */
	if (want == WANT_DIR) {
		ret = mkdirat(pfd, name, 0755);
	} else if ((fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	                        O_CLOEXEC, 0644)) >= 0) {
		close(fd);
		ret = 0;
	}
	if (ret < 0 && errno == EEXIST)
		errno = ELOOP; /* a dangling symlink: we do not follow it further */
out:
	close(pfd);
	return ret;
}

int
open_in_root(int rootfd, const char *path, enum want want, int create)
{
	int fd, flags = O_PATH | (want == WANT_DIR ? O_DIRECTORY : 0);
	struct stat st;

	fd = openat2_in_root(rootfd, path, flags);
	if (fd < 0 && errno == ENOENT && create) {
		if (create_in_root(rootfd, path, want) < 0)
			return -1;
		fd = openat2_in_root(rootfd, path, flags);
	}
	if (fd < 0)
		return -1;
	if (want == WANT_FILE && (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	return fd;
}
