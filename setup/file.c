#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

static const char *
join(const char *dir, const char *name, char *buf, size_t size)
{
	if (!dir)
		return name;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

int
file_write(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(text);
	ssize_t n;
	int fd, err;

	if ((fd = open(join(dir, name, path, sizeof path), O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)len ? 0 : -1;
}

int
file_create(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	int fd;

	if ((fd = open(join(dir, name, path, sizeof path),
	               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return close(fd);
}

ssize_t
file_read(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd, err;

	if ((fd = open(join(dir, name, path, sizeof path), O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	errno = err;
	if (n >= 0)
		buf[n] = 0;
	return n;
}

int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}
