#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "selfseal.h"

extern char **environ;

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

int
self_path(char *buf, size_t size)
{
	const char *env = getenv("MOCKER_SELF");
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), seals;
	ssize_t n;

	seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
	if (fd >= 0)
		close(fd);
	/* a sealed copy: the file it was made from */
	if (seals >= 0 && (seals & SEALS) == SEALS && env && env[0] == '/') {
		snprintf(buf, size, "%s", env);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", buf, size - 1)) < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

void
self_seal(char **argv)
{
	static char self[PATH_MAX + 16];
	struct stat st;
	int src, mfd, seals;
	off_t off = 0;

	if ((src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		die_errno(EXIT_SETUP, "cannot read /proc/self/exe");
	seals = fcntl(src, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS) {
		close(src);
		return; /* this is the copy */
	}
	if (self_path(self + 12, sizeof self - 12) < 0)
		die_errno(EXIT_SETUP, "cannot read /proc/self/exe");
	memcpy(self, "MOCKER_SELF=", 12);
	if (fstat(src, &st) < 0 ||
	    (mfd = memfd_create("mocker", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		die_errno(EXIT_SETUP, "cannot make a sealed copy of mocker");
	while (off < st.st_size)
		if (sendfile(mfd, src, &off, (size_t)(st.st_size - off)) <= 0)
			die_errno(EXIT_SETUP, "cannot make a sealed copy of mocker");
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		die_errno(EXIT_SETUP, "cannot seal the copy of mocker");
	close(src);
	if (putenv(self) != 0)
		die_errno(EXIT_SETUP, "cannot make a sealed copy of mocker");
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	die_errno(EXIT_SETUP, "cannot execute the sealed copy of mocker");
}
