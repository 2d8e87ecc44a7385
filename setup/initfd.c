#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "initfd.h"
#include "mocker.h"
#include "resolve.h"

#define INIT_MAX_BYTES (4 << 20) /* a foreign --init may be larger than ours */

/* At most size bytes of the file at the O_PATH descriptor fd; the length,
 * or -1. Non-blocking: an image's FIFO does not hold us. */
static ssize_t
read_head(int fd, char *buf, size_t size)
{
	char path[32];
	ssize_t n, got = 0;
	int rd;

	if ((rd = open(fd_path(fd, path), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	while ((size_t)got < size && (n = read(rd, buf + got, size - (size_t)got)) > 0)
		got += n;
	close(rd);
	return got;
}

int
initfd_is_mocker_init(int fd)
{
	static char buf[65536];
	ssize_t n = read_head(fd, buf, sizeof buf);

	/* it is 24 KiB: the marker is in the first 64 */
	return n > 0 && memmem(buf, (size_t)n, INIT_MARKER, sizeof INIT_MARKER - 1) != NULL;
}

int
initfd_copy(const char *path, int *ours)
{
	static char buf[65536];
	struct stat st;
	int src, mfd = -1;
	ssize_t n;
	off_t total = 0;

	*ours = 0;
	if ((src = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(src, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > INIT_MAX_BYTES) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	if ((mfd = memfd_create("mocker-init", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		goto fail;
	while ((n = read(src, buf, sizeof buf)) > 0) {
		if (total == 0)
			*ours = memmem(buf, (size_t)n, INIT_MARKER, sizeof INIT_MARKER - 1) != NULL;
		if (write(mfd, buf, (size_t)n) != n)
			goto fail;
		total += n;
	}
	if (n < 0)
		goto fail;
	/* nothing can change it from now on, not even root */
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		goto fail;
	close(src);
	return mfd;
fail:
	close_keep_errno(src);
	if (mfd >= 0)
		close_keep_errno(mfd);
	return -1;
}

int
initfd_same(int memfd, int fd)
{
	static char a[65536], b[65536];
	struct stat sa, sb;
	ssize_t n;

	if (fstat(memfd, &sa) < 0 || fstat(fd, &sb) < 0 || sa.st_size != sb.st_size ||
	    sa.st_size > (off_t)sizeof a)
		return 0;
	if (pread(memfd, a, sizeof a, 0) != sa.st_size)
		return 0;
	n = read_head(fd, b, sizeof b);
	return n == sa.st_size && memcmp(a, b, (size_t)n) == 0;
}
