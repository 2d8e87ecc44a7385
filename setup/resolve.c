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

/* Makes path's missing directories, then its last component, one
 * component after the other from the deepest that exists, each found again
 * from the root (resolved inside it): no recursion, whatever the depth. */
static int
create_in_root(int rootfd, const char *path, enum want want)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path), at = 0;
	int pfd = -1, fd, ret = -1;

	if (path[0] != '/' || len >= sizeof prefix || path[len - 1] == '/') {
		errno = EINVAL;
		return -1;
	}
	memcpy(prefix, path, len + 1);
	if ((pfd = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY)) < 0)
		return -1;
	while (at < len) {
		const char *name;
		size_t end;
		int last;
		while (prefix[at] == '/')
			at++;
		end = at + strcspn(prefix + at, "/");
		last = end == len;
		name = prefix + at;
		if ((end - at == 1 && name[0] == '.') || (end - at == 2 && name[0] == '.' &&
		                                          name[1] == '.')) {
			errno = EINVAL;
			goto out;
		}
		prefix[end] = 0;
		if (last)
			break;
		/* this directory, made if missing; mkdirat never follows a
		 * last symlink: a dangling one is refused (ELOOP) */
		if ((fd = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY)) < 0 &&
		    errno == ENOENT) {
			if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST)
				goto out;
			if ((fd = openat2_in_root(rootfd, prefix, O_PATH | O_DIRECTORY)) < 0 &&
			    errno == ENOENT)
				errno = ELOOP;
		}
		if (fd < 0)
			goto out;
		close(pfd);
		pfd = fd;
		prefix[end] = '/';
		at = end;
	}
	/* pfd is resolved inside the root, and mkdirat/openat with O_EXCL
	 * never follow a final symlink: the new entry lands in the image. */
	if (want == WANT_DIR) {
		ret = mkdirat(pfd, prefix + at, 0755);
	} else if ((fd = openat(pfd, prefix + at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	                        O_CLOEXEC, 0644)) >= 0) {
		close(fd);
		ret = 0;
	}
	if (ret < 0 && errno == EEXIST)
		errno = ELOOP; /* a dangling symlink: we do not follow it further */
out:
	close_keep_errno(pfd);
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
