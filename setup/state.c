#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

/* path is a directory of the caller's, mode 0700, not a link. */
static int
private_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
	       (st.st_mode & 077) == 0;
}

/* mkdir 0700 if missing, then the same check. */
static int
make_private(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	if (!private_dir(path)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

const char *
state_dir(void)
{
	static char dir[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char base[PATH_MAX - 16];

	if (dir[0])
		return dir;
	if (getuid() == 0)
		snprintf(base, sizeof base, "/run");
	else if (xdg && xdg[0] == '/' && private_dir(xdg))
		snprintf(base, sizeof base, "%s", xdg);
	else if (snprintf(base, sizeof base, "/run/user/%u", (unsigned)getuid()) > 0 &&
	         private_dir(base))
		;
	else {
		snprintf(dir, sizeof dir, "/tmp/mocker-%u", (unsigned)getuid());
		if (make_private(dir) < 0) {
			dir[0] = 0;
			return NULL;
		}
		return dir;
	}
	snprintf(dir, sizeof dir, "%s/mocker", base);
	if (make_private(dir) < 0) {
		dir[0] = 0;
		return NULL;
	}
	return dir;
}

int
state_once(const char *name)
{
	const char *dir = state_dir();
	char path[PATH_MAX];
	int fd;

	if (!dir)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return errno == EEXIST;
	close(fd);
	return 0;
}
