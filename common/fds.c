#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dirscan.h"
#include "fds.h"
#include "num.h"
#include "sys.h"

struct closing {
	int lowest;
	int dir, keep;
};

static int
close_one(const char *name, unsigned char type, void *ctx)
{
	struct closing *c = ctx;
	unsigned long fd;

	(void)type;
	if (parse_ulong(name, 1UL << 30, &fd) == 0 && (int)fd >= c->lowest &&
	    (int)fd != c->dir && (int)fd != c->keep)
		close((int)fd);
	return 0;
}

void
fds_close_from(int lowest, int keep)
{
	struct closing c = { .lowest = lowest, .keep = keep };

	if (keep < lowest)
		keep = c.keep = -1;
	/* below keep, then above it */
	if ((keep <= lowest || syscall(SYS_close_range, (unsigned)lowest, (unsigned)keep - 1, 0) == 0) &&
	    syscall(SYS_close_range, (unsigned)(keep < 0 ? lowest : keep + 1), ~0U, 0) == 0)
		return;
	/* A kernel without close_range (before 5.9): close what is listed. */
	if ((c.dir = sys_open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	dir_each(c.dir, close_one, &c);
	close(c.dir);
}
