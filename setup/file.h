/* Small whole-file reads and writes, for /proc and cgroup files, and the
 * descriptor helpers every module uses. */
#ifndef MOCKER_FILE_H
#define MOCKER_FILE_H

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

/* close(2) on a path that is already failing: the first error is the one
 * to report. */
static inline void
close_keep_errno(int fd)
{
	int err = errno;

	close(fd);
	errno = err;
}

/* Writes text to DIR/NAME (dir may be NULL: name is the path) in one
 * write(2), as control files want. 0, or -1 with errno. */
int file_write(const char *dir, const char *name, const char *text);

/* Makes (or empties) DIR/NAME, mode 0600, holding text; never through a
 * final symlink. 0, or -1 with errno. */
int file_create(const char *dir, const char *name, const char *text);

/* Writes all of buf to fd, through short writes and EINTR. 0 or -1. */
int write_all(int fd, const char *buf, size_t len);

/* Reads at most size-1 bytes of DIR/NAME into buf, NUL-terminated; the
 * length, or -1 with errno. */
ssize_t file_read(const char *dir, const char *name, char *buf, size_t size);

#endif
